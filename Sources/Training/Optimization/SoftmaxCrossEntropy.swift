import Foundation

/// Mean softmax cross-entropy over a batch of logits [batch, classes].
public enum SoftmaxCrossEntropy {
    public struct Result: Sendable {
        /// Mean loss over the batch (accumulated in Double); NaN/inf when the logits are.
        public var loss: Double
        /// dLoss/dLogits, already divided by the batch size.
        public var gradient: Tensor
        /// Samples whose largest logit is their label.
        public var correct: Int
    }

    public static func evaluate(logits: Tensor, labels: UnsafeBufferPointer<Int32>) -> Result {
        var gradient = ReusedTensor()
        return evaluate(logits: logits, labels: labels, gradientInto: &gradient)
    }

    /// `evaluate(logits:labels:)` with the gradient written into `gradientBuffer`, which
    /// a training loop keeps from step to step.
    static func evaluate(logits: Tensor, labels: UnsafeBufferPointer<Int32>, gradientInto gradientBuffer: inout ReusedTensor) -> Result {
        let batch = logits.batchSize, classes = logits.sampleSize
        precondition(labels.count == batch)
        var loss = 0.0
        var correct = 0
        let scale = 1 / Float(batch)
        let gradient = gradientBuffer.write(shape: logits.shape) { grad in
            logits.storage.withUnsafeBufferPointer { z in
                for row in 0..<batch {
                    let base = row * classes
                    var maxValue = z[base], argmax = 0
                    for j in 1..<classes where z[base + j] > maxValue {
                        maxValue = z[base + j]
                        argmax = j
                    }
                    var sum: Float = 0
                    for j in 0..<classes {
                        let e = expf(z[base + j] - maxValue)
                        grad[base + j] = e
                        sum += e
                    }
                    let label = Int(labels[row])
                    if argmax == label { correct += 1 }
                    loss += Double(logf(sum) - (z[base + label] - maxValue))
                    let inverse = scale / sum
                    for j in 0..<classes { grad[base + j] *= inverse }
                    grad[base + label] -= scale
                }
            }
        }
        return Result(loss: loss / Double(batch), gradient: gradient, correct: correct)
    }
}
