import Training

/// One evaluation of a run as the hill reads it.
public struct HillEvaluation: Sendable, Equatable {
    public var step: Int
    /// Completed epochs at the evaluation, e.g. 2.5.
    public var epoch: Double
    /// Measured sparsity of the stored (prunable) weights.
    public var sparsity: Double
    /// The accuracy the hill plots: the pruned network's (`hillAccuracy`).
    public var accuracy: Double
    /// The engine's phase at the evaluation.
    public var phase: TrainingPhase

    public init(step: Int, epoch: Double, sparsity: Double, accuracy: Double, phase: TrainingPhase) {
        self.step = step
        self.epoch = epoch
        self.sparsity = sparsity
        self.accuracy = accuracy
        self.phase = phase
    }

    /// The accuracy a hill plots for an evaluation: the pruned network's. For DropBack, whose
    /// untracked weights still compute at their initial values, that is the reading with them
    /// zeroed (`prunedAccuracy`); for every other method the test accuracy itself.
    public static func hillAccuracy(testAccuracy: Double, prunedAccuracy: Double?) -> Double {
        prunedAccuracy ?? testAccuracy
    }

    /// The same for a record that may have no test accuracy.
    public static func hillAccuracy(testAccuracy: Double?, prunedAccuracy: Double?) -> Double? {
        testAccuracy.map { hillAccuracy(testAccuracy: $0, prunedAccuracy: prunedAccuracy) }
    }
}

/// Occam's hill of one run, computed from its evaluations in order, the same way live,
/// in replay, for an overlay and for the SVG export.
public enum RunHill {
    /// Two evaluations closer than this in sparsity are at the same sparsity.
    public static let sparsityTolerance = 0.002

    /// The run's points: dense, moving (`.afterPruning`) or settled (`.afterFineTuning`).
    /// A point is settled when the sparsity has not changed since the previous evaluation:
    /// the network has been trained at that sparsity for a whole evaluation interval (so a
    /// gradual schedule that prunes more often than it evaluates never settles until it
    /// ends, and a staged one settles between its stages).
    /// Of the leading dense phase only its last evaluation is a point: before it the dense
    /// network is still training, which says nothing about sparsity.
    public static func points(_ evaluations: [HillEvaluation], runID: String) -> [HillPoint] {
        var points: [HillPoint] = []
        var previous: HillEvaluation?
        let valid = evaluations.filter(\.accuracy.isFinite)
        let stillTraining = max(valid.prefix { isDense($0) }.count - 1, 0)
        for evaluation in valid.dropFirst(stillTraining) {
            var phase = EvaluationPhase(snapshotPhase: evaluation.phase, measuredSparsity: evaluation.sparsity)
            if phase != .dense {
                let unchanged = previous.map { $0.sparsity > 0 && abs($0.sparsity - evaluation.sparsity) <= sparsityTolerance } ?? false
                phase = unchanged ? .afterFineTuning : .afterPruning
            }
            points.append(HillPoint(sparsity: evaluation.sparsity, accuracy: evaluation.accuracy, phase: phase, runID: runID,
                                    step: evaluation.step))
            previous = evaluation
        }
        return points
    }

    private static func isDense(_ evaluation: HillEvaluation) -> Bool {
        EvaluationPhase(snapshotPhase: evaluation.phase, measuredSparsity: evaluation.sparsity) == .dense
    }

    /// What the run's own dense phase gives as a baseline.
    public enum DensePhaseBaseline: Sendable, Equatable {
        /// The run did not start dense.
        case none
        /// Still in the dense phase: the baseline comes when it ends.
        case pending
        case converged(HillBaseline)
        /// The dense phase ended before its accuracy stopped rising; why, in a few words.
        case notConverged(String)

        public var baseline: HillBaseline? {
            if case let .converged(baseline) = self { return baseline }
            return nil
        }
    }

    /// The run's dense model at the end of its dense phase (its leading dense evaluations),
    /// accepted as a baseline only when it had converged: over the phase's last epoch (from
    /// the latest evaluation at least an epoch before its end) its accuracy rose by no more
    /// than `noiseMargin`. A dense phase shorter than that, or evaluated once, is not
    /// judged converged. A run that is dense throughout gives its last evaluation once
    /// `finished`. The trainer evaluates right before the first prune
    /// (`SparsityEngine.densePhaseEnd`), so the phase's last evaluation is its end.
    public static func densePhaseBaseline(_ evaluations: [HillEvaluation], finished: Bool,
                                          noiseMargin: Double = OccamsHill().noiseMargin) -> DensePhaseBaseline {
        let valid = evaluations.filter(\.accuracy.isFinite)
        let dense = valid.prefix(while: isDense)
        guard let last = dense.last else { return .none }
        let wholeRun = dense.count == valid.count
        if wholeRun && !finished { return .pending }
        if wholeRun { return .converged(HillBaseline(accuracy: last.accuracy, source: .denseRun(epochs: last.epoch))) }
        guard let epochBefore = dense.last(where: { $0.epoch <= last.epoch - 1 + 1e-9 }) else {
            return .notConverged("dense phase under an epoch")
        }
        let gain = last.accuracy - epochBefore.accuracy
        guard gain <= noiseMargin else {
            return .notConverged(String(format: "dense phase still rising (+%.1f pt in its last epoch)", 100 * gain))
        }
        return .converged(HillBaseline(accuracy: last.accuracy, source: .densePhase(epochs: last.epoch)))
    }
}
