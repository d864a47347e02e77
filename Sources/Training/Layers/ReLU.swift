public final class ReLU: Layer {
    public let name: String
    private var cachedOutput = Tensor(shape: [0])
    /// Exact zeros among the outputs of the last evaluation (not training) forward pass.
    public private(set) var lastEvaluationZeros = 0
    public private(set) var lastEvaluationElements = 0

    public init(name: String) { self.name = name }

    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

    public func describe(inputShape: [Int], into description: inout NetworkDescription.Builder) {
        description.append(.init(name: name, kind: .relu, inputShape: inputShape, outputShape: inputShape,
                                 elementOperations: inputShape.reduce(1, *)))
    }

    public var evaluationZeros: ActivationZeroCount? {
        ActivationZeroCount(layer: name, elements: lastEvaluationElements, zeros: lastEvaluationZeros)
    }

    public func forward(_ input: Tensor, isTraining: Bool) -> Tensor {
        let output = Tensor(shape: input.shape) { out in
            input.storage.withUnsafeBufferPointer { x in
                for i in 0..<x.count { out[i] = max(x[i], 0) }
            }
        }
        if isTraining {
            cachedOutput = output
        } else {
            lastEvaluationZeros = output.storage.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
            lastEvaluationElements = output.count
        }
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        return Tensor(shape: outputGradient.shape) { dx in
            outputGradient.storage.withUnsafeBufferPointer { dy in
                cachedOutput.storage.withUnsafeBufferPointer { y in
                    // Both loads are unconditional so the select vectorises (no branch).
                    for i in 0..<dy.count {
                        let gradient = dy[i]
                        dx[i] = y[i] > 0 ? gradient : 0
                    }
                }
            }
        }
    }
}
