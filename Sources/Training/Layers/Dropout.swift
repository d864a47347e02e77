/// Inverted dropout (Srivastava et al. 2014, JMLR 15): in training each value is zeroed
/// with probability `rate` and the rest scaled by 1/(1 − rate); evaluation passes values
/// through. Which values drop is a function of (seed, layer stream, training pass,
/// element) through `CounterRandom`, so a run is deterministic; the pass counter is a
/// buffer, saved in checkpoints, so a resumed run drops the same values.
public final class Dropout: Layer {
    public let name: String
    public let rate: Float
    private let seed: UInt64
    private let stream: UInt64
    /// Training passes so far (a Float counts exactly up to 2^24, 16.7 million passes).
    public let passes: Buffer
    private var kept: [Float] = []
    /// A training pass's output and input gradient, rewritten at each step.
    private var output = ReusedTensor(), inputGradient = ReusedTensor()
    /// See `Layer.setNormalizesWithRunningStatistics`: training passes are the identity.
    private var passesThrough = false
    /// The last training pass was the identity, so its backward is too.
    private var lastPassWasIdentity = false

    public func setNormalizesWithRunningStatistics(_ enabled: Bool) { passesThrough = enabled }

    public init(name: String, rate: Float, seed: UInt64, stream: Int) {
        precondition(rate >= 0 && rate < 1)
        self.name = name
        self.rate = rate
        self.seed = seed
        self.stream = UInt64(stream)
        passes = Buffer(name: "\(name).passes", shape: [1], values: [0])
    }

    public var buffers: [Buffer] { [passes] }

    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

    public func describe(inputShape: [Int], into description: inout NetworkDescription.Builder) {
        description.append(.init(name: name, kind: .dropout, inputShape: inputShape, outputShape: inputShape,
                                 elementOperations: inputShape.reduce(1, *)))
    }

    public func forward(_ input: Tensor, isTraining: Bool) -> Tensor {
        guard isTraining else { return input }
        lastPassWasIdentity = rate == 0 || passesThrough
        if lastPassWasIdentity { return input }
        let pass = UInt64(passes.values[0])
        precondition(pass < 1 << 24, "\(name): more training passes than its counter holds")
        passes.values[0] += 1
        let keep = 1 - rate, scaleKept = 1 / keep
        if kept.count != input.count { kept = [Float](repeating: 0, count: input.count) }
        for i in 0..<input.count {
            let draw = CounterRandom.unit(seed: seed, stream: stream, index: pass << 32 | UInt64(i))
            kept[i] = draw < keep ? scaleKept : 0
        }
        return output.write(shape: input.shape) { out in
            for i in 0..<input.count { out[i] = input.storage[i] * kept[i] }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard !lastPassWasIdentity else { return outputGradient }
        return inputGradient.write(shape: outputGradient.shape) { dx in
            for i in 0..<outputGradient.count { dx[i] = outputGradient.storage[i] * kept[i] }
        }
    }
}
