/// One module of a network: a leaf (Dense, Conv2D, BatchNorm, ReLU, pooling...) or a block
/// holding child layers (ResidualBlock). Shapes exclude the batch dimension. Layers cache
/// what their backward pass needs during `forward(_:isTraining:)`.
public protocol Layer: AnyObject {
    /// Qualified name, unique in its model: "conv1", "layer2.0.conv1".
    var name: String { get }
    /// Its own parameters, then its children's, in network order.
    var parameters: [Parameter] { get }
    /// Its own buffers, then its children's.
    var buffers: [Buffer] { get }
    /// The layers it is made of, for walking the tree; empty for a leaf.
    var children: [any Layer] { get }
    /// Nil when the layer accepts a per-sample input of `inputShape`, else what it expects
    /// ("[16, height, width]"): recipes name the layer and both shapes with it.
    func expectation(for inputShape: [Int]) -> String?
    func outputShape(for inputShape: [Int]) -> [Int]
    func forward(_ input: Tensor, isTraining: Bool) -> Tensor
    /// Writes the parameter gradients (overwriting them) and returns the gradient with
    /// respect to the input when `needsInputGradient`, else nil.
    func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor?
    /// Forward multiply-accumulates for one sample (blocks: of all their children).
    func forwardMACs(inputShape: [Int]) -> Int
    /// Its entries in the network description: a leaf's one, a block's children's and its add.
    func describe(inputShape: [Int], into description: inout NetworkDescription.Builder)
    /// Exact zeros among its outputs over the last evaluation pass; activations only.
    var evaluationZeros: ActivationZeroCount? { get }
    /// When on, training passes normalise with the running statistics, as evaluation does,
    /// and leave them unchanged (batch norm; blocks pass it on): for probes such as
    /// SynFlow's one all-ones sample, whose batch statistics would be degenerate. Dropout
    /// then passes values through, as in evaluation, and counts no pass.
    func setNormalizesWithRunningStatistics(_ enabled: Bool)
    /// When on, the running statistics start again from nothing and each training pass adds
    /// its batch's statistics to their plain average, instead of moving them by the momentum
    /// (batch norm; blocks pass it on): a re-estimate for weights that changed
    /// (`TrainingSession.recalibrateBatchNorm`).
    func setAveragesRunningStatistics(_ enabled: Bool)
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var buffers: [Buffer] { [] }
    public var children: [any Layer] { [] }
    public func expectation(for inputShape: [Int]) -> String? { nil }
    public func forwardMACs(inputShape: [Int]) -> Int { 0 }
    public var evaluationZeros: ActivationZeroCount? { nil }
    public func setNormalizesWithRunningStatistics(_ enabled: Bool) {
        for child in children { child.setNormalizesWithRunningStatistics(enabled) }
    }
    public func setAveragesRunningStatistics(_ enabled: Bool) {
        for child in children { child.setAveragesRunningStatistics(enabled) }
    }

    /// This layer and every layer below it, depth first, in network order.
    public var subtree: [any Layer] { [self] + children.flatMap(\.subtree) }
}
