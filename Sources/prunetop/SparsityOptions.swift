import ArgumentParser
import Training

/// The sparsity flags of `run`: method, target, and overrides of the method's defaults.
struct SparsityOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Sparsification method (see `prunetop methods`). Default: dense for run, magnitude for tui.", valueName: "name"))
    var method: String?

    @Option(help: "Final target sparsity over the prunable weights, in [0, 1). Default: 0 for run, 0.9 for tui.")
    var sparsity: Double?

    @Option(help: ArgumentHelp("Sparsity schedule: \(SparsitySchedule.syntax). Default: the method's.", valueName: "schedule"))
    var schedule: String?

    @Option(help: ArgumentHelp("Layer budget: \(LayerBudget.Distribution.names.joined(separator: ", ")). Default: the method's.", valueName: "budget"))
    var budget: String?

    @Flag(help: "Keep the first prunable layer dense.")
    var keepFirstDense = false

    @Flag(help: "Keep the last prunable layer dense.")
    var keepLastDense = false

    @Option(help: "No layer below this density (guards against layer collapse).")
    var minDensity: Double?

    @Option(help: ArgumentHelp("What is pruned as a unit: \(Granularity.syntax). Default: the method's.", valueName: "granularity"))
    var granularity: String?

    @Option(name: .customLong("option"), help: ArgumentHelp("A method option, KEY=VALUE (repeatable; see `prunetop methods`).", valueName: "key=value"))
    var options: [String] = []

    var isEmpty: Bool {
        method == nil && sparsity == nil && schedule == nil && budget == nil && !keepFirstDense && !keepLastDense
            && minDensity == nil && granularity == nil && options.isEmpty
    }

    /// `base` with the sparsity flags given applied over it. A new `--method` drops the old
    /// method's options. With `defaults` (no recipe), `--method` alone means target 0
    /// unless `--sparsity` is given (so `--method rigl` does not silently prune to 90%).
    func apply(to base: SparsityConfig, defaults: (method: String, target: Double)? = nil) throws -> SparsityConfig {
        do {
            var config = base
            if let method, method != base.method {
                config.method = method
                config.options = [:]
                if defaults != nil { config.target = 0 }
            }
            if let sparsity { config.target = sparsity }
            if let schedule { config.schedule = try SparsitySchedule.parse(schedule) }
            if let granularity { config.granularity = try Granularity.parse(granularity) }
            if budget != nil || keepFirstDense || keepLastDense || minDensity != nil {
                var layerBudget = config.budget ?? MethodRegistry.descriptor(named: config.method)?.defaultBudget ?? LayerBudget(.global)
                if let budget { layerBudget.distribution = try LayerBudget.Distribution.parse(budget) }
                layerBudget.keepFirstDense = layerBudget.keepFirstDense || keepFirstDense
                layerBudget.keepLastDense = layerBudget.keepLastDense || keepLastDense
                if let minDensity { layerBudget.minimumDensity = minDensity }
                config.budget = layerBudget
            }
            for option in options {
                let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let value = Double(parts[1]) else {
                    throw ValidationError("--option: expected KEY=NUMBER, found '\(option)'")
                }
                config.options[parts[0]] = value
            }
            let errors = config.validationErrors()
            if !errors.isEmpty { throw ValidationError(errors.map { "--" + $0 }.joined(separator: "\n")) }
            return config
        } catch let error as SparsityError {
            throw ValidationError("--\(error)")
        }
    }
}

struct MethodsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "methods", abstract: "List the sparsification methods, their defaults and options.")

    func run() {
        for descriptor in MethodRegistry.all {
            print("\(descriptor.name)  \(descriptor.summary)")
            let schedule = descriptor.defaultSchedule(1000, 100)
            print("    defaults: budget \(descriptor.defaultBudget.name)"
                  + (descriptor.defaultBudget.keepFirstDense ? " (first layer dense)" : "")
                  + ", granularity \(descriptor.defaultGranularity.name), schedule \(schedule.name)")
            for option in descriptor.options {
                print("    --option \(option.name)=\(Format.plain(option.defaultValue))  \(option.help) (\(option.rangeDescription))")
            }
        }
    }
}
