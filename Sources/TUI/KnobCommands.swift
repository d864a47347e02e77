import Foundation
import Recipes
import Training

/// What turning or typing a knob asks of the trainer, given the run as the latest
/// snapshot shows it. Pure: the app sends the command, the trainer validates it again.
public enum KnobCommands {
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The command for one step of `knob` up (+1) or down (-1).
    public static func step(_ knob: Knob, by direction: Int, snapshot: TrainingSnapshot) -> Result<TrainerCommand, Refusal> {
        let sparsity = snapshot.sparsity
        let total = snapshot.totalSteps
        switch knob {
        case .method:
            // The dashboard proposes this one first (`MethodSwitchProposal`); a script switches.
            return .success(.setMethod(MethodSwitchProposal.method(after: sparsity.method, steps: direction)))
        case .target:
            let value = ((sparsity.target + 0.05 * Double(direction)) * 100).rounded() / 100
            if direction > 0 && sparsity.target >= stepLimit {
                return .failure(Refusal(description: "target sparsity: + stops at \(Format.fraction(stepLimit)); "
                                        + "press Enter to type a higher one (below 1)"))
            }
            if direction < 0 && sparsity.target <= 0 { return .failure(Refusal(description: "target sparsity: already 0")) }
            return .success(.setTargetSparsity(min(max(value, 0), stepLimit)))
        case .learningRate:
            return .success(.setLearningRate(Float(learningRateStep(from: Double(snapshot.baseLearningRate), direction: direction))))
        case .budget:
            let names = LayerBudget.Distribution.names
            let index = names.firstIndex(of: sparsity.activeBudget.name) ?? 0
            var budget = sparsity.activeBudget
            budget.distribution = (try? LayerBudget.Distribution.parse(names[(index + direction + names.count) % names.count])) ?? .global
            return .success(.setLayerBudget(budget))
        case .pace:
            return paceStep(from: snapshot, direction: direction).map {
                .setPace(RunPace(stepsPerSecond: $0, pausesAtPhaseChanges: snapshot.pace.pausesAtPhaseChanges))
            }
        case .scheduleBegin, .scheduleEnd, .frequency, .exponent:
            let stride = max(total / 20, 1)
            return schedule(sparsity.activeSchedule, knob: knob, change: { value, isSteps in
                isSteps ? value + Double(direction * stride) : value + Double(direction)
            }).map(TrainerCommand.setSparsitySchedule)
        }
    }

    /// Where `+` stops the target: higher values are typed.
    static let stepLimit = 0.99

    /// The next learning rate on the ladder 1, 1.5, 2, 3, 5, 7 (x 10^k) above or below
    /// `rate`: steps of 1.4-1.7x that always land on a round number, from any value.
    static func learningRateStep(from rate: Double, direction: Int) -> Double {
        let decade = pow(10, (log10(rate)).rounded(.down))
        let ladder = [0.7, 1, 1.5, 2, 3, 5, 7, 10, 15].map { Double(String(format: "%.3g", $0 * decade))! }
        return direction > 0 ? ladder.first { $0 > rate * (1 + 1e-6) }! : ladder.last { $0 < rate * (1 - 1e-6) }!
    }

    /// Steps per second the pace knob moves along; past the top is full speed.
    static let paceLadder: [Double] = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]

    /// The next pace (nil: full speed). Down from full speed goes to the ladder's value
    /// just under the rate the run trains at now, so the first press visibly slows it.
    static func paceStep(from snapshot: TrainingSnapshot, direction: Int) -> Result<Double?, Refusal> {
        guard let rate = snapshot.pace.stepsPerSecond else {
            if direction > 0 { return .failure(Refusal(description: "pace: already full speed")) }
            let samplesPerStep = snapshot.step > 0 ? Double(snapshot.samplesSeen) / Double(snapshot.step) : 1
            let trainingRate = snapshot.samplesPerSecond / max(samplesPerStep, 1)
            return .success(paceLadder.last { $0 < trainingRate } ?? paceLadder[0])
        }
        if direction > 0 { return .success(paceLadder.first { $0 > rate * (1 + 1e-9) }) }
        guard let slower = paceLadder.last(where: { $0 < rate * (1 - 1e-9) }) else {
            return .failure(Refusal(description: "pace: - stops at \(Format.plain(paceLadder[0])) steps/s; press Enter to type a lower one"))
        }
        return .success(slower)
    }

    /// The command for a typed value.
    public static func typed(_ text: String, for knob: Knob, snapshot: TrainingSnapshot) -> Result<TrainerCommand, Refusal> {
        let text = text.trimmingCharacters(in: .whitespaces)
        switch knob {
        case .method:
            return .success(.setMethod(text))
        case .pace:
            guard let pace = RunPace(typed: text, pausesAtPhaseChanges: snapshot.pace.pausesAtPhaseChanges) else {
                return .failure(Refusal(description: "pace: expected \(RunPace.expectedText), found '\(text)'"))
            }
            return .success(.setPace(pace))
        case .target:
            guard let value = Double(text) else {
                return .failure(Refusal(description: "target sparsity: expected \(SettingRules.targetSparsity.expected), found '\(text)'"))
            }
            return .success(.setTargetSparsity(value))
        case .learningRate:
            guard let value = Float(text) else {
                return .failure(Refusal(description: "learning rate: expected \(SettingRules.learningRate.expected), found '\(text)'"))
            }
            return .success(.setLearningRate(value))
        case .budget:
            // A recipe's words and message (`RecipeChoice`), as the command bar's `budget`.
            var budget = snapshot.sparsity.activeBudget
            return RecipeChoice.budgetDistribution(text)
                .map { distribution in
                    budget.distribution = distribution
                    return .setLayerBudget(budget)
                }
                .mapError { Refusal(description: "budget: \($0)") }
        case .scheduleBegin, .scheduleEnd, .frequency, .exponent:
            guard let value = Double(text), value.isFinite else {
                return .failure(Refusal(description: "\(knob.rawValue): expected a number, found '\(text)'"))
            }
            // A typed value is taken as it is or refused, never clamped or rounded: steps are
            // whole numbers, and the schedule must stay valid (0 <= begin <= end, frequency >= 1).
            if knob != .exponent && value != value.rounded() {
                return .failure(Refusal(description: "\(knob.rawValue): expected a whole number of steps, found \(text)"))
            }
            return schedule(snapshot.sparsity.activeSchedule, knob: knob, clamps: false, change: { _, _ in value }).flatMap { typed in
                typed.validationError.map { .failure(Refusal(description: "\(knob.rawValue): \($0)")) } ?? .success(typed)
            }.map(TrainerCommand.setSparsitySchedule)
        }
    }

    /// The schedule with one parameter changed; `change` gets the old value and whether it
    /// counts steps (begin, end) or not (frequency, exponent). With `clamps` (a +/- step)
    /// the value stops at the parameter's bounds; without (a typed value) it is taken as
    /// it is, for the caller to validate.
    static func schedule(_ schedule: SparsitySchedule, knob: Knob, clamps: Bool = true,
                         change: (Double, Bool) -> Double) -> Result<SparsitySchedule, Refusal> {
        // Not Int(_:), which traps beyond Int's range (a typed "1e99"); the trainer refuses what is too big.
        func steps(_ value: Double) -> Int { value.isFinite ? Int(Swift.min(Swift.max(value, -1e15), 1e15)) : 0 }
        func max(_ value: Int, _ bound: Int) -> Int { clamps ? Swift.max(value, bound) : value }
        func max(_ value: Double, _ bound: Double) -> Double { clamps ? Swift.max(value, bound) : value }
        switch (schedule, knob) {
        case let (.polynomial(initial, begin, end, frequency, exponent), _):
            switch knob {
            case .scheduleBegin:
                return .success(.polynomial(initial: initial, beginStep: max(steps(change(Double(begin), true)), 0), endStep: end,
                                            frequency: frequency, exponent: exponent))
            case .scheduleEnd:
                return .success(.polynomial(initial: initial, beginStep: begin, endStep: max(steps(change(Double(end), true)), begin),
                                            frequency: frequency, exponent: exponent))
            case .frequency:
                return .success(.polynomial(initial: initial, beginStep: begin, endStep: end,
                                            frequency: max(steps(change(Double(frequency), false)), 1), exponent: exponent))
            default:
                return .success(.polynomial(initial: initial, beginStep: begin, endStep: end, frequency: frequency,
                                            exponent: max(change(exponent, false), 1)))
            }
        case let (.oneShot(atStep), .scheduleBegin), let (.oneShot(atStep), .scheduleEnd):
            return .success(.oneShot(atStep: max(steps(change(Double(atStep), true)), 0)))
        case let (.iterative(rounds, stepsPerRound), .frequency):
            return .success(.iterative(rounds: rounds, stepsPerRound: max(steps(change(Double(stepsPerRound), true)), 1)))
        default:
            return .failure(Refusal(description: "the \(schedule.name) schedule has no \(knob.rawValue)"))
        }
    }
}
