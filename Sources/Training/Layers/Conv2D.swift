/// 2-D convolution over NCHW tensors with a square kernel, a stride and symmetric zero
/// padding, with or without a bias (none before a batch norm, whose shift replaces it),
/// computed as im2col and GEMMs over chunks of the batch.
///
/// A chunk's column matrix is [patch, samples × positions]: row (c, ky, kx) holds, for each
/// of the chunk's samples and output positions, the input pixel that kernel tap sees. With
/// stride 1 it is built from padded planes, one contiguous copy per row and sample, and
/// each output row carries a few extra columns (`PaddedRowColumns`); otherwise by one copy
/// per output row (`ConvolutionColumns`). One
/// GEMM per pass and chunk has a large n (samples × positions) instead of a 6- or 16-row
/// GEMM per sample: forward Y = W · cols, weight gradient dW += dY · colsᵀ, input gradient
/// dcols = Wᵀ · dY, with Y and dY in channel-major [outC, samples × positions] order, moved
/// to and from NCHW by row copies (the bias added on the way). Chunks are sized so
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
    /// The input of the current training pass (SWAT: as sparsified), for backward's
    /// columns, until backward lets go of it (so the layer before can rewrite that buffer).
    private var cachedInput = Tensor.empty
    /// A training pass's output, input gradient and (SWAT) sparsified input copy, rewritten at each step.
    private var output = ReusedTensor(), inputGradient = ReusedTensor(), sparseInput = ReusedTensor()
    /// A chunk's column matrix, [patch, samples × positions].
    private var columns: [Float] = []
    /// Channel-major [outC, samples × positions] output (forward) or output gradient (backward).
    private var channelMajor: [Float] = []
    /// A chunk's input-gradient columns, [patch, samples × positions].
    private var columnGradient: [Float] = []
    /// The padded planes of a chunk's input (`PaddedRowColumns`; padding zero, never
    /// written) and of its input gradient, and the geometry the first was zeroed for.
    private var paddedInput: [Float] = []
    private var paddedGradient: [Float] = []
    private var paddedGeometry: ConvolutionColumns?
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

    /// How a pass builds its column matrix: padded rows (stride 1) or one short copy per
    /// output row (`ConvolutionColumns.im2col`) otherwise.
    private struct ColumnPlan {
        let geometry: ConvolutionColumns
        let paddedRows: PaddedRowColumns?
        /// Column-matrix columns per output row (the output rows' pitch) and per sample.
        var rowPitch: Int { paddedRows?.rowPitch ?? geometry.outW }
        var columnsPerSample: Int { geometry.outH * rowPitch }
    }

    private func plan(height: Int, width: Int) -> ColumnPlan {
        let geometry = columns(height: height, width: width)
        return ColumnPlan(geometry: geometry, paddedRows: PaddedRowColumns(geometry))
    }

    /// Samples per chunk: as many as keep the column matrix within 1 MB (256 K floats; the
    /// L2 cache of this class of core).
    private func chunkSize(_ plan: ColumnPlan, batch: Int) -> Int {
        min(max(1, (256 * 1024) / max(patchSize * plan.columnsPerSample, 1)), max(batch, 1))
    }

    /// Sizes the workspaces for chunks of `chunk` samples; a new padded-input buffer is all
    /// zeros, and only the planes' interiors are written after that.
    private func reserveWorkspaces(_ plan: ColumnPlan, chunk: Int, inputGradient: Bool) {
        let span = chunk * plan.columnsPerSample
        Self.reserve(&columns, patchSize * span)
        Self.reserve(&channelMajor, outChannels * span)
        if let paddedRows = plan.paddedRows {
            if paddedGeometry != plan.geometry { paddedInput = [] }
            paddedGeometry = plan.geometry
            Self.reserve(&paddedInput, paddedRows.paddedSize(samples: chunk))
            if inputGradient { Self.reserve(&paddedGradient, paddedRows.paddedSize(samples: chunk)) }
        }
        if inputGradient { Self.reserve(&columnGradient, patchSize * span) }
    }

    /// The column matrix of `samples` samples starting at `x`, into `columns`.
    private func buildColumns(_ plan: ColumnPlan, _ x: UnsafePointer<Float>, samples: Int) {
        columns.withUnsafeMutableBufferPointer { cols in
            guard let paddedRows = plan.paddedRows else {
                return plan.geometry.im2col(x, samples: samples, into: cols.baseAddress!)
            }
            paddedInput.withUnsafeMutableBufferPointer { padded in
                paddedRows.pad(x, samples: samples, into: padded.baseAddress!)
                paddedRows.im2col(padded.baseAddress!, samples: samples, into: cols.baseAddress!)
            }
        }
    }

    public func forward(_ input: Tensor, isTraining: Bool) -> Tensor {
        let (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3])
        let plan = plan(height: height, width: width)
        let (outH, outW, pitch) = (plan.geometry.outH, plan.geometry.outW, plan.rowPitch)
        let perSample = plan.columnsPerSample, patch = patchSize, outC = outChannels, sampleSize = inChannels * height * width
        let chunk = chunkSize(plan, batch: batch)
        reserveWorkspaces(plan, chunk: chunk, inputGradient: false)
        func convolve(_ out: UnsafeMutableBufferPointer<Float>) {
            for first in Swift.stride(from: 0, to: batch, by: chunk) {
                let samples = min(chunk, batch - first), span = samples * perSample
                input.storage.withUnsafeBufferPointer { x in buildColumns(plan, x.baseAddress! + first * sampleSize, samples: samples) }
                columns.withUnsafeBufferPointer { cols in
                    weight.value.withUnsafeBufferPointer { w in
                        channelMajor.withUnsafeMutableBufferPointer { y in
                            sgemm(transposeA: false, transposeB: false, m: outC, n: span, k: patch,
                                  a: w.baseAddress!, b: cols.baseAddress!, beta: 0, c: y.baseAddress!)
                        }
                    }
                }
                // Channel-major rows of `pitch` to NCHW rows of outW, the bias added on the way.
                channelMajor.withUnsafeBufferPointer { y in
                    for sample in 0..<samples {
                        for c in 0..<outC {
                            let from = y.baseAddress! + c * span + sample * perSample
                            let to = out.baseAddress! + ((first + sample) * outC + c) * outH * outW
                            let shift = bias?.value[c] ?? 0
                            for row in 0..<outH {
                                for p in 0..<outW { to[row * outW + p] = from[row * pitch + p] + shift }
                            }
                        }
                    }
                }
            }
        }
        let result = isTraining ? output.write(batch, outC, outH, outW) { convolve($0) }
            : Tensor(shape: [batch, outC, outH, outW]) { convolve($0) }
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

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        let shape = cachedInput.shape
        let (batch, height, width) = (shape[0], shape[2], shape[3])
        let plan = plan(height: height, width: width)
        let (outH, outW, pitch) = (plan.geometry.outH, plan.geometry.outW, plan.rowPitch)
        let perSample = plan.columnsPerSample, patch = patchSize, outC = outChannels, sampleSize = inChannels * height * width
        let chunk = chunkSize(plan, batch: batch)
        reserveWorkspaces(plan, chunk: chunk, inputGradient: needsInputGradient)
        if ones.count < chunk * perSample { ones = [Float](repeating: 1, count: chunk * perSample) }
        // Chunk by chunk: the parameter gradients, and the input gradient into `dx` (zeroed:
        // col2im adds into it) unless nil.
        func chunks(_ dx: UnsafeMutablePointer<Float>?) {
            for first in Swift.stride(from: 0, to: batch, by: chunk) {
                let samples = min(chunk, batch - first), span = samples * perSample, accumulate: Float = first == 0 ? 0 : 1
                cachedInput.storage.withUnsafeBufferPointer { x in buildColumns(plan, x.baseAddress! + first * sampleSize, samples: samples) }
                // dY to channel-major rows of `pitch`, zero past each row's outW (padded rows'
                // extra columns, which are no outputs). The bias gradient is the row sums (a
                // GEMV with ones: a scalar sum is one long dependency chain).
                outputGradient.storage.withUnsafeBufferPointer { dy in
                    channelMajor.withUnsafeMutableBufferPointer { g in
                        for sample in 0..<samples {
                            for c in 0..<outC {
                                let to = g.baseAddress! + c * span + sample * perSample
                                let from = dy.baseAddress! + ((first + sample) * outC + c) * outH * outW
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
                }
                guard let dx else { continue }
                columnGradient.withUnsafeBufferPointer { dcol in
                    let to = dx + first * sampleSize
                    guard let paddedRows = plan.paddedRows else {
                        return plan.geometry.col2im(dcol.baseAddress!, samples: samples, into: to)
                    }
                    paddedGradient.withUnsafeMutableBufferPointer { padded in
                        FloatRun.zero(padded.baseAddress!, count: paddedRows.paddedSize(samples: samples))
                        paddedRows.col2im(dcol.baseAddress!, samples: samples, padded: padded.baseAddress!, into: to)
                    }
                }
            }
        }
        defer { cachedInput = .empty }
        guard needsInputGradient else {
            chunks(nil)
            return nil
        }
        return inputGradient.write(shape: shape) { dx in
            dx.update(repeating: 0)
            chunks(dx.baseAddress!)
        }
    }

    /// Grows `buffer` to hold `count` values; never shrinks it (its contents are overwritten).
    private static func reserve(_ buffer: inout [Float], _ count: Int) {
        if buffer.count < count { buffer = [Float](repeating: 0, count: count) }
    }
}
