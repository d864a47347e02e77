/// Movement pruning (Sanh, Wolf & Rush 2020, arXiv:2005.07683; Hoefler et al. 2021,
/// arXiv:2102.00554, §3.4 and §6.2.2). Weights that move away from zero during training matter;
/// weights that move toward zero do not, whatever their magnitude. The score accumulates
/// every step S ← S - g·w (g the dense gradient before masking, w the weights the forward
/// pass used), i.e. S = -Σ_t g_t·w_t, which grows when the update -lr·g pushes w away
/// from zero; at each mask update of the schedule (gradual, cubic by default, as in the
/// paper) the weights with the lowest S are pruned to the scheduled sparsity: the mask is
/// the top-k of S among the weights still kept.
///
/// Choices and differences from the paper:
/// - Here pruned weights are removed (held at zero), so their g·w is 0 and their score
///   stays where it was when they were pruned. In the paper a pruned weight keeps its
///   value under the mask and its score keeps moving (straight-through estimator), so it
///   may come back with its old value. A frozen score is stale and a weight would come
///   back at zero, so here pruned weights stay pruned while the target rises (each update
///   removes the lowest S among the kept weights); when the target is lowered, the mask
///   is the top-k of S over all weights, and revived weights restart at zero. (Tried on
///   Fashion-MNIST lenet300 at 90%: letting frozen scores revive weights gave the same
///   accuracy with thousands of weights churned and some kept at exactly zero; a dense
///   shadow with the paper's score updates did worse, 85.2% against 86.2%.)
/// - The paper recomputes the mask every step; here at the schedule's update steps.
/// - The paper's score learning rate α_S only scales S and does not change the ranking;
///   it is left out. S starts at zero when the method takes over.
/// - Default budget: global, like magnitude.
/// - A step whose g·w is not finite leaves that weight's score unchanged.
/// - A schedule whose target is already above the current sparsity when the method takes
///   over (e.g. a constant schedule) prunes after the first step, on that step's score.
public final class MovementMethod: SparsityMethod {
    public static let descriptor = MethodDescriptor(
        name: "movement",
        summary: "movement pruning: keep weights moving away from zero, S = -Σ g·w (Sanh et al. 2020); gradual",
        defaultBudget: LayerBudget(.global),
        defaultSchedule: { SparsitySchedule.gradualDefault(totalSteps: $0, stepsPerEpoch: $1) },
        make: { _ in MovementMethod() })

    public let name = "movement"
    /// The accumulated movement score S = -Σ g·w per weight.
    public private(set) var scores: [[Float]] = []
    private var scheduleTracker = ScheduledPruningTracker()
    private var revived = 0
    private var updates = 0

    public init() {}

    public func begin(_ engine: SparsityEngine) {
        scores = engine.prunable.map { [Float](repeating: 0, count: $0.count) }
        scheduleTracker.begin(engine)
    }

    public func afterBackward(_ engine: SparsityEngine) {
        GradientWeightScores.accumulate(into: &scores, engine) { score, product in
            if product.isFinite { score -= product }  // a non-finite gradient is skipped
        }
    }

    public func afterStep(_ engine: SparsityEngine) {
        guard let target = scheduleTracker.dueTarget(engine) else { return }
        let before = engine.masks
        var ranked = scores
        if target >= engine.measuredSparsity {
            // Pruned weights rank below every kept one.
            for l in ranked.indices {
                ranked[l].withUnsafeMutableBufferPointer { s in
                    before[l].withUnsafeBufferPointer { m in
                        for i in 0..<s.count where m[i] == 0 { s[i] = -.infinity }
                    }
                }
            }
        }
        engine.prune(byScores: ranked, to: target)
        revived = zip(before, engine.masks).reduce(0) { count, pair in
            count + zip(pair.0, pair.1).reduce(0) { $0 + ($1.0 == 0 && $1.1 == 1 ? 1 : 0) }
        }
        updates += 1
    }

    public var statistics: [MethodStatistic] {
        [MethodStatistic("updates", Double(updates)), MethodStatistic("revived", Double(revived))]
    }
}

// MARK: Checkpoints

extension MovementMethod: StatefulSparsityMethod {
    public struct State: Codable {
        var scores: [[Float]]
        /// The target last pruned to (`ScheduledPruningTracker`).
        var installedTarget: Double
        var revived: Int
        var updates: Int
    }

    public var state: State {
        State(scores: scores, installedTarget: scheduleTracker.installed, revived: revived, updates: updates)
    }

    public func restore(_ state: State, engine: SparsityEngine) throws {
        try MethodCheckpointError.check(state.scores, "scores", counts: engine.prunable.map(\.count))
        scores = state.scores
        scheduleTracker.installed = state.installedTarget
        revived = state.revived
        updates = state.updates
    }
}
