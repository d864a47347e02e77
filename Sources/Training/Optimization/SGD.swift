public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    public private(set) var velocities: [[Float]]

    public init(parameters: [Parameter], momentum: Float, nesterov: Bool, weightDecay: Float) {
        self.parameters = parameters
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        velocities = parameters.map { [Float](repeating: 0, count: $0.count) }
    }

    public func step(learningRate: Float) {
        let (mu, wd, lr, nesterov) = (momentum, weightDecay, learningRate, nesterov)
        for (index, parameter) in parameters.enumerated() {
            parameter.value.withUnsafeMutableBufferPointer { w in
                parameter.gradient.withUnsafeBufferPointer { g in
                    velocities[index].withUnsafeMutableBufferPointer { v in
                        if nesterov {
                            for i in 0..<w.count {
                                let grad = g[i] + wd * w[i]
                                let velocity = mu * v[i] + grad
                                v[i] = velocity
                                w[i] -= lr * (grad + mu * velocity)
                            }
                        } else {
                            for i in 0..<w.count {
                                let velocity = mu * v[i] + g[i] + wd * w[i]
                                v[i] = velocity
                                w[i] -= lr * velocity
                            }
                        }
                    }
                }
            }
        }
    }

    public func maskState(ofParameter index: Int, by mask: [Float]) {
        for i in velocities[index].indices where mask[i] == 0 { velocities[index][i] = 0 }
    }
}

// MARK: Checkpoints

extension SGD {
    public func saveState() -> MethodCheckpoint {
        var state = MethodCheckpoint()
        state.set("velocities", velocities)
        return state
    }

    public func restoreState(_ state: MethodCheckpoint) throws {
        velocities = try state.tensors("velocities", counts: parameters.map(\.count))
    }
}
