/// The text forms of sparsity settings, shared by the command line, typed knob values
/// and recipes. Each parser throws a message saying what was expected.
extension SparsitySchedule {
    public static let syntax = "constant, oneshot:STEP, agp:BEGIN:END:EVERY[:EXPONENT] or iterative:ROUNDS:STEPS (in steps)"

    public static func parse(_ text: String) throws -> SparsitySchedule {
        let parts = text.lowercased().split(separator: ":").map(String.init)
        let numbers = parts.dropFirst().map { Double($0) }
        func fail() -> SparsityError { .invalidConfig(["schedule: expected \(syntax), found '\(text)'"]) }
        guard !numbers.contains(where: { $0 == nil }) else { throw fail() }
        let values = numbers.map { $0! }
        let schedule: SparsitySchedule
        switch (parts.first, values.count) {
        case ("constant", 0): schedule = .constant
        case ("oneshot", 1): schedule = .oneShot(atStep: Int(values[0]))
        case ("agp", 3), ("agp", 4):
            schedule = .polynomial(initial: 0, beginStep: Int(values[0]), endStep: Int(values[1]),
                                   frequency: Int(values[2]), exponent: values.count == 4 ? values[3] : 3)
        case ("iterative", 2): schedule = .iterative(rounds: Int(values[0]), stepsPerRound: Int(values[1]))
        default: throw fail()
        }
        if let problem = schedule.validationError { throw SparsityError.invalidConfig(["schedule: \(problem)"]) }
        return schedule
    }
}

extension LayerBudget.Distribution {
    public static let names = ["global", "uniform", "er", "erk"]

    public static func parse(_ text: String) throws -> LayerBudget.Distribution {
        switch text.lowercased() {
        case "global": return .global
        case "uniform": return .uniform
        case "er": return .erdosRenyi
        case "erk": return .erdosRenyiKernel
        default: throw SparsityError.invalidConfig(["budget: expected one of \(names.joined(separator: ", ")), found '\(text)'"])
        }
    }
}

extension Granularity {
    public static let syntax = "weights, neurons or N:M (e.g. 2:4)"

    public static func parse(_ text: String) throws -> Granularity {
        switch text.lowercased() {
        case "weights": return .weights
        case "neurons", "filters": return .neurons
        default:
            let parts = text.split(separator: ":")
            guard parts.count == 2, let n = Int(parts[0]), let m = Int(parts[1]) else {
                throw SparsityError.invalidConfig(["granularity: expected \(syntax), found '\(text)'"])
            }
            let granularity = Granularity.nOfM(n: n, m: m)
            if let problem = granularity.validationError { throw SparsityError.invalidConfig(["granularity: \(problem)"]) }
            return granularity
        }
    }
}
