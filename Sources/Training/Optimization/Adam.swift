import Foundation

public final class Adam: Optimizer {
    public let parameters: [Parameter]
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    public private(set) var firstMoments: [[Float]]
    public private(set) var secondMoments: [[Float]]
    public private(set) var stepCount = 0

    public init(parameters: [Parameter], beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float) {
        self.parameters = parameters
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        firstMoments = parameters.map { [Float](repeating: 0, count: $0.count) }
        secondMoments = firstMoments
    }

    public func step(learningRate: Float) {
        stepCount += 1
        let (b1, b2, eps, wd) = (beta1, beta2, epsilon, weightDecay)
        let correction1 = 1 - powf(b1, Float(stepCount))
        let correction2 = 1 - powf(b2, Float(stepCount))
        let stepSize = learningRate / correction1
        let rootCorrection2 = correction2.squareRoot()
        for (index, parameter) in parameters.enumerated() {
            parameter.value.withUnsafeMutableBufferPointer { w in
                parameter.gradient.withUnsafeBufferPointer { g in
                    firstMoments[index].withUnsafeMutableBufferPointer { m in
                        secondMoments[index].withUnsafeMutableBufferPointer { v in
                            for i in 0..<w.count {
                                let grad = g[i] + wd * w[i]
                                m[i] = b1 * m[i] + (1 - b1) * grad
                                v[i] = b2 * v[i] + (1 - b2) * grad * grad
                                w[i] -= stepSize * m[i] / (v[i].squareRoot() / rootCorrection2 + eps)
                            }
                        }
                    }
                }
            }
        }
    }

    public func maskState(ofParameter index: Int, by mask: [Float]) {
        for i in firstMoments[index].indices where mask[i] == 0 {
            firstMoments[index][i] = 0
            secondMoments[index][i] = 0
        }
    }
}

// MARK: Checkpoints

extension Adam {
    public func saveState() -> MethodCheckpoint {
        var state = MethodCheckpoint()
        state.set("firstMoments", firstMoments)
        state.set("secondMoments", secondMoments)
        state.set("stepCount", stepCount)
        return state
    }

    public func restoreState(_ state: MethodCheckpoint) throws {
        let counts = parameters.map(\.count)
        firstMoments = try state.tensors("firstMoments", counts: counts)
        secondMoments = try state.tensors("secondMoments", counts: counts)
        stepCount = try state.integer("stepCount")
    }
}
