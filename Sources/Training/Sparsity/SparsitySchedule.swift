import Foundation

/// The target sparsity as a function of the training step, and the steps at which
/// masks are recomputed.
public enum SparsitySchedule: Sendable, Equatable, Codable {
    /// The final target from the first step on (pruning at initialisation, static masks,
    /// or methods that manage their own timing such as RigL or SWAT).
    case constant
    /// Dense until `atStep`, then the final target at once (one-shot pruning + fine-tune).
    case oneShot(atStep: Int)
    /// Zhu & Gupta / TF-MOT PolynomialDecay: from `initial` at `beginStep` to the final
    /// target at `endStep`, updated every `frequency` steps,
    /// s(t) = final + (initial - final) * (1 - (t - begin) / (end - begin))^exponent.
    /// Exponent 3 is AGP, 1 is linear. Dense before `beginStep`.
    case polynomial(initial: Double, beginStep: Int, endStep: Int, frequency: Int, exponent: Double)
    /// `rounds` pruning rounds, `stepsPerRound` apart, the first at `stepsPerRound`; each
    /// prunes the same fraction of the remaining weights, so that after the last round
    /// the sparsity is the final target: s_r = 1 - (1 - final)^(r / rounds).
    case iterative(rounds: Int, stepsPerRound: Int)

    /// The gradual schedule of the methods that prune as training goes (magnitude,
    /// structured, movement, Taylor): AGP, cubic (Zhu & Gupta 2017, arXiv:1710.01878, §3),
    /// from 10% to 60% of a `totalSteps`-step run, 4 updates an epoch, then fine-tuning.
    public static func gradualDefault(totalSteps: Int, stepsPerEpoch: Int) -> SparsitySchedule {
        .polynomial(initial: 0, beginStep: totalSteps / 10, endStep: totalSteps * 6 / 10,
                    frequency: max(stepsPerEpoch / 4, 1), exponent: 3)
    }

    public var name: String {
        switch self {
        case .constant: "constant"
        case .oneShot: "one-shot"
        case .polynomial: "polynomial"
        case .iterative: "iterative"
        }
    }

    /// The target sparsity that applies after step `step` (0-based steps taken so far).
    public func sparsity(at step: Int, final: Double) -> Double {
        switch self {
        case .constant:
            return final
        case let .oneShot(atStep):
            return step >= atStep ? final : 0
        case let .polynomial(initial, begin, end, frequency, exponent):
            guard step >= begin else { return 0 }
            guard step < end, end > begin else { return final }
            // The value holds between updates: at the last update step at or before `step`.
            let updated = begin + (step - begin) / max(frequency, 1) * max(frequency, 1)
            let progress = Double(updated - begin) / Double(end - begin)
            return final + (initial - final) * pow(1 - progress, exponent)
        case let .iterative(rounds, stepsPerRound):
            let completed = min(step / max(stepsPerRound, 1), rounds)
            guard completed > 0 else { return 0 }
            return 1 - pow(1 - final, Double(completed) / Double(rounds))
        }
    }

    /// Whether masks are due for an update after `step` steps.
    public func isUpdateStep(_ step: Int) -> Bool {
        switch self {
        case .constant:
            return step == 0
        case let .oneShot(atStep):
            return step == atStep
        case let .polynomial(_, begin, end, frequency, _):
            return step >= begin && step <= end && ((step - begin) % max(frequency, 1) == 0 || step == end)
        case let .iterative(rounds, stepsPerRound):
            return step > 0 && step % max(stepsPerRound, 1) == 0 && step / max(stepsPerRound, 1) <= rounds
        }
    }

    /// The problem with this schedule's numbers, if any.
    public var validationError: String? {
        switch self {
        case .constant: return nil
        case let .oneShot(atStep): return atStep < 0 ? "one-shot step must be >= 0, got \(atStep)" : nil
        case let .polynomial(initial, begin, end, frequency, exponent):
            if !(0..<1).contains(initial) { return "initial sparsity must be in [0, 1), got \(initial)" }
            if begin < 0 || end < begin { return "need 0 <= begin <= end, got begin \(begin), end \(end)" }
            if frequency < 1 { return "frequency must be >= 1, got \(frequency)" }
            if !(exponent > 0) { return "exponent must be positive, got \(exponent)" }
            return nil
        case let .iterative(rounds, stepsPerRound):
            if rounds < 1 { return "rounds must be >= 1, got \(rounds)" }
            if stepsPerRound < 1 { return "steps per round must be >= 1, got \(stepsPerRound)" }
            return nil
        }
    }
}
