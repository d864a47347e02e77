public final class Flatten: Layer {
    public let name: String
    private var cachedShape: [Int] = []
    /// The [batch, features] shape last given, kept so a pass builds no new array.
    private var flatShape: [Int] = []

    public init(name: String) { self.name = name }

    public func outputShape(for inputShape: [Int]) -> [Int] { [inputShape.reduce(1, *)] }

    public func describe(inputShape: [Int], into description: inout NetworkDescription.Builder) {
        description.append(.init(name: name, kind: .flatten, inputShape: inputShape, outputShape: outputShape(for: inputShape)))
    }

    public func forward(_ input: Tensor, isTraining: Bool) -> Tensor {
        if isTraining { cachedShape = input.shape }
        let (batch, features) = (input.batchSize, input.sampleSize)
        if !(flatShape.count == 2 && flatShape[0] == batch && flatShape[1] == features) { flatShape = [batch, features] }
        return Tensor(shape: flatShape, storage: input.storage)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        needsInputGradient ? Tensor(shape: cachedShape, storage: outputGradient.storage) : nil
    }
}
