/// A trainable tensor with its gradient. Weights of Dense and Conv2D layers are the
/// prunable tensors; biases and batch-norm scales and shifts are never pruned.
public final class Parameter {
    public enum Role: String, Sendable, Codable {
        /// A Dense or Conv2D weight: the tensors pruning methods mask.
        case weight
        case bias
        /// A batch-norm scale (γ): pruning it would silence a whole channel, which is
        /// structured pruning's business, not a mask's.
        case scale
        /// A batch-norm shift (β).
        case shift
    }

    /// Qualified name, e.g. `fc1.weight` or `layer1.0.bn1.scale`.
    public let name: String
    public let shape: [Int]
    public let role: Role
    /// Index of this tensor in its model's parameter list; the stream id of its counter-based initialisation.
    public let index: Int
    public var value: [Float]
    public var gradient: [Float]

    public init(name: String, shape: [Int], role: Role, index: Int, value: [Float]) {
        precondition(value.count == shape.reduce(1, *))
        self.name = name
        self.shape = shape
        self.role = role
        self.index = index
        self.value = value
        self.gradient = [Float](repeating: 0, count: value.count)
    }

    public var count: Int { value.count }
    public var isPrunable: Bool { role == .weight }
}
