public final class ReLU: Layer {
    public let name: String
    /// The output of the last training pass (its backward's mask) and the input gradient.
    private var output = ReusedTensor(), inputGradient = ReusedTensor()
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
        if isTraining {
            return output.write(shape: input.shape) { out in
                input.storage.withUnsafeBufferPointer { x in
                    _ = Self.rectify(x.baseAddress!, into: out.baseAddress!, count: x.count, countingZeros: false)
                }
            }
        }
        var zeros = 0
        let result = Tensor(shape: input.shape) { out in
            input.storage.withUnsafeBufferPointer { x in
                zeros = Self.rectify(x.baseAddress!, into: out.baseAddress!, count: x.count, countingZeros: true)
            }
        }
        lastEvaluationZeros = zeros
        lastEvaluationElements = result.count
        return result
    }

    /// out = max(x, 0), eight lanes at a time; with `countingZeros`, the exact zeros among
    /// the outputs (else 0).
    private static func rectify(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int,
                                countingZeros: Bool) -> Int {
        typealias Lanes = SIMD8<Float>
        let source = UnsafeRawPointer(x), destination = UnsafeMutableRawPointer(out)
        var zeroLanes = SIMD8<Int32>(), i = 0
        while i + 8 <= count {
            let value = pointwiseMax(source.loadUnaligned(fromByteOffset: i * 4, as: Lanes.self), Lanes())
            destination.storeBytes(of: value, toByteOffset: i * 4, as: Lanes.self)
            if countingZeros { zeroLanes &-= unsafeBitCast(value .== Lanes(), to: SIMD8<Int32>.self) }
            i += 8
        }
        var zeros = countingZeros ? Int(zeroLanes.wrappedSum()) : 0
        while i < count {
            out[i] = max(x[i], 0)
            if countingZeros && out[i] == 0 { zeros += 1 }
            i += 1
        }
        return zeros
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        return inputGradient.write(shape: outputGradient.shape) { dx in
            outputGradient.storage.withUnsafeBufferPointer { dy in
                output.current.storage.withUnsafeBufferPointer { y in
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
