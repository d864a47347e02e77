import Dispatch
import Training

/// Inference of any zoo or recipe network by its own layers in evaluation mode (batch norm
/// with its running statistics, ReLU, pooling, residual sums, dropout as the identity), the
/// `Model.forward(_:isTraining: false)` that evaluation runs, with the multiply of each
/// Conv2D and Dense layer that a plan names swapped for its CSR kernel (`SparseLayerKernel`).
/// Everything but the swapped multiplies is the network's own code, so the dense path and
/// every plan compute what the network really computes and time the same surrounding work.
///
/// The walk goes through the top-level layers and into `ResidualBlock`s (body, then
/// shortcut, then their sum, as `ResidualBlock.forward` adds them); a block with no swapped
/// layer runs its own `forward`. Layers of another kind of block are not walked into: they
/// keep their dense multiply, and `kernels` does not list them.
///
/// Takes `model` over: `init` writes the snapshot's tensors into its parameters (and the
/// given buffers into its buffers). Not thread-safe: the layers and kernels keep workspaces.
public final class SparseModelInference {
    public let model: Model
    /// The layers the plan can run sparse, in network order, each with its CSR.
    public let kernels: [any SparseLayerKernel]
    /// Each kernel's layer, as the model runs it densely.
    public let layers: [any Layer]
    /// Seconds spent building the CSR matrices in `init`.
    public let buildSeconds: Double
    /// Each kernel's position in `kernels`, by its layer.
    private let kernelIndex: [ObjectIdentifier: Int]
    /// Per residual block, the kernels inside it.
    private let blockKernels: [ObjectIdentifier: [Int]]

    /// `layers`: the snapshot's tensors (weights as the forward pass multiplies them, masked
    /// ones zero), matched to the model's parameters by name and shape; `buffers`: the
    /// running statistics and the like by name (the model's own where missing).
    public init(model: Model, layers snapshots: [LayerSnapshot], buffers: [String: [Float]] = [:]) throws(SparseInferenceError) {
        let parameters = Dictionary(model.parameters.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for snapshot in snapshots {
            guard let parameter = parameters[snapshot.name], parameter.shape == snapshot.shape else {
                throw .snapshotDoesNotMatch(name: snapshot.name, shape: snapshot.shape)
            }
            parameter.value = snapshot.weights
        }
        for buffer in model.buffers {
            if let values = buffers[buffer.name], values.count == buffer.values.count { buffer.values = values }
        }
        let begin = DispatchTime.now().uptimeNanoseconds
        var kernels: [any SparseLayerKernel] = [], kernelLayers: [any Layer] = []
        var kernelIndex: [ObjectIdentifier: Int] = [:], blockKernels: [ObjectIdentifier: [Int]] = [:]
        func collect(_ layer: any Layer) {
            if let block = layer as? ResidualBlock {
                let first = kernels.count
                for child in block.body + block.shortcut { collect(child) }
                blockKernels[ObjectIdentifier(block)] = Array(first..<kernels.count)
            } else if let kernel = SparseLayerKernels.make(for: layer) {
                kernelIndex[ObjectIdentifier(layer)] = kernels.count
                kernels.append(kernel)
                kernelLayers.append(layer)
            }
        }
        for layer in model.layers { collect(layer) }
        guard !kernels.isEmpty else { throw .noDenseLayer }
        self.model = model
        self.kernels = kernels
        self.layers = kernelLayers
        self.kernelIndex = kernelIndex
        self.blockKernels = blockKernels
        buildSeconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
    }

    /// Per-sample input shape.
    public var inputShape: [Int] { model.inputShape }

    /// The network's evaluation forward pass, as training's evaluation runs it.
    public func forwardDense(_ input: Tensor) -> Tensor { model.forward(input, isTraining: false) }

    /// The same with kernel i's multiply done by its CSR where `useSparse[i]`.
    public func forward(_ input: Tensor, useSparse: [Bool]) -> Tensor {
        precondition(useSparse.count == kernels.count, "one choice per kernel")
        return run(model.layers, input, useSparse)
    }

    /// Each kernel's input in a dense evaluation pass of `input`: what its layer sees.
    public func kernelInputs(_ input: Tensor) -> [Tensor] {
        var inputs = [Tensor?](repeating: nil, count: kernels.count)
        func walk(_ chain: [any Layer], _ x: Tensor) -> Tensor {
            chain.reduce(x) { x, layer in
                if let block = layer as? ResidualBlock {
                    var sum = walk(block.body, x)
                    Self.add(walk(block.shortcut, x), into: &sum)
                    return sum
                }
                if let index = kernelIndex[ObjectIdentifier(layer)] { inputs[index] = x }
                return layer.forward(x, isTraining: false)
            }
        }
        _ = walk(model.layers, input)
        return inputs.map { $0! }
    }

    private func run(_ chain: [any Layer], _ input: Tensor, _ useSparse: [Bool]) -> Tensor {
        chain.reduce(input) { x, layer in
            let id = ObjectIdentifier(layer)
            if let index = kernelIndex[id], useSparse[index] { return kernels[index].forward(x) }
            if let block = layer as? ResidualBlock, blockKernels[id]?.contains(where: { useSparse[$0] }) == true {
                var sum = run(block.body, x, useSparse)
                Self.add(run(block.shortcut, x, useSparse), into: &sum)
                return sum
            }
            return layer.forward(x, isTraining: false)
        }
    }

    private static func add(_ other: Tensor, into sum: inout Tensor) {
        other.storage.withUnsafeBufferPointer { b in
            sum.storage.withUnsafeMutableBufferPointer { a in
                for i in 0..<a.count { a[i] += b[i] }
            }
        }
    }
}
