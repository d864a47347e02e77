import Training

/// A multiply layer (Conv2D, Dense) of a model with its masked weight in CSR: the same
/// function as the layer's evaluation-mode `forward`, computed by the sparse kernel. Built
/// once per mask from the layer's current weights; not thread-safe (it keeps workspaces).
public protocol SparseLayerKernel: AnyObject {
    /// The layer's name ("layer1.0.conv1").
    var name: String { get }
    var matrix: SparseMatrix { get }
    /// The layer's output for `input` ([batch] + the layer's input shape), as its
    /// `forward(_:isTraining: false)` gives it up to float rounding.
    func forward(_ input: Tensor) -> Tensor
}

public enum SparseLayerKernels {
    /// The kernel for `layer`, or nil when it has no weight to multiply (ReLU, pooling...)
    /// or more inputs per output than the CSR's 16-bit column indices address (65,536).
    public static func make(for layer: any Layer) -> (any SparseLayerKernel)? {
        switch layer {
        case let conv as Conv2D:
            conv.inChannels * conv.kernelSize * conv.kernelSize <= maximumInputs ? SparseConvolution(conv) : nil
        case let dense as Dense:
            dense.inputCount <= maximumInputs ? SparseLinear(dense) : nil
        default: nil
        }
    }

    public static let maximumInputs = 1 << 16
}
