/// SNIP, single-shot network pruning at initialisation (Lee, Ajanthan & Torr 2019, arXiv:1810.02340;
/// Hoefler et al. 2021, arXiv:2102.00554, §2.4.3). The importance of weight w is the
/// connection sensitivity I_w = |dL/dw · w|, measured on the untrained network on a batch
/// whose size is the number of classes; the least important weights are removed once,
/// before training, and the network is then trained normally with a fixed mask.
///
/// Choices where the paper is silent or this trainer differs:
/// - With `batches` > 1 the scores |g·w| of the batches are summed (each batch drawn with
///   its own seed from `engine.generator`); the paper uses a single batch. Samples are
///   drawn with replacement, so `batch` may exceed the training-set size.
/// - The paper normalises the sensitivities by their sum; that does not change the
///   ranking and is left out.
/// - Default budget: global (one ranking over all layers), as in the paper.
/// - Schedule: constant, pruning in `begin`. Switched in mid-run, or on any knob change
///   (target, budget, granularity) or a user-set schedule's update step, the scores are
///   taken at the current weights. A rising target only removes kept weights; a falling
///   one revives the pruned weights with the largest |g| (they restart at zero).
public final class SNIPMethod: ScheduledPruning {
    public static let descriptor = MethodDescriptor(
        name: "snip",
        summary: "prune once at init by |g·w| on a class-sized batch (Lee et al. 2019)",
        options: [
            MethodOption("batch", default: 0, range: 0...8192, integer: true, "samples per scoring batch; 0 = the number of classes"),
            MethodOption("batches", default: 1, range: 1...100, integer: true, "scoring batches; their |g·w| are summed"),
        ],
        defaultBudget: LayerBudget(.global),
        make: { SNIPMethod(batch: $0.integer("batch"), batches: $0.integer("batches")) })

    public let name = "snip"
    public let batch: Int
    public let batches: Int
    /// The seeds of the scoring batches of the last scoring, in order.
    public private(set) var seeds: [UInt64] = []
    /// The summed |g·w| of the last scoring (before pruned weights were ranked below kept ones).
    public private(set) var scores: [[Float]] = []
    private var scoredSamples = 0
    private var scoredAtStep: Int?

    public init(batch: Int, batches: Int) {
        self.batch = batch
        self.batches = max(batches, 1)
    }


    public var statistics: [MethodStatistic] {
        [MethodStatistic("scoring samples", Double(scoredSamples)), MethodStatistic("batches", Double(batches)),
         MethodStatistic("scored at step", Double(scoredAtStep ?? 0))]
    }

    public func prune(_ engine: SparsityEngine, to sparsity: Double) {
        let weights = PruningScoreTiers.effectiveWeights(engine)
        let count = batch == 0 ? engine.services.classCount : batch
        var sensitivity = weights.map { [Float](repeating: 0, count: $0.count) }
        var gradientMagnitude = sensitivity
        seeds = []
        for _ in 0..<batches {
            let seed = engine.generator.next()
            seeds.append(seed)
            let gradients = engine.services.sampleGradients(count, seed)
            for l in weights.indices {
                let (w, g) = (weights[l], gradients[l])
                for i in w.indices {
                    sensitivity[l][i] += abs(g[i] * w[i])
                    gradientMagnitude[l][i] += abs(g[i])
                }
            }
        }
        scores = sensitivity
        scoredSamples = count * batches
        scoredAtStep = engine.step
        engine.prune(byScores: PruningScoreTiers.tiered(kept: sensitivity, masks: engine.masks, revival: gradientMagnitude),
                     to: sparsity)
    }
}

// MARK: Checkpoints

extension SNIPMethod: StatefulSparsityMethod {
    public struct State: Codable {
        var seeds: [UInt64]
        /// Nil before the first scoring.
        var scores: [[Float]]?
        var scoredSamples: Int
        var scoredAtStep: Int?
    }

    public var state: State {
        State(seeds: seeds, scores: scores.isEmpty ? nil : scores, scoredSamples: scoredSamples, scoredAtStep: scoredAtStep)
    }

    public func restore(_ state: State, engine: SparsityEngine) throws {
        if let scores = state.scores { try MethodCheckpointError.check(scores, "scores", counts: engine.prunable.map(\.count)) }
        seeds = state.seeds
        scores = state.scores ?? []
        scoredSamples = state.scoredSamples
        scoredAtStep = state.scoredAtStep
    }
}
