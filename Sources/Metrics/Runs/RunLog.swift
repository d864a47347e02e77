import Foundation
import Training

/// A run's JSONL log as written by `prunetop run --jsonl` (and the dashboard): its start,
/// evaluations and end, for sweeps, overlays and export. Unknown events are skipped, so
/// logs from newer versions still read.
public struct RunLog: Sendable {
    public struct Evaluation: Sendable, Equatable {
        public var step: Int
        public var epoch: Double
        /// Measured over the prunable weights, and the schedule's target at that step.
        public var sparsity: Double
        public var target: Double
        /// The engine's phase at the evaluation.
        public var phase: TrainingPhase
        public var testAccuracy: Double?
        /// DropBack: the accuracy with the untracked weights zeroed (absent for other methods).
        public var prunedTestAccuracy: Double?
        public var testLoss: Double?
        public var trainLoss: Double
        public var learningRate: Double
        public var layers: [Layer]
    }

    public struct Layer: Sendable, Equatable {
        public var name: String
        /// The weight tensor's dimensions ([out, in] for Dense); empty in older logs.
        public var shape: [Int] = []
        public var parameters: Int
        public var nonzero: Int
        /// The layer's own target sparsity under the layer budget; nil when it has none.
        public var target: Double?
        /// Absent from older logs.
        public var histogram: Histogram?
        public var sparsity: Double { parameters == 0 ? 0 : 1 - Double(nonzero) / Double(parameters) }
    }

    /// A layer's weights in equal bins over [lower, upper], kept and pruned counted apart.
    public struct Histogram: Sendable, Equatable {
        public var lower: Double
        public var upper: Double
        public var kept: [Int]
        public var pruned: [Int]

        init?(_ object: [String: Any]?) {
            guard let object, let lower = object["lower"] as? Double, let upper = object["upper"] as? Double,
                  let kept = object["kept"] as? [Int], let pruned = object["pruned"] as? [Int], kept.count == pruned.count,
                  lower.isFinite, upper.isFinite, lower < upper, (kept + pruned).allSatisfy({ $0 >= 0 })
            else { return nil }
            (self.lower, self.upper, self.kept, self.pruned) = (lower, upper, kept, pruned)
        }
    }

    /// The recipe a run was started from, as its start event records it.
    public struct Recipe: Sendable, Equatable {
        public var path: String?
        public var fingerprint: ContentFingerprint
        public var overrides: [String]
    }

    public var path: String
    public var method: String?
    /// The final target sparsity the run was configured with.
    public var finalTarget: Double?
    /// Nil for a run of command-line flags only, and for logs written before 2026-12.
    public var recipe: Recipe?
    public var totalSteps: Int?
    public var evaluations: [Evaluation] = []
    /// "done", "stopped" or "diverged", when the run ended.
    public var outcome: String?
    public var finalAccuracy: Double?
    /// DropBack: the final accuracy with the untracked weights zeroed.
    public var finalPrunedAccuracy: Double?
    public var finalSparsity: Double?
    /// The line number of a last line cut off while it was written, left out; nil when whole.
    public var incompleteLastLine: Int?

    /// How a finished run ended, as a sweep tabulates it: from its `done` event or, when a
    /// fault cut that last line off, from its last evaluation if that was at the run's
    /// final step (the trainer evaluates there, so the numbers are the same).
    public struct Result: Sendable, Equatable {
        public var hillAccuracy: Double
        public var sparsity: Double
        public var fromLastEvaluation: Bool
    }

    /// Nil when the run did not finish: stopped, diverged, or cut off before its end.
    public var result: Result? {
        if outcome == "done", let accuracy = finalHillAccuracy {
            return Result(hillAccuracy: accuracy, sparsity: finalSparsity ?? evaluations.last?.sparsity ?? 0, fromLastEvaluation: false)
        }
        guard outcome == nil, incompleteLastLine != nil, let totalSteps, let last = evaluations.last, last.step == totalSteps,
              let accuracy = HillEvaluation.hillAccuracy(testAccuracy: last.testAccuracy, prunedAccuracy: last.prunedTestAccuracy)
        else { return nil }
        return Result(hillAccuracy: accuracy, sparsity: last.sparsity, fromLastEvaluation: true)
    }

    /// Why `result` is nil, in a few words.
    public var unfinishedReason: String? {
        guard result == nil else { return nil }
        switch outcome {
        case "stopped": return "the run was stopped before its end"
        case "diverged": return "the run diverged"
        case "done": return "its done event has no test accuracy"
        default:
            let last = evaluations.last.map { " (last evaluation at step \($0.step)\(totalSteps.map { " of \($0)" } ?? ""))" } ?? ""
            return "the log ends before the run's end\(last)"
        }
    }

    /// The final accuracy a hill plots (`HillEvaluation.hillAccuracy`).
    public var finalHillAccuracy: Double? { HillEvaluation.hillAccuracy(testAccuracy: finalAccuracy, prunedAccuracy: finalPrunedAccuracy) }

    /// The evaluations as the hill reads them, in order.
    public var hillEvaluations: [HillEvaluation] {
        evaluations.compactMap { evaluation in
            HillEvaluation.hillAccuracy(testAccuracy: evaluation.testAccuracy, prunedAccuracy: evaluation.prunedTestAccuracy).map {
                HillEvaluation(step: evaluation.step, epoch: evaluation.epoch, sparsity: evaluation.sparsity, accuracy: $0,
                               phase: evaluation.phase)
            }
        }
    }

    public init(path: String) throws {
        let text: String
        do { text = try RegularFile.readText(path) } catch {
            throw RunLogError(path: path, line: nil, problem: "cannot read the file: \(error.description)")
        }
        try self.init(text: text, path: path)
    }

    public init(text: String, path: String) throws {
        self.path = path
        let lines = try JSONFields.lines(of: text, path: path)
        incompleteLastLine = lines.incompleteLastLine
        for (object, fields) in lines.records {
            switch object["event"] as? String {
            case "start":
                let sparsity = (object["config"] as? [String: Any])?["sparsity"] as? [String: Any]
                method = sparsity?["method"] as? String
                finalTarget = try fields.fraction(sparsity?["target"], "config.sparsity.target")
                totalSteps = object["total_steps"] as? Int
                if let recipe = object["recipe"] as? [String: Any] {
                    guard let bytes = recipe["bytes"] as? Int, bytes >= 0,
                          let crc = (recipe["crc32"] as? String).flatMap(ContentFingerprint.crc32(parsing:)),
                          let overrides = recipe["overrides"] as? [String] else {
                        throw RunLogError(path: path, line: fields.line,
                                          problem: "recipe: expected bytes (an integer), crc32 (\"0x\" and 8 hex digits) and overrides (strings)")
                    }
                    self.recipe = Recipe(path: recipe["path"] as? String, fingerprint: ContentFingerprint(crc32: crc, byteCount: bytes),
                                         overrides: overrides)
                }
            case "eval":
                let layers = try (object["layers"] as? [[String: Any]] ?? []).map { layer in
                    let shape = layer["shape"] as? [Int] ?? [], parameters = layer["params"] as? Int ?? 0
                    let nonzero = layer["nonzero"] as? Int ?? 0
                    guard shape.allSatisfy({ $0 >= 0 }), parameters >= 0, (0...parameters).contains(nonzero) else {
                        throw RunLogError(path: path, line: fields.line,
                                          problem: "layers: expected sizes >= 0 and nonzero from 0 to params")
                    }
                    return Layer(name: layer["name"] as? String ?? "?", shape: shape, parameters: parameters, nonzero: nonzero,
                                 target: try fields.fraction(layer["target"], "layers.target"),
                                 histogram: Histogram(layer["histogram"] as? [String: Any]))
                }
                evaluations.append(Evaluation(
                    step: try fields.step("step"), epoch: try fields.number("epoch"), sparsity: try fields.fraction("sparsity"),
                    target: try fields.fraction("target"), phase: (object["phase"] as? String).map(TrainingPhase.init(displayName:)) ?? .unrecorded,
                    testAccuracy: try fields.fraction(object["test_acc"], "test_acc"),
                    prunedTestAccuracy: try fields.fraction(object["test_acc_pruned"], "test_acc_pruned"),
                    testLoss: object["test_loss"] as? Double,
                    trainLoss: object["train_loss"] as? Double ?? .nan, learningRate: object["lr"] as? Double ?? .nan, layers: layers))
            case "done", "stopped", "diverged":
                outcome = object["event"] as? String
                finalAccuracy = try fields.fraction(object["test_acc"], "test_acc")
                finalPrunedAccuracy = try fields.fraction(object["test_acc_pruned"], "test_acc_pruned")
                finalSparsity = try fields.fraction(object["sparsity"], "sparsity")
            default:
                continue
            }
        }
    }
}

/// What a reader says when it left out a log's cut-off last line.
public func incompleteLastLineWarning(path: String, line: Int) -> String {
    "warning: \(path):\(line): the last line is incomplete (cut off while it was written); read the lines before it"
}

public struct RunLogError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var line: Int?
    public var problem: String

    public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(problem)" }
}

/// Typed reads of one JSON object, with errors that name the file, line and key.
struct JSONFields {
    let object: [String: Any]
    let path: String
    let line: Int

    /// Each non-empty line of a JSONL text as an object; anything else is an error at its
    /// line, but for a last line cut off while it was written (no newline at the end and not
    /// JSON: a full disk, a file-size limit or a kill mid-write), which is left out and
    /// reported in `incompleteLastLine`.
    static func lines(of text: String, path: String) throws -> (records: [(object: [String: Any], fields: JSONFields)],
                                                                 incompleteLastLine: Int?) {
        var result: [(object: [String: Any], fields: JSONFields)] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() where !line.isEmpty {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                if index == lines.count - 1 { return (result, index + 1) }
                throw RunLogError(path: path, line: index + 1, problem: "expected one JSON object per line")
            }
            result.append((object, JSONFields(object: object, path: path, line: index + 1)))
        }
        return (result, nil)
    }

    func number(_ key: String) throws -> Double {
        guard let value = object[key] as? Double else {
            throw RunLogError(path: path, line: line, problem: "\(key): expected a number")
        }
        return value
    }

    func int(_ key: String) throws -> Int {
        guard let value = object[key] as? Int else {
            throw RunLogError(path: path, line: line, problem: "\(key): expected an integer")
        }
        return value
    }

    /// A step or a count: an integer >= 0.
    func step(_ key: String) throws -> Int {
        let value = try int(key)
        guard value >= 0 else { throw RunLogError(path: path, line: line, problem: "\(key): expected an integer >= 0, found \(value)") }
        return value
    }

    /// A sparsity or an accuracy: a number in [0, 1].
    func fraction(_ key: String) throws -> Double {
        let value = try number(key)
        guard (0...1).contains(value) else {
            throw RunLogError(path: path, line: line, problem: "\(key): expected a number in [0, 1], found \(value)")
        }
        return value
    }

    /// An optional sparsity or accuracy: nil when `value` is absent or not a number (as
    /// logs have `null` for an accuracy not measured), else a number in [0, 1].
    func fraction(_ value: Any?, _ key: String) throws -> Double? {
        guard let value = value as? Double else { return nil }
        guard (0...1).contains(value) else {
            throw RunLogError(path: path, line: line, problem: "\(key): expected a number in [0, 1], found \(value)")
        }
        return value
    }
}
