/// Fully connected layer, y = x Wᵀ + b, with W stored [outputs, inputs] as in PyTorch.
/// Any input shape is flattened per sample.
public final class Dense: Layer {
    public let name: String
    public let inputCount: Int
    public let outputCount: Int
    public let weight: Parameter
    public let bias: Parameter
    private var cachedInput = Tensor(shape: [0])

    public init(name: String, inputs: Int, outputs: Int, seed: UInt64, firstParameterIndex: Int) {
        self.name = name
        inputCount = inputs
        outputCount = outputs
        weight = Parameter(name: "\(name).weight", shape: [outputs, inputs], role: .weight,
                           index: firstParameterIndex,
                           value: ParameterInitializer.weights(count: outputs * inputs, fanIn: inputs,
                                                               seed: seed, parameterIndex: firstParameterIndex))
        bias = Parameter(name: "\(name).bias", shape: [outputs], role: .bias, index: firstParameterIndex + 1,
                         value: [Float](repeating: 0, count: outputs))
    }

    public var parameters: [Parameter] { [weight, bias] }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.reduce(1, *) == inputCount, "\(name) expects \(inputCount) inputs, got \(inputShape)")
        return [outputCount]
    }

    public func forwardMACs(inputShape: [Int]) -> Int { inputCount * outputCount }

    public func forward(_ input: Tensor, isTraining: Bool) -> Tensor {
        let batch = input.batchSize
        precondition(input.sampleSize == inputCount, "\(name) expects \(inputCount) inputs per sample")
        if isTraining { cachedInput = input }
        let outputs = outputCount, inputs = inputCount
        return Tensor(shape: [batch, outputs]) { out in
            bias.value.withUnsafeBufferPointer { b in
                for row in 0..<batch {
                    (out.baseAddress! + row * outputs).update(from: b.baseAddress!, count: outputs)
                }
            }
            input.storage.withUnsafeBufferPointer { x in
                weight.value.withUnsafeBufferPointer { w in
                    sgemm(transposeA: false, transposeB: true, m: batch, n: outputs, k: inputs,
                          a: x.baseAddress!, b: w.baseAddress!, beta: 1, c: out.baseAddress!)
                }
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        let batch = outputGradient.batchSize
        let outputs = outputCount, inputs = inputCount
        outputGradient.storage.withUnsafeBufferPointer { dy in
            cachedInput.storage.withUnsafeBufferPointer { x in
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    sgemm(transposeA: true, transposeB: false, m: outputs, n: inputs, k: batch,
                          a: dy.baseAddress!, b: x.baseAddress!, beta: 0, c: dw.baseAddress!)
                }
            }
            bias.gradient.withUnsafeMutableBufferPointer { db in
                db.update(repeating: 0)
                for row in 0..<batch {
                    let base = row * outputs
                    for j in 0..<outputs { db[j] += dy[base + j] }
                }
            }
        }
        guard needsInputGradient else { return nil }
        return Tensor(shape: cachedInput.shape) { dx in
            outputGradient.storage.withUnsafeBufferPointer { dy in
                weight.value.withUnsafeBufferPointer { w in
                    sgemm(transposeA: false, transposeB: false, m: batch, n: inputs, k: outputs,
                          a: dy.baseAddress!, b: w.baseAddress!, beta: 0, c: dx.baseAddress!)
                }
            }
        }
    }
}
