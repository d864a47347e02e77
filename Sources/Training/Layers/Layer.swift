/// One stage of a feed-forward network. Shapes exclude the batch dimension.
/// Layers cache what their backward pass needs during `forward(_:isTraining:)`.
public protocol Layer: AnyObject {
    var name: String { get }
    var parameters: [Parameter] { get }
    func outputShape(for inputShape: [Int]) -> [Int]
    func forward(_ input: Tensor, isTraining: Bool) -> Tensor
    /// Writes the parameter gradients (overwriting them) and returns the gradient with
    /// respect to the input when `needsInputGradient`, else nil.
    func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor?
    /// Forward multiply-accumulates for one sample.
    func forwardMACs(inputShape: [Int]) -> Int
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public func forwardMACs(inputShape: [Int]) -> Int { 0 }
}
