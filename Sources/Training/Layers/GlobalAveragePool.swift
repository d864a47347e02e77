/// Averages each channel of a [channels, height, width] input over its positions, giving
/// [channels] (the pooling before a ResNet's classifier, He et al. 2016, arXiv:1512.03385, §4.2).
public final class GlobalAveragePool: Layer {
    public let name: String
    private var cachedShape: [Int] = []
    /// A training pass's output and input gradient, rewritten at each step.
    private var output = ReusedTensor(), inputGradient = ReusedTensor()

    public init(name: String) { self.name = name }

    public func expectation(for inputShape: [Int]) -> String? {
        inputShape.count == 3 ? nil : "[channels, height, width]"
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.count == 3, "\(name) expects [channels, height, width], got \(inputShape)")
        return [inputShape[0]]
    }

    public func describe(inputShape: [Int], into description: inout NetworkDescription.Builder) {
        description.append(.init(name: name, kind: .averagePool, inputShape: inputShape, outputShape: outputShape(for: inputShape),
                                 geometry: .init(inChannels: inputShape[0], outChannels: inputShape[0],
                                                 kernel: inputShape[1], stride: 1, padding: 0),
                                 elementOperations: inputShape.reduce(1, *)))
    }

    public func forward(_ input: Tensor, isTraining: Bool) -> Tensor {
        if isTraining {
            cachedShape = input.shape
            return output.write(input.shape[0], input.shape[1]) { Self.average(input, into: $0) }
        }
        return Tensor(shape: [input.shape[0], input.shape[1]]) { Self.average(input, into: $0) }
    }

    private static func average(_ input: Tensor, into out: UnsafeMutableBufferPointer<Float>) {
        let planes = input.shape[0] * input.shape[1], positions = input.shape[2] * input.shape[3]
        input.storage.withUnsafeBufferPointer { x in
            for plane in 0..<planes {
                var sum: Float = 0
                for p in 0..<positions { sum += x[plane * positions + p] }
                out[plane] = sum / Float(positions)
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        let positions = cachedShape[2] * cachedShape[3]
        return inputGradient.write(shape: cachedShape) { dx in
            outputGradient.storage.withUnsafeBufferPointer { dy in
                for plane in 0..<dy.count {
                    let share = dy[plane] / Float(positions)
                    for p in 0..<positions { dx[plane * positions + p] = share }
                }
            }
        }
    }
}
