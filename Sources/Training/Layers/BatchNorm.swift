/// Batch normalisation over channels (Ioffe & Szegedy 2015, arXiv:1502.03167, Algorithm 1
/// and 2): for input [channels, height, width] each channel is normalised over the batch
/// and its positions (PyTorch's BatchNorm2d); for input [features], over the batch
/// (BatchNorm1d). Training normalises with the batch's mean and biased variance and moves
/// the running statistics towards them (momentum 0.1, the running variance unbiased, as
/// PyTorch does); evaluation uses the running statistics. The scale and shift are
/// parameters, never pruned; the running statistics are buffers, saved in checkpoints.
public final class BatchNorm: Layer {
    public let name: String
    public let channels: Int
    public let epsilon: Float = 1e-5
    public let momentum: Float = 0.1
    public let scale: Parameter
    public let shift: Parameter
    public let runningMean: Buffer
    public let runningVariance: Buffer
    /// The normalised input of the last training pass, and each channel's 1/σ.
    private var normalized: [Float] = []
    private var inverseDeviation: [Float] = []
    private var cachedShape: [Int] = []
    /// A training pass's output and input gradient, rewritten at each step.
    private var output = ReusedTensor(), inputGradient = ReusedTensor()
    /// See `Layer.setNormalizesWithRunningStatistics`; the last training pass's setting.
    private var frozen = false
    private var frozenInTraining = false

    public func setNormalizesWithRunningStatistics(_ enabled: Bool) { frozen = enabled }

    /// See `Layer.setAveragesRunningStatistics`: the training passes averaged so far, or nil
    /// when the running statistics move by the momentum.
    private var averagedPasses: Int?

    public func setAveragesRunningStatistics(_ enabled: Bool) {
        averagedPasses = enabled ? 0 : nil
        if enabled {
            runningMean.values = [Float](repeating: 0, count: channels)
            runningVariance.values = [Float](repeating: 0, count: channels)
        }
    }

    public init(name: String, channels: Int, firstParameterIndex: Int) {
        self.name = name
        self.channels = channels
        scale = Parameter(name: "\(name).scale", shape: [channels], role: .scale, index: firstParameterIndex,
                          value: [Float](repeating: 1, count: channels))
        shift = Parameter(name: "\(name).shift", shape: [channels], role: .shift, index: firstParameterIndex + 1,
                          value: [Float](repeating: 0, count: channels))
        runningMean = Buffer(name: "\(name).running_mean", shape: [channels], values: [Float](repeating: 0, count: channels))
        runningVariance = Buffer(name: "\(name).running_var", shape: [channels], values: [Float](repeating: 1, count: channels))
    }

    public var parameters: [Parameter] { [scale, shift] }
    public var buffers: [Buffer] { [runningMean, runningVariance] }

    public func expectation(for inputShape: [Int]) -> String? {
        (inputShape.count == 3 || inputShape.count == 1) && inputShape[0] == channels
            ? nil : "[\(channels), height, width] or [\(channels)]"
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(expectation(for: inputShape) == nil, "\(name) expects \(expectation(for: inputShape)!), got \(inputShape)")
        return inputShape
    }

    public func describe(inputShape: [Int], into description: inout NetworkDescription.Builder) {
        description.append(.init(name: name, kind: .batchNorm, inputShape: inputShape, outputShape: inputShape,
                                 geometry: .init(inChannels: channels, outChannels: channels, kernel: 1, stride: 1, padding: 0),
                                 parameterCount: 2 * channels, elementOperations: 2 * inputShape.reduce(1, *)))
    }

    public func forward(_ input: Tensor, isTraining: Bool) -> Tensor {
        let batch = input.batchSize, positions = input.sampleSize / channels
        let count = batch * positions
        if isTraining {
            frozenInTraining = frozen
            if frozen { return normalizeWithRunningStatistics(input) }
        }
        if !isTraining {
            return Tensor(shape: input.shape) { out in
                input.storage.withUnsafeBufferPointer { x in
                    for c in 0..<channels {
                        let factor = scale.value[c] / (runningVariance.values[c] + epsilon).squareRoot()
                        let offset = shift.value[c] - runningMean.values[c] * factor
                        forEachRun(channel: c, batch: batch, positions: positions) { base in
                            Run.affine(x.baseAddress! + base, into: out.baseAddress! + base, count: positions, factor: factor, offset: offset)
                        }
                    }
                }
            }
        }
        // The n-th averaged pass weighs 1/n: the running statistics are the passes' plain mean.
        let rate = averagedPasses.map { 1 / Float($0 + 1) } ?? momentum
        if let passes = averagedPasses { averagedPasses = passes + 1 }
        cachedShape = input.shape
        if normalized.count != input.count { normalized = [Float](repeating: 0, count: input.count) }
        if inverseDeviation.count != channels { inverseDeviation = [Float](repeating: 0, count: channels) }
        return output.write(shape: input.shape) { out in
            input.storage.withUnsafeBufferPointer { x in
                normalized.withUnsafeMutableBufferPointer { xhat in
                    for c in 0..<channels {
                        // Each run (one sample's feature map) summed in Float lanes, the runs in
                        // Double: a channel can hold 10^5 values per batch.
                        var sum = 0.0
                        forEachRun(channel: c, batch: batch, positions: positions) { base in
                            sum += Run.sum(x.baseAddress! + base, count: positions)
                        }
                        let meanF = Float(sum / Double(count))
                        var squares = 0.0
                        forEachRun(channel: c, batch: batch, positions: positions) { base in
                            squares += Run.squaredDeviations(x.baseAddress! + base, count: positions, mean: meanF)
                        }
                        let variance = squares / Double(count)
                        let inverse = Float(1 / (variance + Double(epsilon)).squareRoot())
                        inverseDeviation[c] = inverse
                        let (gamma, beta) = (scale.value[c], shift.value[c])
                        forEachRun(channel: c, batch: batch, positions: positions) { base in
                            Run.normalize(x.baseAddress! + base, normalized: xhat.baseAddress! + base, output: out.baseAddress! + base,
                                          count: positions, mean: meanF, inverse: inverse, scale: gamma, shift: beta)
                        }
                        let unbiased = count > 1 ? variance * Double(count) / Double(count - 1) : variance
                        runningMean.values[c] = (1 - rate) * runningMean.values[c] + rate * meanF
                        runningVariance.values[c] = (1 - rate) * runningVariance.values[c] + rate * Float(unbiased)
                    }
                }
            }
        }
    }

    /// A training pass with the running statistics as constants: x̂ kept for the scale's gradient.
    private func normalizeWithRunningStatistics(_ input: Tensor) -> Tensor {
        let batch = input.batchSize, positions = input.sampleSize / channels
        cachedShape = input.shape
        if normalized.count != input.count { normalized = [Float](repeating: 0, count: input.count) }
        if inverseDeviation.count != channels { inverseDeviation = [Float](repeating: 0, count: channels) }
        return Tensor(shape: input.shape) { out in
            input.storage.withUnsafeBufferPointer { x in
                normalized.withUnsafeMutableBufferPointer { xhat in
                    for c in 0..<channels {
                        let inverse = 1 / (runningVariance.values[c] + epsilon).squareRoot(), mean = runningMean.values[c]
                        inverseDeviation[c] = inverse
                        let (gamma, beta) = (scale.value[c], shift.value[c])
                        forEachRun(channel: c, batch: batch, positions: positions) { base in
                            for p in base..<(base + positions) {
                                xhat[p] = (x[p] - mean) * inverse
                                out[p] = xhat[p] * gamma + beta
                            }
                        }
                    }
                }
            }
        }
    }

    /// dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/(σM) · (M·dy − dβ − x̂·dγ), per channel over its M values
    /// (with the running statistics, constants: dx = γ/σ · dy). Channel by channel, the sums
    /// and then dx, so the second pass over a channel's dy and x̂ finds them in cache.
    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        let batch = outputGradient.batchSize, positions = outputGradient.sampleSize / channels
        let count = Float(batch * positions)
        func gradients(_ dx: UnsafeMutablePointer<Float>?) {
            outputGradient.storage.withUnsafeBufferPointer { dy in
                normalized.withUnsafeBufferPointer { xhat in
                    for c in 0..<channels {
                        var (shiftSum, scaleSum) = (0.0, 0.0)
                        forEachRun(channel: c, batch: batch, positions: positions) { base in
                            let (plain, weighted) = Run.sums(dy.baseAddress! + base, weightedBy: xhat.baseAddress! + base, count: positions)
                            shiftSum += plain
                            scaleSum += weighted
                        }
                        shift.gradient[c] = Float(shiftSum)
                        scale.gradient[c] = Float(scaleSum)
                        guard let dx else { continue }
                        let factor = scale.value[c] * inverseDeviation[c] / count
                        let (shiftTerm, scaleTerm) = frozenInTraining ? (0, 0) : (Float(shiftSum), Float(scaleSum))
                        forEachRun(channel: c, batch: batch, positions: positions) { base in
                            Run.inputGradient(dy.baseAddress! + base, normalized: xhat.baseAddress! + base, into: dx + base,
                                              count: positions, factor: factor, scaledCount: count, shiftSum: shiftTerm, scaleSum: scaleTerm)
                        }
                    }
                }
            }
        }
        guard needsInputGradient else {
            gradients(nil)
            return nil
        }
        return inputGradient.write(shape: cachedShape) { gradients($0.baseAddress!) }
    }

    /// Calls `body` with the flat index of channel `channel`'s first value in each sample.
    @inline(__always)
    private func forEachRun(channel: Int, batch: Int, positions: Int, _ body: (Int) -> Void) {
        for sample in 0..<batch { body((sample * channels + channel) * positions) }
    }
}

/// The per-run loops of `BatchNorm`, eight floats at a time (a run is one sample's values
/// of one channel, contiguous in NCHW; the compiler does not vectorise these loops itself:
/// it cannot rule out that the pointers overlap).
private enum Run {
    typealias Lanes = SIMD8<Float>

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>, _ i: Int) -> Lanes {
        UnsafeRawPointer(pointer).loadUnaligned(fromByteOffset: i * 4, as: Lanes.self)
    }

    @inline(__always)
    static func store(_ value: Lanes, _ pointer: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, toByteOffset: i * 4, as: Lanes.self)
    }

    // The reductions keep four accumulators: with one, each addition waits for the last
    // (about 4 cycles per eight floats), which made Σdy·x̂ alone 3.5 % of a ResNet-20 step.

    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var (a0, a1, a2, a3) = (Lanes(), Lanes(), Lanes(), Lanes()), i = 0, tail: Float = 0
        while i + 32 <= count {
            a0 += load(x, i); a1 += load(x, i + 8); a2 += load(x, i + 16); a3 += load(x, i + 24)
            i += 32
        }
        while i + 8 <= count { a0 += load(x, i); i += 8 }
        while i < count { tail += x[i]; i += 1 }
        return Double(((a0 + a1) + (a2 + a3)).sum()) + Double(tail)
    }

    static func squaredDeviations(_ x: UnsafePointer<Float>, count: Int, mean: Float) -> Double {
        var (a0, a1, a2, a3) = (Lanes(), Lanes(), Lanes(), Lanes()), i = 0, tail: Float = 0
        let m = Lanes(repeating: mean)
        @inline(__always) func square(_ i: Int) -> Lanes { let d = load(x, i) - m; return d * d }
        while i + 32 <= count {
            a0 += square(i); a1 += square(i + 8); a2 += square(i + 16); a3 += square(i + 24)
            i += 32
        }
        while i + 8 <= count { a0 += square(i); i += 8 }
        while i < count { let d = x[i] - mean; tail += d * d; i += 1 }
        return Double(((a0 + a1) + (a2 + a3)).sum()) + Double(tail)
    }

    /// Σ a and Σ a·b.
    static func sums(_ a: UnsafePointer<Float>, weightedBy b: UnsafePointer<Float>, count: Int) -> (Double, Double) {
        var (p0, p1, w0, w1) = (Lanes(), Lanes(), Lanes(), Lanes()), i = 0, plainTail: Float = 0, weightedTail: Float = 0
        while i + 16 <= count {
            let (v0, v1) = (load(a, i), load(a, i + 8))
            p0 += v0; p1 += v1
            w0 += v0 * load(b, i); w1 += v1 * load(b, i + 8)
            i += 16
        }
        while i + 8 <= count {
            let value = load(a, i)
            p0 += value
            w0 += value * load(b, i)
            i += 8
        }
        while i < count { plainTail += a[i]; weightedTail += a[i] * b[i]; i += 1 }
        return (Double((p0 + p1).sum()) + Double(plainTail), Double((w0 + w1).sum()) + Double(weightedTail))
    }

    static func affine(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int, factor: Float, offset: Float) {
        var i = 0
        let (f, o) = (Lanes(repeating: factor), Lanes(repeating: offset))
        while i + 8 <= count { store(load(x, i) * f + o, out, i); i += 8 }
        while i < count { out[i] = x[i] * factor + offset; i += 1 }
    }

    static func normalize(_ x: UnsafePointer<Float>, normalized xhat: UnsafeMutablePointer<Float>, output out: UnsafeMutablePointer<Float>,
                          count: Int, mean: Float, inverse: Float, scale: Float, shift: Float) {
        var i = 0
        let (m, v, g, b) = (Lanes(repeating: mean), Lanes(repeating: inverse), Lanes(repeating: scale), Lanes(repeating: shift))
        while i + 8 <= count {
            let value = (load(x, i) - m) * v
            store(value, xhat, i)
            store(value * g + b, out, i)
            i += 8
        }
        while i < count {
            let value = (x[i] - mean) * inverse
            xhat[i] = value
            out[i] = value * scale + shift
            i += 1
        }
    }

    /// dx = factor · (M·dy − Σdy − x̂·Σ(dy·x̂)).
    static func inputGradient(_ dy: UnsafePointer<Float>, normalized xhat: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
                              count: Int, factor: Float, scaledCount: Float, shiftSum: Float, scaleSum: Float) {
        var i = 0
        let (f, n, s, w) = (Lanes(repeating: factor), Lanes(repeating: scaledCount), Lanes(repeating: shiftSum), Lanes(repeating: scaleSum))
        while i + 8 <= count {
            store(f * (n * load(dy, i) - s - load(xhat, i) * w), dx, i)
            i += 8
        }
        while i < count { dx[i] = factor * (scaledCount * dy[i] - shiftSum - xhat[i] * scaleSum); i += 1 }
    }
}
