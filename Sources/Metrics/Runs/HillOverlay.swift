import Foundation
import Training

/// Points to draw under a live run on Occam's hill: a sweep's table (`sweep.jsonl`, one
/// settled point per final sparsity, whose target-0 run is the baseline) or an earlier
/// run's log (its evaluations, classified as the live run's are). An overlay's baseline is
/// its sweep's dense run alone: it is never averaged with the live run's.
public struct HillOverlay: Sendable, Equatable {
    public var points: [HillPoint] = []
    /// The target-0 run of an overlaid sweep.
    public var baseline: HillBaseline?
    /// What a user should know about the files read (a cut-off last line left out).
    public var warnings: [String] = []

    public init(points: [HillPoint] = [], baseline: HillBaseline? = nil) {
        self.points = points
        self.baseline = baseline
    }

    /// Adds another file's points; the first sweep's baseline stays.
    public mutating func add(_ other: HillOverlay) {
        points += other.points
        baseline = baseline ?? other.baseline
        warnings += other.warnings
    }

    public init(file path: String) throws {
        let text: String
        do { text = try RegularFile.readText(path) } catch {
            throw RunLogError(path: path, line: nil, problem: "cannot read the file: \(error.description)")
        }
        let name = (path as NSString).lastPathComponent
        let runID = "overlay:" + name
        let lines = try RunLogLines(text: text, path: path)
        if let line = lines.incompleteLastLine {
            warnings.append(incompleteLastLineWarning(path: path, line: line))
        }
        if let sweep = try SweepTable(lines: lines) {
            points = sweep.rows.map {
                HillPoint(sparsity: $0.sparsity, accuracy: $0.accuracyAfterFineTuning, phase: $0.target == 0 ? .dense : .afterFineTuning,
                          runID: runID)
            }
            baseline = sweep.rows.first { $0.target == 0 }.map { HillBaseline(accuracy: $0.accuracyAfterFineTuning, source: .sweep(name: name)) }
            return
        }
        let log = try RunLog(lines: lines, path: path)
        guard !log.evaluations.isEmpty else {
            throw RunLogError(path: path, line: nil, problem: "neither a sweep table nor a run log with evaluations")
        }
        points = RunHill.points(log.hillEvaluations, runID: runID)
    }
}
