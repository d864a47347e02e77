import Dispatch

/// 2-D convolution over NCHW tensors with a square kernel, a stride and symmetric zero
/// padding, with or without a bias (none before a batch norm, whose shift replaces it).
///
/// Sample by sample, one GEMM per kernel tap straight from the sample's input planes
/// (`TapConvolution`; padded rows for stride 1, phases for larger strides): no column
/// matrix. Layers with few input channels take im2col instead where the BLAS kernel lacks
/// small-matrix paths (`ConvolutionAlgorithm`, `ColumnConvolution`). Y and dY are channel-major [outC, positions], moved to and from NCHW by row copies
/// (the bias added on the way), and the bias gradient is their row sums. The workspaces live
/// as long as the layer and only grow, so a step allocates nothing here after the first.
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
    /// im2col's channel-major [outC, samples × positions] output or output gradient.
    private var channelMajor: [Float] = []
    /// The weights per tap, [tap, outC, C] (`TapConvolution`).
    private var tapWeights: [Float] = []
    /// The tap form of the last geometry: kept, because making one boxes its planes layout
    /// (an existential too large to store inline), an allocation per pass.
    private var lastTapConvolution: TapConvolution?
    /// Each thread's buffers for the tap path (`ComputeThreads.convolutionWorkers`).
    private var workspaces: [TapWorkspace] = []
    /// Ones for the bias gradient's row sums.
    private var ones: [Float] = []
    /// When set, the weight gradient is computed from the columns of the input as
    /// sparsified by it (SWAT); the forward pass and the input gradient are unchanged.
    public weak var activationSparsifier: (any ActivationSparsifier)?
    /// Nil: `ConvolutionAlgorithm.preferred` for the BLAS kernel in use.
    public var algorithm: ConvolutionAlgorithm?
    /// im2col's workspaces, made on first use.
    private lazy var columnConvolution = ColumnConvolution()

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

    /// The geometry of a pass over inputs of `height` x `width`.
    public func geometry(height: Int, width: Int) -> ConvolutionGeometry {
        ConvolutionGeometry(inChannels: inChannels, kernelSize: kernelSize, padding: padding, stride: stride, height: height, width: width)
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
        let geometry = self.geometry(height: inputShape[1], width: inputShape[2])
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

    private func tapConvolution(_ geometry: ConvolutionGeometry) -> TapConvolution {
        if let taps = lastTapConvolution, taps.planes.geometry == geometry { return taps }
        let taps = TapConvolution(geometry, outChannels: outChannels)
        lastTapConvolution = taps
        return taps
    }

    /// The per-tap weights, one workspace per thread for `workers` threads, and the ones.
    private func prepare(_ taps: TapConvolution, workers: Int, inputGradient: Bool) {
        while workspaces.count < workers { workspaces.append(TapWorkspace()) }
        for workspace in workspaces.prefix(workers) {
            workspace.reserve(taps, outChannels: outChannels, inputGradient: inputGradient)
        }
        Self.reserve(&tapWeights, taps.tapWeightCount)
        if ones.count < taps.columns { ones = [Float](repeating: 1, count: taps.columns) }
        weight.value.withUnsafeBufferPointer { w in
            tapWeights.withUnsafeMutableBufferPointer { taps.gatherTapWeights(w.baseAddress!, into: $0.baseAddress!) }
        }
    }

    /// `body(worker, samples)` for each of `workers` contiguous shares of `batch` samples, at
    /// once on as many threads.
    private static func split(batch: Int, workers: Int, _ body: (Int, Range<Int>) -> Void) {
        guard workers > 1 else { return body(0, 0..<batch) }
        // Each worker touches its own workspace and its own samples' outputs; the rest is read.
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                work.value(worker, (worker * batch / workers)..<((worker + 1) * batch / workers))
            }
        }
    }

    public func forward(_ input: Tensor, isTraining: Bool) -> Tensor {
        let (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3])
        let geometry = self.geometry(height: height, width: width)
        let (outH, outW) = (geometry.outH, geometry.outW)
        func convolve(_ out: UnsafeMutableBufferPointer<Float>) {
            input.storage.withUnsafeBufferPointer { x in
                if usesTaps {
                    forward(tapConvolution(geometry), x.baseAddress!, batch: batch, into: out.baseAddress!)
                } else {
                    forwardByColumns(geometry, x.baseAddress!, batch: batch, into: out.baseAddress!)
                }
            }
        }
        let result = isTraining ? output.write(batch, outChannels, outH, outW) { convolve($0) }
            : Tensor(shape: [batch, outChannels, outH, outW]) { convolve($0) }
        if isTraining {
            if let sparsifier = activationSparsifier {
                // Top-K over the layer input itself; backward's weight gradient comes from
                // this sparse input (the input gradient does not read the input).
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

    private func forward(_ taps: TapConvolution, _ x: UnsafePointer<Float>, batch: Int, into out: UnsafeMutablePointer<Float>) {
        let geometry = taps.planes.geometry, sampleSize = inChannels * geometry.height * geometry.width
        let (outH, outW, pitch, n) = (geometry.outH, geometry.outW, taps.planes.rowPitch, taps.columns)
        let workers = min(ComputeThreads.convolutionWorkers, max(batch, 1))
        prepare(taps, workers: workers, inputGradient: false)
        let shifts = bias?.value ?? []
        tapWeights.withUnsafeBufferPointer { tw in
            Self.split(batch: batch, workers: workers) { worker, samples in
                let workspace = workspaces[worker]
                workspace.planes.withUnsafeMutableBufferPointer { planes in
                    workspace.channelMajor.withUnsafeMutableBufferPointer { y in
                        for sample in samples {
                            taps.planes.fill(x + sample * sampleSize, into: planes.baseAddress!)
                            taps.forward(samplePlanes: planes.baseAddress!, tapWeights: tw.baseAddress!, into: y.baseAddress!)
                            // Channel-major rows of `pitch` to NCHW rows of outW, the bias added on the way.
                            for c in 0..<outChannels {
                                let from = y.baseAddress! + c * n, to = out + (sample * outChannels + c) * outH * outW
                                let shift = shifts.isEmpty ? 0 : shifts[c]
                                for row in 0..<outH { FloatRun.copy(to + row * outW, from: from + row * pitch, count: outW, adding: shift) }
                            }
                        }
                    }
                }
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        let shape = cachedInput.shape
        let geometry = self.geometry(height: shape[2], width: shape[3])
        defer { cachedInput = .empty }
        func gradients(_ dx: UnsafeMutablePointer<Float>?) {
            cachedInput.storage.withUnsafeBufferPointer { x in
                outputGradient.storage.withUnsafeBufferPointer { dy in
                    if usesTaps {
                        backward(tapConvolution(geometry), x.baseAddress!, dy.baseAddress!, batch: shape[0], dx: dx)
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
    /// written), sample by sample; each thread sums its samples' parameter gradients in its
    /// workspace, and the threads' sums are added in thread order.
    private func backward(_ taps: TapConvolution, _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, batch: Int,
                          dx: UnsafeMutablePointer<Float>?) {
        let geometry = taps.planes.geometry, sampleSize = inChannels * geometry.height * geometry.width
        let (outH, outW, pitch, n) = (geometry.outH, geometry.outW, taps.planes.rowPitch, taps.columns)
        let workers = min(ComputeThreads.convolutionWorkers, max(batch, 1)), hasBias = bias != nil
        prepare(taps, workers: workers, inputGradient: dx != nil)
        tapWeights.withUnsafeBufferPointer { tw in
            ones.withUnsafeBufferPointer { one in
                Self.split(batch: batch, workers: workers) { worker, samples in
                    let workspace = workspaces[worker]
                    workspace.planes.withUnsafeMutableBufferPointer { planes in
                        workspace.channelMajor.withUnsafeMutableBufferPointer { g in
                            for sample in samples {
                                let beta: Float = sample == samples.lowerBound ? 0 : 1
                                taps.planes.fill(x + sample * sampleSize, into: planes.baseAddress!)
                                // dY to channel-major rows of `pitch`, zero past each row's outW (no outputs).
                                for c in 0..<outChannels {
                                    let to = g.baseAddress! + c * n, from = dy + (sample * outChannels + c) * outH * outW
                                    for row in 0..<outH {
                                        FloatRun.copy(to + row * pitch, from: from + row * outW, count: outW)
                                        FloatRun.zero(to + row * pitch + outW, count: pitch - outW)
                                    }
                                }
                                if hasBias {
                                    // Row sums through a GEMV with ones: a scalar sum is one long dependency chain.
                                    workspace.biasGradient.withUnsafeMutableBufferPointer { db in
                                        sgemv(transposeA: false, m: outChannels, n: n, a: g.baseAddress!, x: one.baseAddress!,
                                              beta: beta, y: db.baseAddress!)
                                    }
                                }
                                workspace.tapGradient.withUnsafeMutableBufferPointer { tg in
                                    taps.weightGradient(outputGradient: g.baseAddress!, samplePlanes: planes.baseAddress!, beta: beta,
                                                        into: tg.baseAddress!)
                                }
                                guard let dx else { continue }
                                workspace.gradientPlanes.withUnsafeMutableBufferPointer { pg in
                                    FloatRun.zero(pg.baseAddress!, count: taps.planes.sampleSize)
                                    taps.addInputGradient(outputGradient: g.baseAddress!, tapWeights: tw.baseAddress!, into: pg.baseAddress!)
                                    taps.planes.extractGradient(pg.baseAddress!, into: dx + sample * sampleSize)
                                }
                            }
                        }
                    }
                }
            }
        }
        let total = workspaces[0]
        for other in workspaces[1..<workers] {
            for i in 0..<taps.tapWeightCount { total.tapGradient[i] += other.tapGradient[i] }
            for c in 0..<outChannels where hasBias { total.biasGradient[c] += other.biasGradient[c] }
        }
        total.tapGradient.withUnsafeBufferPointer { tg in
            weight.gradient.withUnsafeMutableBufferPointer { taps.scatterTapGradient(tg.baseAddress!, into: $0.baseAddress!) }
        }
        if let bias { for c in 0..<outChannels { bias.gradient[c] = total.biasGradient[c] } }
    }

    private var usesTaps: Bool { (algorithm ?? .preferred(inChannels: inChannels)) == .taps }

    private func forwardByColumns(_ geometry: ConvolutionGeometry, _ x: UnsafePointer<Float>, batch: Int,
                                  into out: UnsafeMutablePointer<Float>) {
        let (outH, outW) = (geometry.outH, geometry.outW), positions = outH * outW
        Self.reserve(&channelMajor, outChannels * columnConvolution.channelMajorSpan(geometry, batch: batch))
        weight.value.withUnsafeBufferPointer { w in
            channelMajor.withUnsafeMutableBufferPointer { y in
                columnConvolution.forward(geometry, weight: w.baseAddress!, outChannels: outChannels, x, batch: batch,
                                          channelMajor: y.baseAddress!) { first, samples in
                    let span = samples * positions
                    for sample in 0..<samples {
                        for c in 0..<outChannels {
                            let from = y.baseAddress! + c * span + sample * positions
                            let to = out + ((first + sample) * outChannels + c) * positions
                            FloatRun.copy(to, from: from, count: positions, adding: bias?.value[c] ?? 0)
                        }
                    }
                }
            }
        }
    }

    private func backwardByColumns(_ geometry: ConvolutionGeometry, _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, batch: Int,
                                   dx: UnsafeMutablePointer<Float>?) {
        let positions = geometry.outH * geometry.outW, span = columnConvolution.channelMajorSpan(geometry, batch: batch)
        Self.reserve(&channelMajor, outChannels * span)
        if ones.count < span { ones = [Float](repeating: 1, count: span) }
        weight.value.withUnsafeBufferPointer { w in
            weight.gradient.withUnsafeMutableBufferPointer { dw in
                channelMajor.withUnsafeMutableBufferPointer { g in
                    columnConvolution.backward(geometry, weight: w.baseAddress!, weightGradient: dw.baseAddress!, outChannels: outChannels,
                                               x, batch: batch, channelMajor: g.baseAddress!, dx: dx) { first, samples, beta in
                        let span = samples * positions
                        for sample in 0..<samples {
                            for c in 0..<outChannels {
                                FloatRun.copy(g.baseAddress! + c * span + sample * positions,
                                              from: dy + ((first + sample) * outChannels + c) * positions, count: positions)
                            }
                        }
                        if let bias {
                            ones.withUnsafeBufferPointer { one in
                                bias.gradient.withUnsafeMutableBufferPointer { db in
                                    sgemv(transposeA: false, m: outChannels, n: span, a: g.baseAddress!, x: one.baseAddress!,
                                          beta: beta, y: db.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Grows `buffer` to hold `count` values; never shrinks it (its contents are overwritten).
    fileprivate static func reserve(_ buffer: inout [Float], _ count: Int) {
        if buffer.count < count { buffer = [Float](repeating: 0, count: count) }
    }
}

/// One thread's buffers for a `Conv2D`'s tap path: a sample's input planes (zeroed when the
/// geometry changes: `TapPlanes.fill` may never write the padding) and input-gradient planes,
/// its channel-major [outC, columns] output or output gradient, and the thread's sums of the
/// per-tap weight gradient [tap, outC, C] and of the bias gradient.
private final class TapWorkspace {
    var planes: [Float] = [], gradientPlanes: [Float] = [], channelMajor: [Float] = []
    var tapGradient: [Float] = [], biasGradient: [Float] = []
    private var geometry: ConvolutionGeometry?

    func reserve(_ taps: TapConvolution, outChannels: Int, inputGradient: Bool) {
        if geometry != taps.planes.geometry { planes = [] }
        geometry = taps.planes.geometry
        Conv2D.reserve(&planes, taps.planes.sampleSize)
        Conv2D.reserve(&channelMajor, outChannels * taps.columns)
        Conv2D.reserve(&tapGradient, taps.tapWeightCount)
        Conv2D.reserve(&biasGradient, outChannels)
        if inputGradient { Conv2D.reserve(&gradientPlanes, taps.planes.sampleSize) }
    }
}

/// A value handed to `DispatchQueue.concurrentPerform`'s threads, which the caller has made
/// safe to share (disjoint writes).
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
