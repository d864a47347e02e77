/// 2-D convolution over NCHW tensors with a square kernel, a stride and symmetric zero
/// padding, with or without a bias (none before a batch norm, whose shift replaces it),
/// computed as im2col and GEMMs over chunks of the batch.
///
/// A chunk's column matrix is [patch, samples × positions]: row (c, ky, kx) holds, for each
/// of the chunk's samples and output positions, the input pixel that kernel tap sees. One
/// GEMM per pass and chunk has a large n (samples × positions) instead of a 6- or 16-row
/// GEMM per sample: forward Y = W · cols, weight gradient dW += dY · colsᵀ, input gradient
/// dcols = Wᵀ · dY, with Y and dY in channel-major [outC, samples × positions] order, moved
/// to and from NCHW by contiguous copies (the bias added on the way). Chunks are sized so
/// the column matrix stays in the core's L2 cache (LeNet-5's conv1 would write 10 MB of
/// columns for a 128-sample batch); backward builds them again from the cached input
/// rather than keeping the whole batch's. The workspaces live as long as the layer and
/// only grow, so a step allocates nothing here after the first.
public final class Conv2D: Layer, ActivationSparsifiable {
    public let name: String
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let padding: Int
    public let stride: Int
    public let weight: Parameter
    /// Nil for a convolution without bias.
    public let bias: Parameter?
    /// The input of the last training pass (SWAT: as sparsified), for backward's columns.
    private var cachedInput = Tensor(shape: [0])
    /// A chunk's column matrix, [patch, samples × positions].
    private var columns: [Float] = []
    /// Channel-major [outC, samples × positions] output (forward) or output gradient (backward).
    private var channelMajor: [Float] = []
    /// A chunk's input-gradient columns, [patch, samples × positions].
    private var columnGradient: [Float] = []
    /// samples × positions ones, for the bias gradient's row sums.
    private var ones: [Float] = []
    /// When set, the weight gradient is computed from the columns of the input as
    /// sparsified by it (SWAT); the forward pass and the input gradient are unchanged.
    public weak var activationSparsifier: (any ActivationSparsifier)?

    public init(name: String, inChannels: Int, outChannels: Int, kernelSize: Int, padding: Int = 0, stride: Int = 1,
                hasBias: Bool = true, seed: UInt64, firstParameterIndex: Int) {
        precondition(stride >= 1 && kernelSize >= 1 && padding >= 0)
        self.name = name
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.padding = padding
        self.stride = stride
        let fanIn = inChannels * kernelSize * kernelSize
        weight = Parameter(name: "\(name).weight", shape: [outChannels, inChannels, kernelSize, kernelSize],
                           role: .weight, index: firstParameterIndex,
                           value: ParameterInitializer.weights(count: outChannels * fanIn, fanIn: fanIn,
                                                               seed: seed, parameterIndex: firstParameterIndex))
        bias = hasBias ? Parameter(name: "\(name).bias", shape: [outChannels], role: .bias, index: firstParameterIndex + 1,
                                   value: [Float](repeating: 0, count: outChannels)) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    private var patchSize: Int { inChannels * kernelSize * kernelSize }

    /// The column view of an input of `height` x `width`.
    public func columns(height: Int, width: Int) -> ConvolutionColumns {
        ConvolutionColumns(inChannels: inChannels, kernelSize: kernelSize, padding: padding, stride: stride, height: height, width: width)
    }

    public func expectation(for inputShape: [Int]) -> String? {
        let side = kernelSize - 2 * padding
        guard inputShape.count == 3, inputShape[0] == inChannels, inputShape[1] >= side, inputShape[2] >= side else {
            return "[\(inChannels), height, width] with height and width at least \(max(side, 1))"
        }
        return nil
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(expectation(for: inputShape) == nil, "\(name) expects \(expectation(for: inputShape)!), got \(inputShape)")
        let geometry = columns(height: inputShape[1], width: inputShape[2])
        return [outChannels, geometry.outH, geometry.outW]
    }

    public func describe(inputShape: [Int], into description: inout NetworkDescription.Builder) {
        let output = outputShape(for: inputShape)
        description.append(.init(
            name: name, kind: .convolution, inputShape: inputShape, outputShape: output,
            geometry: .init(inChannels: inChannels, outChannels: outChannels, kernel: kernelSize, stride: stride, padding: padding),
            weight: weight.name,
            initialization: .init(scheme: "he-uniform", fanIn: patchSize, bound: ParameterInitializer.heUniformBound(fanIn: patchSize),
                                  stream: weight.index),
            parameterCount: parameters.reduce(0) { $0 + $1.count }, forwardMACs: forwardMACs(inputShape: inputShape),
            elementOperations: bias == nil ? 0 : output.reduce(1, *)))
    }

    public func forwardMACs(inputShape: [Int]) -> Int {
        let out = outputShape(for: inputShape)
        return out[1] * out[2] * outChannels * patchSize
    }

    /// Samples per chunk: as many as keep the column matrix within 256 KB (64 K floats).
    private func chunkSize(positions: Int) -> Int { max(1, (64 * 1024) / max(patchSize * positions, 1)) }

    public func forward(_ input: Tensor, isTraining: Bool) -> Tensor {
        let (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3])
        let geometry = columns(height: height, width: width)
        let (outH, outW) = (geometry.outH, geometry.outW)
        let positions = geometry.positions, patch = patchSize, outC = outChannels
        let chunk = min(chunkSize(positions: positions), max(batch, 1))
        Self.reserve(&columns, patch * chunk * positions)
        Self.reserve(&channelMajor, outC * chunk * positions)
        let output = Tensor(shape: [batch, outC, outH, outW]) { out in
            for first in Swift.stride(from: 0, to: batch, by: chunk) {
                let samples = min(chunk, batch - first), span = samples * positions
                input.storage.withUnsafeBufferPointer { x in
                    columns.withUnsafeMutableBufferPointer { cols in
                        geometry.im2col(x.baseAddress! + first * inChannels * height * width, samples: samples, into: cols.baseAddress!)
                    }
                }
                columns.withUnsafeBufferPointer { cols in
                    weight.value.withUnsafeBufferPointer { w in
                        channelMajor.withUnsafeMutableBufferPointer { y in
                            sgemm(transposeA: false, transposeB: false, m: outC, n: span, k: patch,
                                  a: w.baseAddress!, b: cols.baseAddress!, beta: 0, c: y.baseAddress!)
                        }
                    }
                }
                channelMajor.withUnsafeBufferPointer { y in
                    for sample in 0..<samples {
                        for c in 0..<outC {
                            let from = y.baseAddress! + c * span + sample * positions
                            let to = out.baseAddress! + ((first + sample) * outC + c) * positions
                            let shift = bias?.value[c] ?? 0
                            for p in 0..<positions { to[p] = from[p] + shift }
                        }
                    }
                }
            }
        }
        if isTraining {
            if let sparsifier = activationSparsifier {
                // Top-K over the layer input itself (not the im2col copies); backward's
                // columns come from this sparse input, for the weight gradient only.
                var sparse = input
                sparse.storage.withUnsafeMutableBufferPointer { sparsifier.sparsifyActivations($0) }
                cachedInput = sparse
            } else {
                cachedInput = input
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        let shape = cachedInput.shape
        let (batch, height, width) = (shape[0], shape[2], shape[3])
        let geometry = columns(height: height, width: width)
        let positions = geometry.positions, patch = patchSize, outC = outChannels
        let chunk = min(chunkSize(positions: positions), max(batch, 1))
        Self.reserve(&columns, patch * chunk * positions)
        Self.reserve(&channelMajor, outC * chunk * positions)
        if needsInputGradient { Self.reserve(&columnGradient, patch * chunk * positions) }
        if ones.count < chunk * positions { ones = [Float](repeating: 1, count: chunk * positions) }
        var inputGradient = needsInputGradient ? Tensor(shape: shape) : nil
        for first in Swift.stride(from: 0, to: batch, by: chunk) {
            let samples = min(chunk, batch - first), span = samples * positions, accumulate: Float = first == 0 ? 0 : 1
            cachedInput.storage.withUnsafeBufferPointer { x in
                columns.withUnsafeMutableBufferPointer { cols in
                    geometry.im2col(x.baseAddress! + first * inChannels * height * width, samples: samples, into: cols.baseAddress!)
                }
            }
            // dY to channel-major; the bias gradient is its row sums (a GEMV with ones: a
            // scalar sum is one long dependency chain).
            outputGradient.storage.withUnsafeBufferPointer { dy in
                channelMajor.withUnsafeMutableBufferPointer { g in
                    for sample in 0..<samples {
                        for c in 0..<outC {
                            FloatRun.copy(g.baseAddress! + c * span + sample * positions,
                                      from: dy.baseAddress! + ((first + sample) * outC + c) * positions, count: positions)
                        }
                    }
                }
            }
            channelMajor.withUnsafeBufferPointer { g in
                if let bias {
                    ones.withUnsafeBufferPointer { one in
                        bias.gradient.withUnsafeMutableBufferPointer { db in
                            sgemv(transposeA: false, m: outC, n: span, a: g.baseAddress!, x: one.baseAddress!, beta: accumulate, y: db.baseAddress!)
                        }
                    }
                }
                columns.withUnsafeBufferPointer { cols in
                    weight.gradient.withUnsafeMutableBufferPointer { dw in
                        sgemm(transposeA: false, transposeB: true, m: outC, n: patch, k: span,
                              a: g.baseAddress!, b: cols.baseAddress!, beta: accumulate, c: dw.baseAddress!)
                    }
                }
                guard needsInputGradient else { return }
                weight.value.withUnsafeBufferPointer { w in
                    columnGradient.withUnsafeMutableBufferPointer { dcol in
                        sgemm(transposeA: true, transposeB: false, m: patch, n: span, k: outC,
                              a: w.baseAddress!, b: g.baseAddress!, beta: 0, c: dcol.baseAddress!)
                    }
                }
                columnGradient.withUnsafeBufferPointer { dcol in
                    inputGradient!.storage.withUnsafeMutableBufferPointer { dx in
                        geometry.col2im(dcol.baseAddress!, samples: samples, into: dx.baseAddress! + first * inChannels * height * width)
                    }
                }
            }
        }
        return inputGradient
    }

    /// Grows `buffer` to hold `count` values; never shrinks it (its contents are overwritten).
    private static func reserve(_ buffer: inout [Float], _ count: Int) {
        if buffer.count < count { buffer = [Float](repeating: 0, count: count) }
    }
}
