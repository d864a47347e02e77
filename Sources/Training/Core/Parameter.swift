/// A trainable tensor with its gradient. Weights of Dense and Conv2D layers are the
/// prunable tensors; biases are not pruned unless a method says so.
public final class Parameter {
    public enum Role: String, Sendable { case weight, bias }

    /// Qualified name, e.g. `fc1.weight`.
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
