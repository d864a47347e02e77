import COpenBLAS
import Training

public enum SparseInferenceError: Error, Equatable, CustomStringConvertible {
    /// A tensor that is not a Dense weight [outputs, inputs] or the bias following one.
    case unsupportedTensor(name: String, shape: [Int])
    /// A Dense layer whose inputs are not the previous layer's outputs.
    case layersDoNotChain(name: String, inputs: Int, previousOutputs: Int)
    case noDenseLayer
    /// A snapshot tensor that is not a parameter of the model it is loaded into.
    case snapshotDoesNotMatch(name: String, shape: [Int])

    public var description: String {
        switch self {
        case let .unsupportedTensor(name, shape):
            "sparse inference covers MLPs (Dense layers, e.g. lenet300); \(name) has shape \(shape)"
        case let .layersDoNotChain(name, inputs, previous):
            "\(name) takes \(inputs) inputs but the layer before gives \(previous)"
        case .noDenseLayer: "no Dense or Conv2D layer the sparse kernel can run"
        case let .snapshotDoesNotMatch(name, shape): "\(name) \(shape) is not a parameter of the network"
        }
    }
}

/// Whether the measured CPU speedup covers `network`: nil when the sparse kernel can run
/// at least one of its Conv2D and Dense layers (`SparseModelInference`; an MLP of
/// `SparseInferenceNetwork`'s shape by that faster path), else why not, in a few words for
/// the Speedup panel. A layer of more than 65,536 inputs per output (the CSR's 16-bit
/// column indices) runs dense in every plan, and the panel's count of sparse layers says so.
public func sparseInferenceGap(_ network: NetworkDescription) -> String? {
    let multiplies = network.layers.compactMap { layer -> Int? in
        guard let geometry = layer.geometry else { return nil }
        switch layer.kind {
        case .linear: return geometry.inChannels
        case .convolution: return geometry.inChannels * geometry.kernel * geometry.kernel
        default: return nil
        }
    }
    return multiplies.contains { $0 <= SparseLayerKernels.maximumInputs } ? nil : "every layer over 65,536 inputs"
}

/// Inference of an MLP (Dense layers with ReLU between them, the shape of lenet300) rebuilt
/// from layer snapshots, by two paths: the dense BLAS path the trainer uses, on W⊙M, and a
/// path that runs each layer either through its `SparseMatrix` or through BLAS, as a plan
/// says. The CSR of every layer is built once, in `init` (cost in `buildSeconds`), and
/// reused by every inference until the mask changes and a new network is built.
///
/// Snapshots carry no activations: a ReLU follows every Dense layer but the last, as in
/// `ModelCatalog.lenet300`. A batch of more than one sample runs the sparse plan in
/// feature-major layout ([features, batch]): the input is transposed once, every layer
/// (sparse or BLAS) works in that layout, and the logits are transposed back; both
/// transposes are part of the measured time. At batch 1 the layouts coincide.
///
/// Not thread-safe: it keeps scratch buffers so that timing measures no allocation.
public final class SparseInferenceNetwork {
    public struct Layer: Sendable {
        public let name: String
        public let inputCount: Int
        public let outputCount: Int
        /// W⊙M, [outputs, inputs]: what the dense path multiplies.
        public let maskedWeights: [Float]
        public let bias: [Float]
        public let matrix: SparseMatrix
        public let appliesReLU: Bool

        public var sparsity: Double { matrix.sparsity }
    }

    public let layers: [Layer]

    /// Whether `network` is an MLP this path runs as the trainer does: linear layers with a
    /// ReLU between each two (dropout and flatten pass values through at inference).
    public static func runs(_ network: NetworkDescription) -> Bool {
        let kinds = network.layers.map(\.kind).filter { $0 != .dropout && $0 != .flatten }
        guard kinds.first == .linear, kinds.last == .linear else { return false }
        return zip(kinds, kinds.dropFirst()).allSatisfy { pair in
            switch pair {
            case (.linear, .relu), (.relu, .linear): true
            default: false
            }
        }
    }

    /// Seconds spent building the CSR matrices (and the masked weights) in `init`.
    public let buildSeconds: Double
    /// Three buffers of `scratchCapacity` floats each (see `reserveScratch`).
    private var scratch: [UnsafeMutablePointer<Float>] = []
    private var scratchCapacity = 0

    /// Pairs every 2-D weight with the 1-D bias that follows it (no bias: zeros).
    public init(layers snapshots: [LayerSnapshot]) throws(SparseInferenceError) {
        let clock = ContinuousClock()
        let begin = clock.now
        var built: [Layer] = []
        var index = 0
        while index < snapshots.count {
            let weight = snapshots[index]
            guard weight.shape.count == 2 else { throw .unsupportedTensor(name: weight.name, shape: weight.shape) }
            let outputs = weight.shape[0], inputs = weight.shape[1]
            if let previous = built.last, previous.outputCount != inputs {
                throw .layersDoNotChain(name: weight.name, inputs: inputs, previousOutputs: previous.outputCount)
            }
            var bias = [Float](repeating: 0, count: outputs)
            if index + 1 < snapshots.count, snapshots[index + 1].shape == [outputs] {
                bias = snapshots[index + 1].weights
                index += 1
            }
            index += 1
            // The weights as the forward pass multiplies them: a pruning method's masked
            // weights are zero there, DropBack's untracked ones are not (it skips no multiply).
            let masked = weight.weights
            built.append(Layer(name: weight.name, inputCount: inputs, outputCount: outputs, maskedWeights: masked,
                               bias: bias, matrix: SparseMatrix(weights: masked, mask: nil, rows: outputs, columns: inputs),
                               appliesReLU: true))
        }
        guard let last = built.popLast() else { throw .noDenseLayer }
        built.append(Layer(name: last.name, inputCount: last.inputCount, outputCount: last.outputCount,
                           maskedWeights: last.maskedWeights, bias: last.bias, matrix: last.matrix, appliesReLU: false))
        layers = built
        let elapsed = (clock.now - begin).components
        buildSeconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
    }

    deinit { for buffer in scratch { buffer.deallocate() } }

    public var inputCount: Int { layers[0].inputCount }
    public var outputCount: Int { layers[layers.count - 1].outputCount }

    /// The dense path, as the trainer's forward pass computes it: per layer, bias rows, one
    /// sgemm x·(W⊙M)ᵀ on row-major [batch, features] (sgemv at batch 1), then ReLU.
    /// Returns [batch, outputs].
    public func denseForward(_ input: [Float], batch: Int) -> [Float] {
        precondition(input.count == batch * inputCount, "input is not \(batch) x \(inputCount)")
        return input.withUnsafeBufferPointer { x in
            let y = runDense(x.baseAddress!, batch: batch)
            return Array(UnsafeBufferPointer(start: y, count: batch * outputCount))
        }
    }

    /// The planned path: layer i runs sparse when `useSparse[i]`, else through BLAS.
    /// Returns [batch, outputs], equal to `denseForward` up to rounding.
    public func forward(_ input: [Float], batch: Int, useSparse: [Bool]) -> [Float] {
        precondition(input.count == batch * inputCount, "input is not \(batch) x \(inputCount)")
        return input.withUnsafeBufferPointer { x in
            let y = runPlanned(x.baseAddress!, batch: batch, useSparse: useSparse)
            return Array(UnsafeBufferPointer(start: y, count: batch * outputCount))
        }
    }

    // MARK: - Allocation-free paths (for timing); the result lives in a scratch buffer.

    func runDense(_ input: UnsafePointer<Float>, batch: Int) -> UnsafePointer<Float> {
        reserveScratch(batch: batch)
        var source = input
        for (position, layer) in layers.enumerated() {
            let target = scratchPointer(position % 2)
            for row in 0..<batch { (target + row * layer.outputCount).update(from: layer.bias, count: layer.outputCount) }
            if batch == 1 {
                Self.multiplyVectorDense(layer, source, into: target)
            } else {
                layer.maskedWeights.withUnsafeBufferPointer { w in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blasint(batch), blasint(layer.outputCount),
                                blasint(layer.inputCount), 1, source, blasint(layer.inputCount), w.baseAddress,
                                blasint(layer.inputCount), 1, target, blasint(layer.outputCount))
                }
            }
            if layer.appliesReLU { Self.rectify(target, count: batch * layer.outputCount) }
            source = UnsafePointer(target)
        }
        return source
    }

    func runPlanned(_ input: UnsafePointer<Float>, batch: Int, useSparse: [Bool]) -> UnsafePointer<Float> {
        precondition(useSparse.count == layers.count, "one choice per layer")
        guard useSparse.contains(true) else { return runDense(input, batch: batch) }
        reserveScratch(batch: batch)
        var source = input
        if batch > 1 {
            Self.transpose(input, rows: batch, columns: inputCount, into: scratchPointer(2))
            source = UnsafePointer(scratchPointer(2))
        }
        for (position, layer) in layers.enumerated() {
            let target = scratchPointer(position % 2)
            runLayer(layer, sparse: useSparse[position], featureMajor: source, batch: batch, into: target)
            source = UnsafePointer(target)
        }
        guard batch > 1 else { return source }
        Self.transpose(source, rows: outputCount, columns: batch, into: scratchPointer(2))
        return UnsafePointer(scratchPointer(2))
    }

    /// One layer in feature-major layout, [inputs, batch] → [outputs, batch].
    func runLayer(_ layer: Layer, sparse: Bool, featureMajor x: UnsafePointer<Float>, batch: Int,
                  into y: UnsafeMutablePointer<Float>) {
        layer.bias.withUnsafeBufferPointer { bias in
            if sparse {
                if batch == 1 {
                    layer.matrix.multiplyVector(x, bias: bias.baseAddress, appliesReLU: layer.appliesReLU, into: y)
                } else {
                    layer.matrix.multiplyFeatureMajor(x, batch: batch, bias: bias.baseAddress,
                                                      appliesReLU: layer.appliesReLU, into: y)
                }
                return
            }
            for row in 0..<layer.outputCount { (y + row * batch).update(repeating: bias[row], count: batch) }
            if batch == 1 {
                Self.multiplyVectorDense(layer, x, into: y)
                if layer.appliesReLU { Self.rectify(y, count: layer.outputCount) }
                return
            }
            layer.maskedWeights.withUnsafeBufferPointer { w in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(layer.outputCount), blasint(batch),
                            blasint(layer.inputCount), 1, w.baseAddress, blasint(layer.inputCount), x,
                            blasint(batch), 1, y, blasint(batch))
            }
            if layer.appliesReLU { Self.rectify(y, count: batch * layer.outputCount) }
        }
    }

    /// Room for [batch, widest layer] in buffers 0 and 1 (layer outputs, alternating) and
    /// for the transposed input or output in buffer 2.
    func reserveScratch(batch: Int) {
        let widest = batch * max(inputCount, layers.map(\.outputCount).max()!)
        guard widest > scratchCapacity else { return }
        for buffer in scratch { buffer.deallocate() }
        scratch = (0..<3).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: widest) }
        scratchCapacity = widest
    }

    private func scratchPointer(_ index: Int) -> UnsafeMutablePointer<Float> { scratch[index] }

    /// y += (W⊙M) x for one sample. OpenBLAS's sgemm with one row packs its operands and
    /// runs several times slower than sgemv here, so batch 1 compares against sgemv: the
    /// speedup is measured against the faster dense path, not the one the trainer happens to call.
    static func multiplyVectorDense(_ layer: Layer, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        layer.maskedWeights.withUnsafeBufferPointer { w in
            cblas_sgemv(CblasRowMajor, CblasNoTrans, blasint(layer.outputCount), blasint(layer.inputCount), 1,
                        w.baseAddress, blasint(layer.inputCount), x, 1, 1, y, 1)
        }
    }

    static func rectify(_ values: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { values[i] = max(values[i], 0) }
    }

    /// `destination` [columns, rows] = transpose of `source` [rows, columns], in 8 x 8 tiles
    /// so that both sides stay in cache lines already loaded.
    static func transpose(_ source: UnsafePointer<Float>, rows: Int, columns: Int,
                          into destination: UnsafeMutablePointer<Float>) {
        let tile = 8
        for rowBlock in stride(from: 0, to: rows, by: tile) {
            let rowEnd = min(rowBlock + tile, rows)
            for columnBlock in stride(from: 0, to: columns, by: tile) {
                let columnEnd = min(columnBlock + tile, columns)
                for row in rowBlock..<rowEnd {
                    for column in columnBlock..<columnEnd {
                        destination[column * rows + row] = source[row * columns + column]
                    }
                }
            }
        }
    }
}
