/// How a prunable weight tensor connects input units to output units, read from its
/// shape. Both kinds are stored row-major as [outputUnits, inputUnits, kernelArea], so
/// the weights joining output unit `o` to input unit `i` are the `kernelArea` values
/// starting at `(o * inputUnits + i) * kernelArea`.
public enum PrunableLayerShape: Sendable, Equatable {
    /// A Dense weight [outputs, inputs]: units are neurons (input columns).
    case dense(outputs: Int, inputs: Int)
    /// A Conv2D weight [outChannels, inChannels, kernelHeight, kernelWidth]: units are channels.
    case convolution(outChannels: Int, inChannels: Int, kernelHeight: Int, kernelWidth: Int)

    /// Nil for shapes that are neither (rank 1 biases, rank 3 tensors).
    public init?(shape: [Int]) {
        switch shape.count {
        case 2: self = .dense(outputs: shape[0], inputs: shape[1])
        case 4: self = .convolution(outChannels: shape[0], inChannels: shape[1], kernelHeight: shape[2], kernelWidth: shape[3])
        default: return nil
        }
    }

    public var outputUnits: Int {
        switch self {
        case let .dense(outputs, _): outputs
        case let .convolution(outChannels, _, _, _): outChannels
        }
    }

    public var inputUnits: Int {
        switch self {
        case let .dense(_, inputs): inputs
        case let .convolution(_, inChannels, _, _): inChannels
        }
    }

    /// Weights per (output unit, input unit) pair: 1 for Dense, the kernel area for Conv2D.
    public var kernelArea: Int {
        switch self {
        case .dense: 1
        case let .convolution(_, _, kernelHeight, kernelWidth): kernelHeight * kernelWidth
        }
    }

    public var isConvolution: Bool {
        if case .convolution = self { return true }
        return false
    }

    /// The tensor viewed as a matrix for heatmaps: rows are output units, columns the
    /// fan-in (inputs for Dense, inChannels x kh x kw for Conv2D).
    public var matrixRows: Int { outputUnits }
    public var matrixColumns: Int { inputUnits * kernelArea }
}
