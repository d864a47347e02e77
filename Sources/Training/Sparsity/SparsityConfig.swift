/// What to sparsify and how. Unset schedule, budget and granularity take the method's
/// defaults; `options` holds the method's own parameters by name (see MethodRegistry).
public struct SparsityConfig: Sendable, Equatable, Codable {
    public var method = "dense"
    /// Final target sparsity over the prunable weights, in [0, 1).
    public var target = 0.0
    public var schedule: SparsitySchedule?
    public var budget: LayerBudget?
    public var granularity: Granularity?
    public var options: [String: Double] = [:]

    public init(method: String = "dense", target: Double = 0, schedule: SparsitySchedule? = nil,
                budget: LayerBudget? = nil, granularity: Granularity? = nil, options: [String: Double] = [:]) {
        self.method = method
        self.target = target
        self.schedule = schedule
        self.budget = budget
        self.granularity = granularity
        self.options = options
    }

    /// Everything wrong with this config, as key: problem.
    public func validationErrors() -> [String] {
        var errors: [String] = []
        if let problem = SettingRules.targetSparsity.problem(target) { errors.append("sparsity: \(problem)") }
        guard let descriptor = MethodRegistry.descriptor(named: method) else {
            errors.append("method: \(MethodRegistry.unknownMethodMessage(method))")
            return errors
        }
        if let problem = schedule?.validationError { errors.append("schedule: \(problem)") }
        if let problem = granularity?.validationError { errors.append("granularity: \(problem)") }
        if let budget, !(0...1).contains(budget.minimumDensity) {
            errors.append("budget: minimum density must be in [0, 1], found \(budget.minimumDensity)")
        }
        for key in options.keys.sorted() where descriptor.option(named: key) == nil {
            let known = descriptor.options.map(\.name).joined(separator: ", ")
            errors.append("\(method).\(key): unknown option; \(method) takes \(known.isEmpty ? "no options" : known)")
        }
        for option in descriptor.options {
            if let value = options[option.name], !option.accepts(value) {
                errors.append("\(method).\(option.name): expected \(option.rangeDescription), found \(Format.plain(value))")
            }
        }
        if let granularity, granularity != .weights, !descriptor.honorsGranularity {
            errors.append("granularity: \(method) chooses single weights itself; \(granularity.name) does not apply")
        }
        if errors.isEmpty {
            errors += descriptor.validate(MethodOptions(values: options, descriptor: descriptor)).map { "\(method).\($0)" }
        }
        return errors
    }
}
