import Foundation

/// SynFlow, iterative synaptic-flow pruning at initialisation, data-free (Tanaka et al.
/// 2020, arXiv:2006.05467; Hoefler et al. 2021, arXiv:2102.00554, §2.4.3 and §2.4.6). With every
/// parameter replaced by its absolute value and an all-ones input, R = 1ᵀ(∏|W|)1 is the
/// sum of the network's outputs; a weight's score is |dR/dw · w|, with the current mask
/// applied. Pruning is iterative: over `rounds` rounds (100 in the paper) the target
/// rises exponentially, after round k the sparsity is 1 - (1 - s)^(k/rounds), and every
/// round re-scores the masked network. Because a round only removes weights that carry
/// little flow given those already removed, no layer is cut off entirely ("layer
/// collapse"), which one-shot scores such as SNIP's or magnitude at init suffer from at
/// extreme sparsity.
///
/// Choices where the paper is silent or this trainer differs:
/// - Default budget: global, as in the paper; all rounds run in `begin` (before training).
/// - Pruned weights score below every kept one, so a round never revives a weight.
/// - Switched in mid-run (or on a knob raising the target), the rounds go from the
///   current sparsity s0 to the new target s1: density after round k is
///   (1 - s0)·((1 - s1)/(1 - s0))^(k/rounds), scored at the current weights. A lowered
///   target revives, in one step, the pruned weights with the largest dR/dw (at zero).
public final class SynFlowMethod: ScheduledPruning {
    public static let descriptor = MethodDescriptor(
        name: "synflow",
        summary: "data-free iterative synaptic-flow pruning at init (Tanaka et al. 2020)",
        options: [MethodOption("rounds", default: 100, range: 1...10000, integer: true, "scoring rounds; the target rises exponentially over them")],
        defaultBudget: LayerBudget(.global),
        make: { SynFlowMethod(rounds: $0.integer("rounds")) })

    public let name = "synflow"
    public let rounds: Int
    /// Measured sparsity after each round of the last pruning.
    public private(set) var roundSparsities: [Double] = []

    public init(rounds: Int) { self.rounds = max(rounds, 1) }


    public var statistics: [MethodStatistic] {
        [MethodStatistic("rounds", Double(rounds)), MethodStatistic("rounds done", Double(roundSparsities.count))]
    }

    /// The synaptic-flow scores |dR/dw · w| at the current (masked) weights, and dR/dw
    /// (computed with |parameters|, so >= 0).
    public static func scores(_ engine: SparsityEngine) -> (scores: [[Float]], flow: [[Float]]) {
        let flow = engine.services.synapticFlowGradients()
        return (PruningScoreTiers.absoluteProducts(flow, PruningScoreTiers.effectiveWeights(engine)), flow)
    }

    public func prune(_ engine: SparsityEngine, to target: Double) {
        roundSparsities = []
        let start = engine.measuredSparsity
        guard target > start else {
            // Same or lower target: one re-selection; pruned weights revive by their flow.
            let (scores, flow) = Self.scores(engine)
            engine.prune(byScores: PruningScoreTiers.tiered(kept: scores, masks: engine.masks, revival: flow), to: target)
            roundSparsities = [engine.measuredSparsity]
            return
        }
        let ratio = (1 - target) / (1 - start)
        for k in 1...rounds {
            let sparsity = k == rounds ? target : 1 - (1 - start) * pow(ratio, Double(k) / Double(rounds))
            let (scores, _) = Self.scores(engine)
            engine.prune(byScores: PruningScoreTiers.tiered(kept: scores, masks: engine.masks), to: sparsity)
            roundSparsities.append(engine.measuredSparsity)
        }
    }
}

// MARK: Checkpoints

extension SynFlowMethod: StatefulSparsityMethod {
    public struct State: Codable {
        var roundSparsities: [Double]
    }

    public var state: State { State(roundSparsities: roundSparsities) }

    public func restore(_ state: State, engine: SparsityEngine) throws { roundSparsities = state.roundSparsities }
}
