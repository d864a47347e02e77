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
    /// See `Layer.setNormalizesWithRunningStatistics`; the last training pass's setting.
    private var frozen = false
    private var frozenInTraining = false

    public func setNormalizesWithRunningStatistics(_ enabled: Bool) { frozen = enabled }

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
                            for p in base..<(base + positions) { out[p] = x[p] * factor + offset }
                        }
                    }
                }
            }
        }
        cachedShape = input.shape
        if normalized.count != input.count { normalized = [Float](repeating: 0, count: input.count) }
        if inverseDeviation.count != channels { inverseDeviation = [Float](repeating: 0, count: channels) }
        return Tensor(shape: input.shape) { out in
            input.storage.withUnsafeBufferPointer { x in
                normalized.withUnsafeMutableBufferPointer { xhat in
                    for c in 0..<channels {
                        // Sums in Double: a channel can hold 10^5 values per batch.
                        var sum = 0.0
                        forEachRun(channel: c, batch: batch, positions: positions) { base in
                            for p in base..<(base + positions) { sum += Double(x[p]) }
                        }
                        let mean = sum / Double(count)
                        var squares = 0.0
                        forEachRun(channel: c, batch: batch, positions: positions) { base in
                            for p in base..<(base + positions) {
                                let d = Double(x[p]) - mean
                                squares += d * d
                            }
                        }
                        let variance = squares / Double(count)
                        let inverse = Float(1 / (variance + Double(epsilon)).squareRoot())
                        inverseDeviation[c] = inverse
                        let (meanF, gamma, beta) = (Float(mean), scale.value[c], shift.value[c])
                        forEachRun(channel: c, batch: batch, positions: positions) { base in
                            for p in base..<(base + positions) {
                                let value = (x[p] - meanF) * inverse
                                xhat[p] = value
                                out[p] = value * gamma + beta
                            }
                        }
                        let unbiased = count > 1 ? variance * Double(count) / Double(count - 1) : variance
                        runningMean.values[c] = (1 - momentum) * runningMean.values[c] + momentum * meanF
                        runningVariance.values[c] = (1 - momentum) * runningVariance.values[c] + momentum * Float(unbiased)
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
    /// (with the running statistics, constants: dx = γ/σ · dy).
    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        let batch = outputGradient.batchSize, positions = outputGradient.sampleSize / channels
        let count = Float(batch * positions)
        var sums = [(Float, Float)](repeating: (0, 0), count: channels)
        outputGradient.storage.withUnsafeBufferPointer { dy in
            normalized.withUnsafeBufferPointer { xhat in
                for c in 0..<channels {
                    var (shiftSum, scaleSum) = (0.0, 0.0)
                    forEachRun(channel: c, batch: batch, positions: positions) { base in
                        for p in base..<(base + positions) {
                            shiftSum += Double(dy[p])
                            scaleSum += Double(dy[p] * xhat[p])
                        }
                    }
                    sums[c] = (Float(shiftSum), Float(scaleSum))
                    shift.gradient[c] = Float(shiftSum)
                    scale.gradient[c] = Float(scaleSum)
                }
            }
        }
        guard needsInputGradient else { return nil }
        return Tensor(shape: cachedShape) { dx in
            outputGradient.storage.withUnsafeBufferPointer { dy in
                normalized.withUnsafeBufferPointer { xhat in
                    for c in 0..<channels {
                        let factor = scale.value[c] * inverseDeviation[c] / count
                        let (shiftSum, scaleSum) = frozenInTraining ? (0, 0) : sums[c]
                        forEachRun(channel: c, batch: batch, positions: positions) { base in
                            for p in base..<(base + positions) {
                                dx[p] = factor * (count * dy[p] - shiftSum - xhat[p] * scaleSum)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Calls `body` with the flat index of channel `channel`'s first value in each sample.
    @inline(__always)
    private func forEachRun(channel: Int, batch: Int, positions: Int, _ body: (Int) -> Void) {
        for sample in 0..<batch { body((sample * channels + channel) * positions) }
    }
}
