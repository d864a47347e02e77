/// First-order Taylor pruning during training (Hoefler et al. 2021, arXiv:2102.00554, §3.4:
/// the expansion, and the |g·w| score of global sparse momentum, Ding et al. 2019,
/// arXiv:1909.12778; cf. Molchanov et al. 2019, arXiv:1906.10771). Removing weight w changes the loss by about -g·w, so
/// |g·w| estimates its importance. The score is re-evaluated all through training as an
/// exponential moving average, S ← β·S + (1 - β)·|g·w|, updated every step from the dense
/// gradient (before masking) and the weights the forward pass used; at each mask
/// update of the schedule (gradual, cubic, like magnitude's by default) the lowest S are
/// pruned to the scheduled sparsity.
///
/// Choices where the sources are silent:
/// - β = 0.9 by default; S starts at zero (that bias is common to all weights, so it does
///   not change the ranking).
/// - Pruned weights rank below every kept weight, so they stay pruned while the target
///   rises; when the target is lowered, the most recently important pruned weights
///   (highest decayed S) come back first, at zero.
/// - Default budget: global, like magnitude.
/// - A step whose g·w is not finite adds 0 for that weight.
/// - A schedule whose target is already above the current sparsity when the method takes
///   over (e.g. a constant schedule) prunes after the first step, on that step's score.
public final class TaylorMethod: SparsityMethod {
    public static let descriptor = MethodDescriptor(
        name: "taylor",
        summary: "first-order Taylor |g·w| (moving average) re-scored during training; gradual",
        options: [MethodOption("beta", default: 0.9, range: 0...0.9999, "decay of the moving average of |g·w| (0 = this step only)")],
        defaultBudget: LayerBudget(.global),
        defaultSchedule: { SparsitySchedule.gradualDefault(totalSteps: $0, stepsPerEpoch: $1) },
        make: { TaylorMethod(beta: $0["beta"]) })

    public let name = "taylor"
    /// The moving average's decay, as set and as used.
    public let beta: Double
    private let decay: Float
    /// The moving average of |g·w| per weight.
    public private(set) var scores: [[Float]] = []
    private var scheduleTracker = ScheduledPruningTracker()
    private var updates = 0

    public init(beta: Double) {
        self.beta = beta
        decay = Float(beta)
    }

    public func begin(_ engine: SparsityEngine) {
        scores = engine.prunable.map { [Float](repeating: 0, count: $0.count) }
        scheduleTracker.begin(engine)
    }

    public func afterBackward(_ engine: SparsityEngine) {
        let (beta, keep) = (decay, 1 - decay)
        GradientWeightScores.accumulate(into: &scores, engine) { score, product in
            let magnitude = abs(product)
            // A non-finite gradient would poison the average for good: skip it.
            score = beta * score + keep * (magnitude.isFinite ? magnitude : 0)
        }
    }

    public func afterStep(_ engine: SparsityEngine) {
        guard let target = scheduleTracker.dueTarget(engine) else { return }
        engine.prune(byScores: PruningScoreTiers.tiered(kept: scores, masks: engine.masks, revival: scores), to: target)
        updates += 1
    }

    public var statistics: [MethodStatistic] {
        [MethodStatistic("beta", beta), MethodStatistic("updates", Double(updates))]
    }
}

// MARK: Checkpoints

extension TaylorMethod: StatefulSparsityMethod {
    public struct State: Codable {
        var scores: [[Float]]
        /// The target last pruned to (`ScheduledPruningTracker`).
        var installedTarget: Double
        var updates: Int
    }

    public var state: State { State(scores: scores, installedTarget: scheduleTracker.installed, updates: updates) }

    public func restore(_ state: State, engine: SparsityEngine) throws {
        try MethodCheckpointError.check(state.scores, "scores", counts: engine.prunable.map(\.count))
        scores = state.scores
        scheduleTracker.installed = state.installedTarget
        updates = state.updates
    }
}
