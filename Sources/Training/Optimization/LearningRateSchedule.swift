import Foundation

/// Learning rate as a function of the step: an optional linear warm-up followed by a decay.
public struct LearningRateSchedule: Sendable, Equatable, Codable {
    public enum Decay: Sendable, Equatable, Codable {
        case constant
        /// Multiply by `gamma` every `every` steps (counted after warm-up).
        case step(every: Int, gamma: Float)
        /// Half-cosine from the base rate down to `minimumFactor` x base at the last step.
        case cosine(minimumFactor: Float)
    }

    public var decay: Decay
    public var warmupSteps: Int

    public init(decay: Decay, warmupSteps: Int = 0) {
        self.decay = decay
        self.warmupSteps = warmupSteps
    }

    public static let constant = LearningRateSchedule(decay: .constant)
    public static let cosine = LearningRateSchedule(decay: .cosine(minimumFactor: 0))

    public var name: String {
        switch decay {
        case .constant: "constant"
        case .step: "step"
        case .cosine: "cosine"
        }
    }

    /// The rate for 0-based `step` of a run of `totalSteps` steps.
    public func rate(base: Float, step: Int, totalSteps: Int) -> Float {
        if step < warmupSteps { return base * Float(step + 1) / Float(warmupSteps) }
        let t = step - warmupSteps
        switch decay {
        case .constant:
            return base
        case let .step(every, gamma):
            return base * powf(gamma, Float(t / max(every, 1)))
        case let .cosine(minimumFactor):
            let span = max(totalSteps - warmupSteps, 1)
            let progress = min(Double(t) / Double(span), 1)
            let factor = Double(minimumFactor) + (1 - Double(minimumFactor)) * 0.5 * (1 + cos(Double.pi * progress))
            return base * Float(factor)
        }
    }
}
