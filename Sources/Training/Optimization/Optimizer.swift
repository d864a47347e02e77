/// Which optimizer to use and its hyper-parameters (the learning rate is separate: it
/// follows the schedule and the live knob).
public enum OptimizerConfig: Sendable, Equatable, Codable {
    /// PyTorch's SGD: g += wd·w; v = μ·v + g; step = nesterov ? g + μ·v : v.
    case sgd(momentum: Float, nesterov: Bool, weightDecay: Float)
    /// PyTorch's Adam with L2 weight decay added to the gradient.
    case adam(beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float)

    public static let defaultSGD = OptimizerConfig.sgd(momentum: 0.9, nesterov: true, weightDecay: 5e-4)
    public static let defaultAdam = OptimizerConfig.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0)

    public var name: String {
        switch self {
        case .sgd: "sgd"
        case .adam: "adam"
        }
    }

    public func makeOptimizer(for parameters: [Parameter]) -> Optimizer {
        switch self {
        case let .sgd(momentum, nesterov, weightDecay):
            SGD(parameters: parameters, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
        case let .adam(beta1, beta2, epsilon, weightDecay):
            Adam(parameters: parameters, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
        }
    }
}

/// Updates parameters in place from their gradients. Owns per-parameter state
/// (velocities, moments) in the order of the parameter list it was made for.
public protocol Optimizer: AnyObject {
    func step(learningRate: Float)
    /// Zeroes the per-weight state (momentum, moments) of parameter `index` where `mask`
    /// is 0, so a pruned or regrown weight does not inherit a stale velocity.
    func maskState(ofParameter index: Int, by mask: [Float])
    /// The per-weight state (velocities, moments) and counters, for a checkpoint.
    func saveState() -> MethodCheckpoint
    /// Puts back what `saveState` returned; throws when it does not fit the parameters.
    func restoreState(_ state: MethodCheckpoint) throws
}
