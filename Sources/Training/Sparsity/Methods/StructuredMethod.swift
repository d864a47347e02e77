/// Neuron and filter pruning by group norm (filters with the "smallest sum of absolute weights",
/// Li et al. 2017, arXiv:1608.08710, as summarised by Hoefler et al. 2021, arXiv:2102.00554, §3.2;
/// neuron and filter granularity, §3.1; the L2 score is a project option):
/// whole rows of a Dense weight (output neurons) and whole output filters of a Conv2D
/// weight are ranked by the L1 norm (option `norm` = 1, default) or the L2 norm (`norm` =
/// 2) of their weights and the lowest are removed (held at zero). The last layer's outputs
/// are the classes and are never removed (MaskSelection's .neurons granularity).
///
/// Schedule: gradual by default, as the magnitude method (AGP, cubic, from 10% to 60% of
/// training, 4 updates an epoch, then fine-tuning). Budget: the same fraction of neurons
/// in every layer but the output layer (uniform, last layer dense, so that the per-layer
/// targets shown say what happens); with a global budget each layer also gets the target,
/// since groups are ranked within a layer.
///
/// A removed unit takes its outgoing weights with it: the inputs it fed in the layers
/// reading it (`NetworkDescription.unitLinks`) are masked too
/// (`MaskSelection.removingInputsOfRemovedUnits`), so the measured sparsity,
/// storage and FLOPs are those of the smaller network, and the measured sparsity is above
/// the unit target (50% of lenet300's hidden neurons removes 50% of fc1's rows, 75% of
/// fc2's weights and 50% of fc3's).
///
/// Residual networks. A residual sum ties the output channels of the tensors feeding it
/// (the stem and every block's second conv of a stage, and a projection shortcut's 1x1
/// conv): channel o of the sum is a unit of every layer reading it. Li et al. (§3.3,
/// Fig. 4) prune such tied layers together: the projection shortcut's L1 ranking picks the
/// channels, and the block's second conv loses the same filters; on CIFAR ResNets with
/// identity shortcuts they prune only each block's first conv (§4.2, "we only consider
/// pruning the first layer of the residual block"), and on ResNet-34 they prune the second
/// layers and shortcuts "equally", finding them more sensitive than the first layers
/// (§4.3, Fig. 7(b)). This method does not tie them: every conv's filters, tied or not,
/// are ranked within its own tensor and removed individually at the layer's target,
/// which saves that filter's computation (its contribution to the sum is gone), and a
/// channel of the sum disappears from the layers reading it (their input weights for it
/// masked, `MaskSelection.removingInputsOfRemovedUnits`) only when every tensor feeding
/// the sum removed it, which independent rankings rarely agree on. So on a ResNet the
/// measured sparsity is above the unit target through each block's inner link (its
/// second conv loses the inputs of its first conv's removed filters), hardly through the
/// sums: 50% of ResNet-20's filters measures about 66%. The paper's §4.2 setting, tied
/// convs left whole, is a manual budget giving them 0. (Chosen over leaving the tied convs
/// out by default: the per-layer targets shown then hold for every conv, and a
/// network's shortcuts are found from its description, not guessed by the method.)
///
/// Choices where the sources are silent: the L2 ranking uses the sum of squares (same order
/// as the norm). A removed unit's bias is not prunable in the engine; with its outgoing
/// weights masked its constant output ReLU(b) reaches nothing, as if removed with it.
public final class StructuredMethod: ScheduledPruning {
    public static let descriptor = MethodDescriptor(
        name: "structured",
        summary: "remove whole neurons/filters with the lowest L1 (or L2) norm; gradual",
        options: [MethodOption("norm", default: 1, range: 1...2, integer: true, "group norm that ranks neurons and filters: 1 = L1, 2 = L2")],
        defaultBudget: LayerBudget(.uniform, keepLastDense: true),
        defaultGranularity: .neurons,
        defaultSchedule: { SparsitySchedule.gradualDefault(totalSteps: $0, stepsPerEpoch: $1) },
        make: { StructuredMethod(norm: $0.integer("norm")) })

    public let name = "structured"
    public let norm: Int
    /// Output neurons/filters removed, over all prunable tensors, at the last update.
    public private(set) var removedGroups = 0

    init(norm: Int) { self.norm = norm == 2 ? 2 : 1 }


    public func prune(_ engine: SparsityEngine, to sparsity: Double) {
        engine.prune(byScores: Self.scores(engine.prunable.map(\.value), norm: norm), to: sparsity)
        removedGroups = zip(engine.masks, engine.shapes).reduce(0) { total, pair in
            let (mask, shape) = pair
            let size = mask.count / max(shape[0], 1)
            return total + (0..<shape[0]).filter { g in !mask[(g * size)..<((g + 1) * size)].contains(1) }.count
        }
    }

    /// Per-weight scores whose sum over a row/filter ranks it as its L1 norm (|w|) or
    /// its L2 norm (w², summing to the squared norm).
    public static func scores(_ weights: [[Float]], norm: Int) -> [[Float]] {
        weights.map { w in norm == 2 ? w.map { $0 * $0 } : w.map(abs) }
    }

    public var statistics: [MethodStatistic] {
        [MethodStatistic("norm", Double(norm)), MethodStatistic("groups removed", Double(removedGroups))]
    }
}

// MARK: Checkpoints

extension StructuredMethod: StatefulSparsityMethod {
    public struct State: Codable {
        var removedGroups: Int
    }

    public var state: State { State(removedGroups: removedGroups) }

    public func restore(_ state: State, engine: SparsityEngine) throws { removedGroups = state.removedGroups }
}
