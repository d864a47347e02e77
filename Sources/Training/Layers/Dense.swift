import Foundation

/// Fully connected layer, y = x Wᵀ + b, with W stored [outputs, inputs] as in PyTorch.
/// Any input shape is flattened per sample.
public final class Dense: Layer, ActivationSparsifiable {
    public let name: String
    public let inputCount: Int
    public let outputCount: Int
    public let weight: Parameter
    public let bias: Parameter
    /// The input of the current training pass, until its backward pass lets go of it (so
    /// that the layer before can rewrite that buffer at the next step).
    private var cachedInput = Tensor.empty
    /// The input as sparsified for the weight gradient (SWAT), the output and the input gradient.
    private var sparseInput = ReusedTensor(), output = ReusedTensor(), inputGradient = ReusedTensor()
    /// When set, the input kept for the weight gradient is sparsified by it (SWAT); the
    /// forward pass and the input gradient are unchanged. Nil costs one check per step.
    public weak var activationSparsifier: (any ActivationSparsifier)?

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

    public func expectation(for inputShape: [Int]) -> String? {
        inputShape.reduce(1, *) == inputCount ? nil : "\(inputCount) inputs"
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.reduce(1, *) == inputCount, "\(name) expects \(inputCount) inputs, got \(inputShape)")
        return [outputCount]
    }

    public func forwardMACs(inputShape: [Int]) -> Int { inputCount * outputCount }

    public func describe(inputShape: [Int], into description: inout NetworkDescription.Builder) {
        description.append(.init(
            name: name, kind: .linear, inputShape: inputShape, outputShape: [outputCount],
            geometry: .init(inChannels: inputCount, outChannels: outputCount, kernel: 1, stride: 1, padding: 0),
            weight: weight.name,
            initialization: .init(scheme: "he-uniform", fanIn: inputCount,
                                  bound: ParameterInitializer.heUniformBound(fanIn: inputCount), stream: weight.index),
            parameterCount: weight.count + bias.count, forwardMACs: inputCount * outputCount, elementOperations: outputCount))
    }

    public func forward(_ input: Tensor, isTraining: Bool) -> Tensor {
        let batch = input.batchSize
        precondition(input.sampleSize == inputCount, "\(name) expects \(inputCount) inputs per sample")
        if isTraining {
            cachedInput = input
            if let sparsifier = activationSparsifier {
                // A copy: `input` itself (and the forward below) stays dense.
                cachedInput = sparseInput.write(shape: input.shape) { copy in
                    input.storage.withUnsafeBufferPointer { copy.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
                    sparsifier.sparsifyActivations(copy)
                }
            }
        }
        return isTraining ? output.write(batch, outputCount) { affine(input, batch: batch, into: $0) }
            : Tensor(shape: [batch, outputCount]) { affine(input, batch: batch, into: $0) }
    }

    /// out = x Wᵀ + b for `batch` rows of x.
    private func affine(_ input: Tensor, batch: Int, into out: UnsafeMutableBufferPointer<Float>) {
        let outputs = outputCount, inputs = inputCount
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
        let shape = cachedInput.shape
        cachedInput = .empty
        guard needsInputGradient else { return nil }
        return inputGradient.write(shape: shape) { dx in
            outputGradient.storage.withUnsafeBufferPointer { dy in
                weight.value.withUnsafeBufferPointer { w in
                    sgemm(transposeA: false, transposeB: false, m: batch, n: inputs, k: outputs,
                          a: dy.baseAddress!, b: w.baseAddress!, beta: 0, c: dx.baseAddress!)
                }
            }
        }
    }
}

// MARK: - Activation sparsification hook (SWAT)

/// Sparsifies a layer's input for its weight gradient only: SWAT (Raihan & Aamodt 2020,
/// arXiv:2001.01969, §3.3, Eq. 3) computes dW = H(∇a_l, Top-K(a_{l-1})) while the
/// forward pass uses the dense activations.
public protocol ActivationSparsifier: AnyObject {
    /// Sparsifies in place the input of the current training batch (the whole mini-batch
    /// tensor, flattened) from which the layer will compute its weight gradient.
    func sparsifyActivations(_ values: UnsafeMutableBufferPointer<Float>)
}

/// A layer (Dense, Conv2D) whose weight gradient can be computed from sparsified inputs.
public protocol ActivationSparsifiable: AnyObject {
    var weight: Parameter { get }
    /// Held weakly: when its owner goes away (e.g. the method is switched) the layer is
    /// dense again.
    var activationSparsifier: (any ActivationSparsifier)? { get set }
}
