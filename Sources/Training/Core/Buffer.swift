/// A tensor a layer keeps that is not trained by gradients: batch norm's running mean and
/// variance, dropout's count of training passes. Checkpoints save buffers with the
/// parameters, so a resumed run continues bitwise.
public final class Buffer {
    /// Qualified name, e.g. `layer1.0.bn1.running_mean`.
    public let name: String
    public let shape: [Int]
    public var values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
        precondition(values.count == shape.reduce(1, *))
        self.name = name
        self.shape = shape
        self.values = values
    }
}
