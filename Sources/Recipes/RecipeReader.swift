import Training

/// Turns a recipe's tree into a `Recipe`, collecting every problem with its location
/// instead of stopping at the first.
struct RecipeReader {
    private(set) var diagnostics: [RecipeDiagnostic] = []

    mutating func read(_ root: RecipeNode) -> Recipe {
        var recipe = Recipe()
        guard let top = mapping(root, key: nil) else { return recipe }
        checkKeys(top, path: "")
        var config = RunConfig()
        if let node = value(top, "model") { readModel(node, into: &config, locations: &recipe.layerLocations) }
        if let node = value(top, "data") { readData(node, into: &recipe, config: &config) }
        if let node = value(top, "seed") { config.seed = UInt64(integer(node, "seed", 0...Int.max) ?? 0) }
        if let node = value(top, "epochs") { config.epochs = integer(node, "epochs", 1...1_000_000) ?? config.epochs }
        if let node = value(top, "batch") { config.batchSize = integer(node, "batch", 1...1_000_000) ?? config.batchSize }
        if let node = value(top, "threads") { config.threads = integer(node, "threads", 1...256) ?? config.threads }
        if let node = value(top, "eval_every") {
            recipe.evaluateEvery = length(node, "eval_every", positive: true)
        }
        if let node = value(top, "optimizer") { readOptimizer(node, into: &config) }
        if let node = value(top, "lr_schedule") { readLearningRateSchedule(node, into: &config, recipe: &recipe) }
        var methodNode: RecipeNode?
        if let node = value(top, "method") {
            methodNode = node
            readMethod(node, into: &config.sparsity)
        }
        if let node = value(top, "schedule") {
            recipe.schedule = readSchedule(node, into: &config.sparsity)
            recipe.scheduleLocation = node.location
        }
        if let node = value(top, "budget") { config.sparsity.budget = readBudget(node, method: config.sparsity.method, config: config) }
        if let node = value(top, "granularity"), let text = string(node, "granularity") {
            do { config.sparsity.granularity = try Granularity.parse(text) } catch {
                report(node, "granularity", "expected \(Granularity.syntax), found '\(text)'")
            }
        }
        if let node = value(top, "pace") { recipe.pace = readPace(node) }
        // What only the method can judge (option combinations, granularity it cannot honour).
        if diagnostics.isEmpty {
            for problem in config.sparsity.validationErrors() {
                report(methodNode ?? root, nil, problem)
            }
        }
        recipe.config = config
        return recipe
    }

    // MARK: Sections

    private mutating func readOptimizer(_ node: RecipeNode, into config: inout RunConfig) {
        guard let section = mapping(node, key: "optimizer") else { return }
        checkKeys(section, path: "optimizer")
        let name = value(section, "name").flatMap { choice($0, "optimizer.name", ["sgd", "adam"]) } ?? "sgd"
        let adamOnly = ["beta1", "beta2", "epsilon"], sgdOnly = ["momentum", "nesterov"]
        for entry in section where (name == "sgd" ? adamOnly : sgdOnly).contains(entry.key) {
            report(entry.keyLocation, "optimizer.\(entry.key)", "applies to \(name == "sgd" ? "adam" : "sgd"), not \(name)")
        }
        func number(_ key: String, _ range: ClosedRange<Double>, open: Bool = false, default value: Double) -> Float {
            guard let node = self.value(section, key) else { return Float(value) }
            return Float(self.number(node, "optimizer.\(key)", range, openUpper: open) ?? value)
        }
        if let node = value(section, "lr") {
            config.learningRate = Float(self.number(node, "optimizer.lr", SettingRules.learningRate) ?? 0.05)
        } else if name == "adam" {
            config.learningRate = RunConfig.defaultAdamLearningRate
        }
        switch name {
        case "adam":
            config.optimizer = .adam(beta1: number("beta1", 0...1, open: true, default: 0.9),
                                     beta2: number("beta2", 0...1, open: true, default: 0.999),
                                     epsilon: number("epsilon", 1e-30...1, default: 1e-8),
                                     weightDecay: number("weight_decay", 0...1e3, default: 0))
        default:
            let nesterov = value(section, "nesterov").flatMap { boolean($0, "optimizer.nesterov") }
            let momentum = number("momentum", 0...1, open: true, default: 0.9)
            config.optimizer = .sgd(momentum: momentum, nesterov: nesterov ?? (momentum > 0),
                                    weightDecay: number("weight_decay", 0...1e3, default: 5e-4))
        }
    }

    private mutating func readLearningRateSchedule(_ node: RecipeNode, into config: inout RunConfig, recipe: inout Recipe) {
        guard let section = mapping(node, key: "lr_schedule") else { return }
        checkKeys(section, path: "lr_schedule")
        let kind = value(section, "kind").flatMap { choice($0, "lr_schedule.kind", ["constant", "cosine", "step"]) } ?? "cosine"
        let stepOnly = ["every", "gamma"], cosineOnly = ["min_factor"]
        for entry in section {
            if (stepOnly.contains(entry.key) && kind != "step") || (cosineOnly.contains(entry.key) && kind != "cosine") {
                report(entry.keyLocation, "lr_schedule.\(entry.key)", "does not apply to a \(kind) schedule")
            }
        }
        if let node = value(section, "warmup") { recipe.warmup = length(node, "lr_schedule.warmup") ?? .steps(0) }
        switch kind {
        case "constant":
            config.learningRateSchedule = .constant
        case "step":
            config.learningRateSchedule = LearningRateSchedule(decay: .step(every: 1, gamma: 0.1))
            if let node = value(section, "every") { recipe.learningRateStepEvery = length(node, "lr_schedule.every", positive: true) }
            if let node = value(section, "gamma") {
                recipe.learningRateStepGamma = Float(number(node, "lr_schedule.gamma", 0...1e3, positive: true) ?? 0.1)
            }
        default:
            let minimum = value(section, "min_factor").flatMap { number($0, "lr_schedule.min_factor", 0...1) } ?? 0
            config.learningRateSchedule = LearningRateSchedule(decay: .cosine(minimumFactor: Float(minimum)))
        }
    }

    private mutating func readMethod(_ node: RecipeNode, into sparsity: inout SparsityConfig) {
        let nameNode: RecipeNode
        var optionEntries: [RecipeNode.Entry] = []
        if case .scalar = node {
            nameNode = node
        } else if let section = mapping(node, key: "method") {
            guard let name = value(section, "name") else {
                return report(node, "method.name", "missing; expected a method name such as 'magnitude'")
            }
            nameNode = name
            optionEntries = section.filter { $0.key != "name" }
        } else {
            return
        }
        guard let name = string(nameNode, "method.name") else { return }
        guard let descriptor = MethodRegistry.descriptor(named: name) else {
            return report(nameNode, "method", MethodRegistry.unknownMethodMessage(name))
        }
        sparsity.method = name
        for entry in optionEntries {
            guard let option = descriptor.option(named: entry.key) else {
                let known = descriptor.options.map(\.name)
                var message = "unknown option of \(name)"
                if let suggestion = RecipeSchema.suggestion(for: entry.key, among: known) { message += "; did you mean '\(suggestion)'?" }
                message += known.isEmpty ? " (\(name) takes no options)" : " (\(name) takes \(known.joined(separator: ", ")))"
                report(entry.keyLocation, "method.\(entry.key)", message)
                continue
            }
            guard let value = number(entry.value, "method.\(entry.key)", -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
            else { continue }
            if option.accepts(value) {
                sparsity.options[entry.key] = value
            } else {
                report(entry.value, "method.\(entry.key)", "expected \(option.rangeDescription), found \(Format.plain(value))")
            }
        }
    }

    private mutating func readSchedule(_ node: RecipeNode, into sparsity: inout SparsityConfig) -> Recipe.ScheduleSpec? {
        guard let section = mapping(node, key: "schedule") else { return nil }
        checkKeys(section, path: "schedule")
        if let final = value(section, "final") {
            sparsity.target = number(final, "schedule.final", SettingRules.targetSparsity) ?? 0
        }
        guard let kindNode = value(section, "kind") else {
            for entry in section where !["final", "kind"].contains(entry.key) && RecipeSchema.children(of: "schedule").contains(where: { $0.name == entry.key }) {
                report(entry.keyLocation, "schedule.\(entry.key)", "needs `schedule.kind` (the method's default schedule takes no settings)")
            }
            return nil
        }
        guard let kind = choice(kindNode, "schedule.kind", ["constant", "oneshot", "polynomial", "iterative"]) else { return nil }
        let allowed: [String: [String]] = ["constant": [], "oneshot": ["at"], "polynomial": ["initial", "begin", "end", "every", "exponent"],
                                           "iterative": ["rounds", "round_length"]]
        let known = RecipeSchema.children(of: "schedule").map(\.name)
        for entry in section where known.contains(entry.key) && !["final", "kind"].contains(entry.key)
            && !(allowed[kind] ?? []).contains(entry.key) {
            report(entry.keyLocation, "schedule.\(entry.key)", "does not apply to a \(kind) schedule (it takes \(allowed[kind]!.isEmpty ? "no settings" : allowed[kind]!.joined(separator: ", ")))")
        }
        func required(_ key: String) -> RecipeNode? {
            if let node = value(section, key) { return node }
            report(kindNode, "schedule.\(key)", "a \(kind) schedule needs `\(key)`")
            return nil
        }
        switch kind {
        case "constant":
            return .constant
        case "oneshot":
            guard let at = required("at").flatMap({ length($0, "schedule.at") }) else { return nil }
            return .oneShot(at: at)
        case "polynomial":
            let begin = value(section, "begin").flatMap { length($0, "schedule.begin") }
            let end = value(section, "end").flatMap { length($0, "schedule.end") }
            if case let .epochs(b)? = begin, case let .epochs(e)? = end, e < b, let endNode = value(section, "end") {
                report(endNode, "schedule.end", "expected at or after begin (\(Format.plain(b)) epochs), found \(Format.plain(e)) epochs")
            }
            if case let .steps(b)? = begin, case let .steps(e)? = end, e < b, let endNode = value(section, "end") {
                report(endNode, "schedule.end", "expected at or after begin (\(b) steps), found \(e) steps")
            }
            return .polynomial(initial: value(section, "initial").flatMap { number($0, "schedule.initial", 0...1, openUpper: true) } ?? 0,
                               begin: begin, end: end,
                               every: value(section, "every").flatMap { length($0, "schedule.every", positive: true) },
                               exponent: value(section, "exponent").flatMap { number($0, "schedule.exponent", 0...100, positive: true) } ?? 3)
        default:
            guard let rounds = required("rounds").flatMap({ integer($0, "schedule.rounds", 1...10_000) }),
                  let roundLength = required("round_length").flatMap({ length($0, "schedule.round_length", positive: true) })
            else { return nil }
            return .iterative(rounds: rounds, roundLength: roundLength)
        }
    }

    private mutating func readBudget(_ node: RecipeNode, method: String, config: RunConfig) -> LayerBudget? {
        let model = config.model
        var budget = MethodRegistry.descriptor(named: method)?.defaultBudget ?? LayerBudget(.global)
        if case .scalar = node {
            guard let word = string(node, "budget") else { return nil }
            switch RecipeChoice.budgetDistribution(word) {
            case let .success(distribution):
                budget.distribution = distribution
                return budget
            case let .failure(problem):
                report(node, "budget", problem.message)
                return nil
            }
        }
        guard let section = mapping(node, key: "budget") else { return nil }
        checkKeys(section, path: "budget")
        let name = value(section, "distribution").flatMap { choice($0, "budget.distribution", RecipeChoice.budgetDistributions) }
        if name == "manual" || value(section, "layers") != nil {
            guard name == "manual", let layersNode = value(section, "layers") else {
                report(node, "budget", name == "manual" ? "manual needs `layers`" : "`layers` needs `distribution: manual`")
                return nil
            }
            var sparsities: [String: Double] = [:]
            // Tensor names do not depend on the image size: any input the network takes will do.
            let tensors = ([[1, 28, 28], [3, 32, 32]].lazy.compactMap { try? config.makeModel(inputShape: $0, classCount: 10) }.first)?
                .prunableParameters.map(\.name) ?? []
            for entry in mapping(layersNode, key: "budget.layers") ?? [] {
                if !tensors.isEmpty && !tensors.contains(entry.key) {
                    var message = "unknown tensor '\(entry.key)' of \(model)"
                    if let suggestion = RecipeSchema.suggestion(for: entry.key, among: tensors) { message += "; did you mean '\(suggestion)'?" }
                    report(entry.keyLocation, "budget.layers", message + " (tensors: \(tensors.joined(separator: ", ")))")
                    continue
                }
                if let value = number(entry.value, "budget.layers.\(entry.key)", 0...1, openUpper: true) { sparsities[entry.key] = value }
            }
            budget.distribution = .manual(sparsities)
            if config.sparsity.target > 0 { budget.manualTarget = config.sparsity.target }
        } else if let name {
            budget.distribution = (try? LayerBudget.Distribution.parse(name)) ?? .global
        }
        if let node = value(section, "keep_first_dense") { budget.keepFirstDense = boolean(node, "budget.keep_first_dense") ?? false }
        if let node = value(section, "keep_last_dense") { budget.keepLastDense = boolean(node, "budget.keep_last_dense") ?? false }
        if let node = value(section, "min_density") { budget.minimumDensity = number(node, "budget.min_density", 0...1) ?? 0 }
        return budget
    }

    /// `data: DIR` (the source), or a mapping of `source` and `augment`.
    private mutating func readData(_ node: RecipeNode, into recipe: inout Recipe, config: inout RunConfig) {
        if case .scalar = node {
            recipe.data = string(node, "data") ?? recipe.data
            return
        }
        guard let section = mapping(node, key: "data") else { return }
        checkKeys(section, path: "data")
        if let source = value(section, "source") { recipe.data = string(source, "data.source") ?? recipe.data }
        if let augment = value(section, "augment") { config.augment = boolean(augment, "data.augment") ?? false }
    }

    /// `pace: 50` (steps per second) or a mapping of `steps_per_second` or `duration`,
    /// and `pause_at_phases`.
    private mutating func readPace(_ node: RecipeNode) -> Recipe.PaceSpec {
        var pace = Recipe.PaceSpec()
        if case .scalar = node {
            pace.stepsPerSecond = number(node, "pace", SettingRules.pace)
            return pace
        }
        guard let section = mapping(node, key: "pace") else { return pace }
        checkKeys(section, path: "pace")
        let rate = value(section, "steps_per_second"), duration = value(section, "duration")
        if let rate { pace.stepsPerSecond = number(rate, "pace.steps_per_second", SettingRules.pace) }
        if let duration { pace.durationSeconds = number(duration, "pace.duration", SettingRules.paceDuration) }
        if rate != nil, let duration {
            report(duration, "pace.duration", "give steps_per_second or duration, not both")
        }
        if let node = value(section, "pause_at_phases") { pace.pausesAtPhaseChanges = boolean(node, "pace.pause_at_phases") ?? false }
        return pace
    }

    // MARK: Values

    mutating func report(_ node: RecipeNode, _ key: String?, _ message: String) {
        report(node.location, key, message)
    }

    mutating func report(_ location: RecipeLocation, _ key: String?, _ message: String) {
        diagnostics.append(RecipeDiagnostic(location, key: key, message))
    }

    func value(_ entries: [RecipeNode.Entry], _ key: String) -> RecipeNode? {
        entries.first { $0.key == key }?.value
    }

    mutating func checkKeys(_ entries: [RecipeNode.Entry], path: String) {
        let known = RecipeSchema.children(of: path).map(\.name)
        for entry in entries where !known.contains(entry.key) {
            var message = "unknown key '\(entry.key)'"
            if let suggestion = RecipeSchema.suggestion(for: entry.key, among: known) { message += "; did you mean '\(suggestion)'?" }
            message += " (\(path.isEmpty ? "recipe keys" : "keys of \(path)"): \(known.joined(separator: ", ")))"
            report(entry.keyLocation, path.isEmpty ? nil : path, message)
        }
    }

    mutating func mapping(_ node: RecipeNode, key: String?) -> [RecipeNode.Entry]? {
        if case let .mapping(entries, _) = node { return entries }
        report(node, key, "expected a mapping of keys to values, found \(Self.kind(of: node))")
        return nil
    }

    mutating func string(_ node: RecipeNode, _ key: String) -> String? {
        if case let .scalar(text, _) = node, !text.isEmpty { return text }
        report(node, key, "expected a string, found \(Self.kind(of: node))")
        return nil
    }

    mutating func choice(_ node: RecipeNode, _ key: String, _ allowed: [String]) -> String? {
        guard let text = string(node, key) else { return nil }
        guard let problem = RecipeChoice.problem(text, allowed: allowed) else { return text }
        report(node, key, problem.message)
        return nil
    }

    mutating func integer(_ node: RecipeNode, _ key: String, _ range: ClosedRange<Int>) -> Int? {
        let expected = range.upperBound == Int.max ? "an integer >= \(range.lowerBound)"
            : "an integer from \(range.lowerBound) to \(range.upperBound)"
        guard case let .scalar(text, _) = node, let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            report(node, key, "expected \(expected), found \(Self.found(node))")
            return nil
        }
        guard range.contains(value) else {
            report(node, key, "expected \(expected), found \(value)")
            return nil
        }
        return value
    }

    /// A number under one of the rules every entry point shares (`SettingRules`).
    private mutating func number(_ node: RecipeNode, _ key: String, _ rule: SettingRule) -> Double? {
        guard case let .scalar(text, _) = node else {
            report(node, key, "expected \(rule.expected), found \(Self.found(node))")
            return nil
        }
        switch rule.parse(text) {
        case let .success(value): return value
        case let .failure(problem):
            report(node, key, problem.description)
            return nil
        }
    }

    mutating func number(_ node: RecipeNode, _ key: String, _ range: ClosedRange<Double>, openUpper: Bool = false,
                                 positive: Bool = false) -> Double? {
        var expected = "a number"
        if positive { expected += " > 0" + (range.upperBound < 1e6 ? " and <= \(Format.plain(range.upperBound))" : "") }
        else if range.lowerBound > -1e300 { expected += " in [\(Format.plain(range.lowerBound)), \(Format.plain(range.upperBound))\(openUpper ? ")" : "]")" }
        guard case let .scalar(text, _) = node, let value = Double(text), value.isFinite else {
            report(node, key, "expected \(expected), found \(Self.found(node))")
            return nil
        }
        let inside = range.contains(value) && !(openUpper && value == range.upperBound) && !(positive && value <= 0)
        guard inside else {
            report(node, key, "expected \(expected), found \(Format.plain(value))")
            return nil
        }
        return value
    }

    mutating func boolean(_ node: RecipeNode, _ key: String) -> Bool? {
        if case let .scalar(text, _) = node {
            switch text.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        report(node, key, "expected true or false, found \(Self.found(node))")
        return nil
    }

    private mutating func length(_ node: RecipeNode, _ key: String, positive: Bool = false) -> RunLength? {
        guard case let .scalar(text, _) = node, let length = RunLength(text: text) else {
            report(node, key, "expected \(RecipeSchema.length) such as 2, 0.5 or \"1200 steps\", found \(Self.found(node))")
            return nil
        }
        if positive, length.steps(perEpoch: 1_000_000) == 0 {
            report(node, key, "expected more than zero, found \(length)")
            return nil
        }
        return length
    }

    static func kind(of node: RecipeNode) -> String {
        switch node {
        case let .scalar(text, _): text.isEmpty ? "nothing" : "'\(text)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    private static func found(_ node: RecipeNode) -> String { kind(of: node) }
}
