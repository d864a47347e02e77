/// 2-D convolution over NCHW tensors with a square kernel, a stride and symmetric zero
/// padding, with or without a bias (none before a batch norm, whose shift replaces it).
///
/// Stride 1 (with padding up to kernel − 1, every layer of the zoo but the strided ones):
/// sample by sample, one GEMM per kernel tap straight from the sample's padded planes
/// (`TapConvolution`), no column matrix. Otherwise im2col and GEMMs over chunks of the batch:
/// a chunk's column matrix is [patch, samples × positions], row (c, ky, kx) holding the input
/// pixel that tap sees at each of the chunk's output positions (`ConvolutionColumns`); forward
/// Y = W · cols, weight gradient dW += dY · colsᵀ, input gradient dcols = Wᵀ · dY, then
/// col2im. Chunks are sized so the column matrix stays in the core's L2 cache; backward builds
/// them again from the cached input rather than keeping the whole batch's.
///
/// Either way Y and dY are channel-major [outC, positions] per sample or chunk, moved to and
/// from NCHW by row copies (the bias added on the way), and the bias gradient is their row
/// sums. The workspaces live as long as the layer and only grow, so a step allocates nothing
/// here after the first.
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
    /// The input of the current training pass (SWAT: as sparsified), for backward's
    /// columns, until backward lets go of it (so the layer before can rewrite that buffer).
    private var cachedInput = Tensor.empty
    /// A training pass's output, input gradient and (SWAT) sparsified input copy, rewritten at each step.
    private var output = ReusedTensor(), inputGradient = ReusedTensor(), sparseInput = ReusedTensor()
    /// A chunk's column matrix, [patch, samples × positions] (strided convolutions).
    private var columns: [Float] = []
    /// Channel-major [outC, samples × positions] output (forward) or output gradient (backward).
    private var channelMajor: [Float] = []
    /// A chunk's input-gradient columns, [patch, samples × positions] (strided convolutions).
    private var columnGradient: [Float] = []
    /// A sample's padded input planes (`PaddedRowColumns`; the padding is zero and never
    /// written) and input-gradient planes, and the geometry the first was zeroed for.
    private var paddedInput: [Float] = []
    private var paddedGradient: [Float] = []
    private var paddedGeometry: ConvolutionColumns?
    /// The weights and their gradient per tap, [tap, outC, C] (`TapConvolution`).
    private var tapWeights: [Float] = []
    private var tapGradient: [Float] = []
    /// Ones for the bias gradient's row sums.
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

    /// The tap form of a stride-1 convolution on `geometry`, nil where it takes im2col.
    private func tapConvolution(_ geometry: ConvolutionColumns) -> TapConvolution? {
        PaddedRowColumns(geometry).map { TapConvolution(planes: $0, outChannels: outChannels) }
    }

    /// Samples per im2col chunk: as many as keep the column matrix within 1 MB (256 K floats;
    /// the L2 cache of this class of core).
    private func chunkSize(_ geometry: ConvolutionColumns, batch: Int) -> Int {
        min(max(1, (256 * 1024) / max(patchSize * geometry.outH * geometry.outW, 1)), max(batch, 1))
    }

    /// Sizes the tap path's workspaces; a new padded-input buffer is all zeros, and only the
    /// planes' interiors are written after that.
    private func reserveTapWorkspaces(_ taps: TapConvolution, inputGradient: Bool) {
        if paddedGeometry != taps.planes.geometry { paddedInput = [] }
        paddedGeometry = taps.planes.geometry
        Self.reserve(&paddedInput, taps.planes.paddedSize(samples: 1))
        Self.reserve(&channelMajor, outChannels * taps.columns)
        Self.reserve(&tapWeights, taps.tapWeightCount)
        Self.reserve(&tapGradient, taps.tapWeightCount)
        if inputGradient { Self.reserve(&paddedGradient, taps.planes.paddedSize(samples: 1)) }
    }

    /// Sizes the im2col path's workspaces for chunks of `chunk` samples.
    private func reserveColumnWorkspaces(_ geometry: ConvolutionColumns, chunk: Int, inputGradient: Bool) {
        let span = chunk * geometry.outH * geometry.outW
        Self.reserve(&columns, patchSize * span)
        Self.reserve(&channelMajor, outChannels * span)
        if inputGradient { Self.reserve(&columnGradient, patchSize * span) }
    }

    /// Channel-major rows of `pitch` (`span` columns per channel, `pitch` · outH per sample)
    /// to NCHW rows of outW for `samples` samples from `firstSample`, the bias added on the way.
    private func storeOutput(_ y: UnsafePointer<Float>, span: Int, pitch: Int, samples: Int, firstSample: Int,
                             outH: Int, outW: Int, into out: UnsafeMutablePointer<Float>) {
        let perSample = outH * pitch
        for sample in 0..<samples {
            for c in 0..<outChannels {
                let from = y + c * span + sample * perSample
                let to = out + ((firstSample + sample) * outChannels + c) * outH * outW
                let shift = bias?.value[c] ?? 0
                for row in 0..<outH { FloatRun.copy(to + row * outW, from: from + row * pitch, count: outW, adding: shift) }
            }
        }
    }

    /// The inverse of `storeOutput` for the output gradient, without the bias: NCHW rows to
    /// channel-major rows of `pitch`, zero past each row's outW (columns that are no outputs).
    private func loadOutputGradient(_ dy: UnsafePointer<Float>, span: Int, pitch: Int, samples: Int, firstSample: Int,
                                    outH: Int, outW: Int, into g: UnsafeMutablePointer<Float>) {
        let perSample = outH * pitch
        for sample in 0..<samples {
            for c in 0..<outChannels {
                let to = g + c * span + sample * perSample
                let from = dy + ((firstSample + sample) * outChannels + c) * outH * outW
                if pitch == outW {
                    FloatRun.copy(to, from: from, count: outH * outW)
                    continue
                }
                for row in 0..<outH {
                    FloatRun.copy(to + row * pitch, from: from + row * outW, count: outW)
                    FloatRun.zero(to + row * pitch + outW, count: pitch - outW)
                }
            }
        }
    }

    /// The bias gradient (beta · itself + the row sums of `g`, [outC, span]), through a GEMV
    /// with ones: a scalar sum is one long dependency chain.
    private func accumulateBiasGradient(_ g: UnsafePointer<Float>, span: Int, beta: Float) {
        guard let bias else { return }
        if ones.count < span { ones = [Float](repeating: 1, count: span) }
        ones.withUnsafeBufferPointer { one in
            bias.gradient.withUnsafeMutableBufferPointer { db in
                sgemv(transposeA: false, m: outChannels, n: span, a: g, x: one.baseAddress!, beta: beta, y: db.baseAddress!)
            }
        }
    }

    public func forward(_ input: Tensor, isTraining: Bool) -> Tensor {
        let (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3])
        let geometry = columns(height: height, width: width)
        let (outH, outW) = (geometry.outH, geometry.outW)
        func convolve(_ out: UnsafeMutableBufferPointer<Float>) {
            input.storage.withUnsafeBufferPointer { x in
                if let taps = tapConvolution(geometry) {
                    forwardByTaps(taps, x.baseAddress!, batch: batch, into: out.baseAddress!)
                } else {
                    forwardByColumns(geometry, x.baseAddress!, batch: batch, into: out.baseAddress!)
                }
            }
        }
        let result = isTraining ? output.write(batch, outChannels, outH, outW) { convolve($0) }
            : Tensor(shape: [batch, outChannels, outH, outW]) { convolve($0) }
        if isTraining {
            if let sparsifier = activationSparsifier {
                // Top-K over the layer input itself (not the im2col copies); backward's
                // columns come from this sparse input, for the weight gradient only.
                cachedInput = sparseInput.write(shape: input.shape) { sparse in
                    input.storage.withUnsafeBufferPointer { sparse.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
                    sparsifier.sparsifyActivations(sparse)
                }
            } else {
                cachedInput = input
            }
        }
        return result
    }

    private func forwardByTaps(_ taps: TapConvolution, _ x: UnsafePointer<Float>, batch: Int, into out: UnsafeMutablePointer<Float>) {
        let geometry = taps.planes.geometry, sampleSize = inChannels * geometry.height * geometry.width
        reserveTapWorkspaces(taps, inputGradient: false)
        weight.value.withUnsafeBufferPointer { w in
            tapWeights.withUnsafeMutableBufferPointer { taps.gatherTapWeights(w.baseAddress!, into: $0.baseAddress!) }
        }
        paddedInput.withUnsafeMutableBufferPointer { padded in
            tapWeights.withUnsafeBufferPointer { tw in
                channelMajor.withUnsafeMutableBufferPointer { y in
                    for sample in 0..<batch {
                        taps.planes.pad(x + sample * sampleSize, samples: 1, into: padded.baseAddress!)
                        taps.forward(padded: padded.baseAddress!, tapWeights: tw.baseAddress!, into: y.baseAddress!)
                        storeOutput(y.baseAddress!, span: taps.columns, pitch: taps.planes.rowPitch, samples: 1, firstSample: sample,
                                    outH: geometry.outH, outW: geometry.outW, into: out)
                    }
                }
            }
        }
    }

    private func forwardByColumns(_ geometry: ConvolutionColumns, _ x: UnsafePointer<Float>, batch: Int,
                                  into out: UnsafeMutablePointer<Float>) {
        let perSample = geometry.outH * geometry.outW, sampleSize = inChannels * geometry.height * geometry.width
        let chunk = chunkSize(geometry, batch: batch)
        reserveColumnWorkspaces(geometry, chunk: chunk, inputGradient: false)
        for first in Swift.stride(from: 0, to: batch, by: chunk) {
            let samples = min(chunk, batch - first), span = samples * perSample
            columns.withUnsafeMutableBufferPointer { geometry.im2col(x + first * sampleSize, samples: samples, into: $0.baseAddress!) }
            columns.withUnsafeBufferPointer { cols in
                weight.value.withUnsafeBufferPointer { w in
                    channelMajor.withUnsafeMutableBufferPointer { y in
                        sgemm(transposeA: false, transposeB: false, m: outChannels, n: span, k: patchSize,
                              a: w.baseAddress!, b: cols.baseAddress!, beta: 0, c: y.baseAddress!)
                        storeOutput(y.baseAddress!, span: span, pitch: geometry.outW, samples: samples, firstSample: first,
                                    outH: geometry.outH, outW: geometry.outW, into: out)
                    }
                }
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        let shape = cachedInput.shape
        let geometry = columns(height: shape[2], width: shape[3])
        defer { cachedInput = .empty }
        func gradients(_ dx: UnsafeMutablePointer<Float>?) {
            cachedInput.storage.withUnsafeBufferPointer { x in
                outputGradient.storage.withUnsafeBufferPointer { dy in
                    if let taps = tapConvolution(geometry) {
                        backwardByTaps(taps, x.baseAddress!, dy.baseAddress!, batch: shape[0], dx: dx)
                    } else {
                        backwardByColumns(geometry, x.baseAddress!, dy.baseAddress!, batch: shape[0], dx: dx)
                    }
                }
            }
        }
        guard needsInputGradient else {
            gradients(nil)
            return nil
        }
        return inputGradient.write(shape: shape) { gradients($0.baseAddress!) }
    }

    /// The parameter gradients, and the input gradient into `dx` unless nil (every value
    /// written), sample by sample.
    private func backwardByTaps(_ taps: TapConvolution, _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, batch: Int,
                                dx: UnsafeMutablePointer<Float>?) {
        let geometry = taps.planes.geometry, sampleSize = inChannels * geometry.height * geometry.width
        let n = taps.columns, planesSize = taps.planes.paddedSize(samples: 1)
        reserveTapWorkspaces(taps, inputGradient: dx != nil)
        if dx != nil {
            weight.value.withUnsafeBufferPointer { w in
                tapWeights.withUnsafeMutableBufferPointer { taps.gatherTapWeights(w.baseAddress!, into: $0.baseAddress!) }
            }
        }
        paddedInput.withUnsafeMutableBufferPointer { padded in
            channelMajor.withUnsafeMutableBufferPointer { g in
                tapGradient.withUnsafeMutableBufferPointer { tg in
                    for sample in 0..<batch {
                        let beta: Float = sample == 0 ? 0 : 1
                        taps.planes.pad(x + sample * sampleSize, samples: 1, into: padded.baseAddress!)
                        loadOutputGradient(dy, span: n, pitch: taps.planes.rowPitch, samples: 1, firstSample: sample,
                                           outH: geometry.outH, outW: geometry.outW, into: g.baseAddress!)
                        accumulateBiasGradient(g.baseAddress!, span: n, beta: beta)
                        taps.weightGradient(outputGradient: g.baseAddress!, padded: padded.baseAddress!, beta: beta, into: tg.baseAddress!)
                        guard let dx else { continue }
                        tapWeights.withUnsafeBufferPointer { tw in
                            paddedGradient.withUnsafeMutableBufferPointer { pg in
                                FloatRun.zero(pg.baseAddress!, count: planesSize)
                                taps.addInputGradient(outputGradient: g.baseAddress!, tapWeights: tw.baseAddress!, into: pg.baseAddress!)
                                taps.planes.unpad(pg.baseAddress!, samples: 1, into: dx + sample * sampleSize)
                            }
                        }
                    }
                }
            }
        }
        tapGradient.withUnsafeBufferPointer { tg in
            weight.gradient.withUnsafeMutableBufferPointer { taps.scatterTapGradient(tg.baseAddress!, into: $0.baseAddress!) }
        }
    }

    /// The parameter gradients, and the input gradient into `dx` unless nil, chunk by chunk.
    private func backwardByColumns(_ geometry: ConvolutionColumns, _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, batch: Int,
                                   dx: UnsafeMutablePointer<Float>?) {
        let perSample = geometry.outH * geometry.outW, sampleSize = inChannels * geometry.height * geometry.width
        let (patch, outC) = (patchSize, outChannels)
        let chunk = chunkSize(geometry, batch: batch)
        reserveColumnWorkspaces(geometry, chunk: chunk, inputGradient: dx != nil)
        // col2im adds into dx.
        if let dx { dx.update(repeating: 0, count: batch * sampleSize) }
        for first in Swift.stride(from: 0, to: batch, by: chunk) {
            let samples = min(chunk, batch - first), span = samples * perSample, beta: Float = first == 0 ? 0 : 1
            columns.withUnsafeMutableBufferPointer { geometry.im2col(x + first * sampleSize, samples: samples, into: $0.baseAddress!) }
            channelMajor.withUnsafeMutableBufferPointer { g in
                loadOutputGradient(dy, span: span, pitch: geometry.outW, samples: samples, firstSample: first,
                                   outH: geometry.outH, outW: geometry.outW, into: g.baseAddress!)
                accumulateBiasGradient(g.baseAddress!, span: span, beta: beta)
                columns.withUnsafeBufferPointer { cols in
                    weight.gradient.withUnsafeMutableBufferPointer { dw in
                        sgemm(transposeA: false, transposeB: true, m: outC, n: patch, k: span,
                              a: g.baseAddress!, b: cols.baseAddress!, beta: beta, c: dw.baseAddress!)
                    }
                }
                guard let dx else { return }
                weight.value.withUnsafeBufferPointer { w in
                    columnGradient.withUnsafeMutableBufferPointer { dcol in
                        sgemm(transposeA: true, transposeB: false, m: patch, n: span, k: outC,
                              a: w.baseAddress!, b: g.baseAddress!, beta: 0, c: dcol.baseAddress!)
                        geometry.col2im(dcol.baseAddress!, samples: samples, into: dx + first * sampleSize)
                    }
                }
            }
        }
    }

    /// Grows `buffer` to hold `count` values; never shrinks it (its contents are overwritten).
    private static func reserve(_ buffer: inout [Float], _ count: Int) {
        if buffer.count < count { buffer = [Float](repeating: 0, count: count) }
    }
}
