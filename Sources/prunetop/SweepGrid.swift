import ArgumentParser
import Foundation
import RunLogs
import Training

/// The points of a sweep: every combination of the `--grid` axes (any recipe keys), the
/// final sparsities (`--sparsities`, `--from/--to/--steps` or `--grid schedule.final=...`)
/// and the seeds (`--seeds N`), in a fixed order, each with its overrides and log name.
struct SweepGrid: Equatable {
    /// A recipe key and the values a sweep gives it, as `--set` would.
    struct Axis: Equatable {
        var key: String
        var values: [String]
    }

    /// Axes other than the final sparsity and the seed, in the order given.
    var axes: [Axis]
    /// `schedule.final` values, ascending; nil when the sweep does not vary it.
    var targets: [Double]?
    /// Seeds, ascending; nil when every point runs with the recipe's own.
    var seeds: [UInt64]?

    static let sparsityKey = "schedule.final"

    /// One run of the sweep.
    struct Point: Equatable {
        var settings: [SweepSetting]
        var target: Double?
        var seed: UInt64?
        /// The sweep's `--set` overrides, then the grid's, then `schedule.final`, then `seed`.
        var overrides: [String]
        var logName: String
    }

    /// `--grid KEY=V1,V2,...` options; a key is given once, and not with `--set` too.
    static func axes(_ options: [String], overrides: [String]) throws -> (axes: [Axis], targets: [Double]?, seeds: [UInt64]?) {
        var axes: [Axis] = [], targets: [Double]?, seeds: [UInt64]?
        var seen: Set<String> = []
        for option in options {
            let parts = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--grid \(option): expected KEY=V1,V2,... (e.g. --grid method=magnitude,rigl)")
            }
            let key = parts[0]
            let values = parts[1].split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard values.allSatisfy({ !$0.isEmpty }) else {
                throw ValidationError("--grid \(key): expected values separated by commas, found an empty one in '\(parts[1])'")
            }
            guard seen.insert(key).inserted else { throw ValidationError("--grid \(key): given twice; give each key once") }
            if overrides.contains(where: { $0.hasPrefix(key + "=") }) {
                throw ValidationError("--grid \(key): also given with --set; give it in one place")
            }
            switch key {
            case sparsityKey: targets = try SweepGrid.targets(values, option: "--grid \(sparsityKey)")
            case "seed":
                seeds = try values.map {
                    guard let seed = UInt64($0) else { throw ValidationError("--grid seed: expected integers >= 0, found '\($0)'") }
                    return seed
                }
                seeds = Array(Set(seeds!)).sorted()
            default:
                var unique: [String] = []
                for value in values where !unique.contains(value) { unique.append(value) }
                axes.append(Axis(key: key, values: unique))
            }
        }
        return (axes, targets, seeds)
    }

    /// Final sparsities: numbers in [0, 1), deduplicated and sorted.
    static func targets(_ texts: [String], option: String) throws -> [Double] {
        let values = try texts.map {
            guard let value = Double($0.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("\(option): expected numbers separated by commas, found '\($0)'")
            }
            return value
        }
        for value in values where !(0..<1).contains(value) {
            throw ValidationError("\(option): expected values in [0, 1), found \(value)")
        }
        return Array(Set(values)).sorted()
    }

    /// Every point: axes vary slowest in the order given, then the sparsity, then the seed.
    func points(overrides: [String]) throws -> [Point] {
        var cells: [[SweepSetting]] = [[]]
        for axis in axes {
            cells = cells.flatMap { cell in axis.values.map { cell + [SweepSetting(key: axis.key, value: $0)] } }
        }
        var points: [Point] = []
        for cell in cells {
            for target in targets.map({ $0.map(Optional.some) }) ?? [nil] {
                for seed in seeds.map({ $0.map(Optional.some) }) ?? [nil] {
                    var pointOverrides = overrides + cell.map { "\($0.key)=\($0.value)" }
                    if let target { pointOverrides.append("\(Self.sparsityKey)=\(target)") }
                    if let seed { pointOverrides.append("seed=\(seed)") }
                    points.append(Point(settings: cell, target: target, seed: seed, overrides: pointOverrides,
                                        logName: Self.logName(settings: cell, target: target, seed: seed, overrides: pointOverrides)))
                }
            }
        }
        var owners: [String: Point] = [:]
        for point in points {
            if let other = owners[point.logName] {
                throw ValidationError("the points \(other.overrides.joined(separator: " ")) and \(point.overrides.joined(separator: " ")) "
                                      + "would share the log \(point.logName); give values that differ in their first 4 decimals")
            }
            owners[point.logName] = point
        }
        return points
    }

    /// "sparsity-0.9000.jsonl" for a sweep of the final sparsity alone (as before grids);
    /// else "method-rigl_sparsity-0.9000_seed-1.jsonl", with the CRC-32 of the overrides
    /// appended when a value had to be spelled differently to be a file name.
    static func logName(settings: [SweepSetting], target: Double?, seed: UInt64?, overrides: [String]) -> String {
        var parts = settings.map { "\($0.key)-\($0.value)" }
        if let target { parts.append(String(format: "sparsity-%.4f", target)) }
        if let seed { parts.append("seed-\(seed)") }
        let safe = parts.map { part in String(part.map { $0.isASCII && ($0.isLetter || $0.isNumber || ".+-".contains($0)) ? $0 : "~" }) }
        var name = safe.joined(separator: "_")
        if safe != parts { name += "_" + ContentFingerprint(of: overrides.joined(separator: "\n")).crc32Text.dropFirst(2) }
        return name + ".jsonl"
    }
}
