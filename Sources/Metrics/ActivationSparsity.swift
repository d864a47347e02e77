/// Measured activation sparsity of one layer: exact zeros among the elements of its
/// output (a ReLU's) over an evaluation batch. ReLU outputs are at least 50% and up to 90%
/// zero in some layers (Rhu et al., HPCA 2018, as summarised by Hoefler et al. 2021, arXiv:2102.00554, §5.1).
///
/// Snapshots do not carry activations; the trainer counts them while it evaluates and the
/// dashboard builds these values from the counts, or from the tensors with
/// `init(name:activations:)`.
public struct ActivationSparsity: Sendable, Equatable {
    public var name: String
    /// Elements counted: batch size x elements per sample.
    public var elementCount: Int
    public var zeroCount: Int

    public init(name: String, elementCount: Int, zeroCount: Int) {
        precondition(zeroCount >= 0 && zeroCount <= elementCount, "\(name): \(zeroCount) zeros of \(elementCount)")
        self.name = name
        self.elementCount = elementCount
        self.zeroCount = zeroCount
    }

    /// Counts the exact zeros of an activation tensor (any layout).
    public init(name: String, activations: [Float]) {
        let zeros = activations.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        self.init(name: name, elementCount: activations.count, zeroCount: zeros)
    }

    public var sparsity: Double { elementCount == 0 ? 0 : Double(zeroCount) / Double(elementCount) }

    /// Network average weighted by element count, as SWAT averages "Act" (Raihan & Aamodt 2020,
    /// arXiv:2001.01969, §4.2): total zeros over total elements, so wide layers weigh more.
    public static func networkAverage(_ layers: [ActivationSparsity]) -> Double {
        let elements = layers.reduce(0) { $0 + $1.elementCount }
        return elements == 0 ? 0 : Double(layers.reduce(0) { $0 + $1.zeroCount }) / Double(elements)
    }
}
