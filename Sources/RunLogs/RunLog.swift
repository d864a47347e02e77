import Foundation
import Metrics
import Training

/// A run's JSONL log as written by `prunetop run --jsonl` (and the dashboard): its start,
/// evaluations and end, for sweeps, overlays and export. Other events are skipped, and so
/// are events this build does not know; a log of a newer schema is refused at its start
/// line (`RunLogEvent.schemaVersion`).
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

        /// A logged histogram, or nil when it is absent or does not hold together (bounds
        /// not finite or not in order, bins of two sizes, a negative count).
        init?(_ logged: RunEvaluationEvent.Histogram?) {
            guard let logged, let lower = logged.lower, let upper = logged.upper, let kept = logged.kept, let pruned = logged.pruned,
                  kept.count == pruned.count, lower.isFinite, upper.isFinite, lower < upper, (kept + pruned).allSatisfy({ $0 >= 0 })
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
    /// The checkpoints the run saved, in order: step and path as the run wrote it.
    public var checkpoints: [(step: Int, path: String)] = []

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
        try self.init(lines: try RunLogLines(text: text, path: path), path: path)
    }

    init(lines: RunLogLines, path: String) throws {
        self.path = path
        incompleteLastLine = lines.incompleteLastLine
        for line in lines.lines {
            switch line.event {
            case let .start(start):
                method = start.config?.sparsity?.method
                finalTarget = try line.fraction(start.config?.sparsity?.target, "config.sparsity.target")
                totalSteps = start.totalSteps
                if let recipe = start.recipe {
                    guard let bytes = recipe.bytes, bytes >= 0, let crc = recipe.crc32.flatMap(ContentFingerprint.crc32(parsing:)),
                          let overrides = recipe.overrides else {
                        throw line.error("recipe: expected bytes (an integer), crc32 (\"0x\" and 8 hex digits) and overrides (strings)")
                    }
                    self.recipe = Recipe(path: recipe.path, fingerprint: ContentFingerprint(crc32: crc, byteCount: bytes), overrides: overrides)
                }
            case let .evaluation(evaluation):
                let layers = try (evaluation.layers ?? []).map { layer in
                    let shape = layer.shape ?? [], parameters = layer.params ?? 0, nonzero = layer.nonzero ?? 0
                    guard shape.allSatisfy({ $0 >= 0 }), parameters >= 0, (0...parameters).contains(nonzero) else {
                        throw line.error("layers: expected sizes >= 0 and nonzero from 0 to params")
                    }
                    return Layer(name: layer.name ?? "?", shape: shape, parameters: parameters, nonzero: nonzero,
                                 target: try line.fraction(layer.target, "layers.target"), histogram: Histogram(layer.histogram))
                }
                evaluations.append(Evaluation(
                    step: try line.count(evaluation.step, "step"), epoch: try line.required(evaluation.epoch, "epoch", "a number"),
                    sparsity: try line.fraction(required: evaluation.sparsity, "sparsity"),
                    target: try line.fraction(required: evaluation.target, "target"), phase: evaluation.phase ?? .unrecorded,
                    testAccuracy: try line.fraction(evaluation.testAccuracy, "test_acc"),
                    prunedTestAccuracy: try line.fraction(evaluation.prunedTestAccuracy, "test_acc_pruned"),
                    testLoss: evaluation.testLoss, trainLoss: evaluation.trainLoss ?? .nan, learningRate: evaluation.lr ?? .nan,
                    layers: layers))
            case let .checkpoint(checkpoint):
                if let path = checkpoint.path { checkpoints.append((checkpoint.step, path)) }
            case let .end(end):
                outcome = end.outcome.rawValue
                finalAccuracy = try line.fraction(end.testAccuracy, "test_acc")
                finalPrunedAccuracy = try line.fraction(end.prunedTestAccuracy, "test_acc_pruned")
                finalSparsity = try line.fraction(end.sparsity, "sparsity")
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

    public init(path: String, line: Int?, problem: String) {
        self.path = path
        self.line = line
        self.problem = problem
    }

    public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(problem)" }
}
