import ArgumentParser
import Foundation
import Training

/// The options that define a training run, shared by `run` and `tui`.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Model: \(ModelCatalog.names.joined(separator: ", ")) (default: lenet300).")
    var model: String?

    @Option(help: ArgumentHelp(DataChoice.help))
    var data: String?

    @Flag(inversion: .prefixedNo,
          help: "Augment the training batches: random crops with 4 pixels of padding and horizontal flips (default: off, or the recipe's data.augment).")
    var augment: Bool?

    @Option(help: "Epochs to train (default: 5).")
    var epochs: Int?

    @Option(help: "Samples per step (default: 128).")
    var batch: Int?

    @Option(help: "Base learning rate (default: 0.05 for sgd, 0.001 for adam).")
    var lr: Float?

    @Option(help: "Learning-rate schedule: constant, cosine, or step:EVERY:GAMMA (steps) (default: cosine).")
    var lrSchedule: String?

    @Option(help: "Linear learning-rate warm-up, in steps (default: 0).")
    var warmupSteps: Int?

    @Option(help: "Optimizer: sgd (Nesterov momentum 0.9) or adam (default: sgd).")
    var optimizer: String?

    @Option(help: "SGD momentum (default: 0.9).")
    var momentum: Float?

    @Option(help: "L2 weight decay (default: 0.0005).")
    var weightDecay: Float?

    @Option(help: "Random seed (weights, data order) (default: 0).")
    var seed: UInt64?

    @Option(help: "BLAS threads (default: 1).")
    var threads: Int?

    @Option(help: "Evaluate on the test set every N steps (default: every epoch).")
    var evalEvery: Int?

    @OptionGroup(title: "Sparsity")
    var sparsityOptions: SparsityOptions

    /// No training flag was given (a resumed run takes none).
    var isEmpty: Bool {
        [model, data, lrSchedule, optimizer].allSatisfy { $0 == nil } && [epochs, batch, warmupSteps, threads, evalEvery].allSatisfy { $0 == nil }
            && lr == nil && momentum == nil && weightDecay == nil && seed == nil && augment == nil && sparsityOptions.isEmpty
    }

    /// The run the flags describe, from the defaults (no recipe).
    func makeConfig(defaultMethod: String = "dense", defaultTarget: Double = 0) throws -> RunConfig {
        var config = RunConfig()
        config.sparsity = SparsityConfig(method: defaultMethod, target: defaultTarget)
        config.dataDirectory = data
        return try apply(to: config, sparsityDefaults: (defaultMethod, defaultTarget))
    }

    /// `config` with the flags given on the command line applied over it (a recipe's
    /// values, or the defaults), validated.
    func apply(to base: RunConfig, sparsityDefaults: (method: String, target: Double)? = nil) throws -> RunConfig {
        var config = base
        if let model { config.model = model }
        if let data { config.dataDirectory = data }
        if let augment { config.augment = augment }
        if let epochs { config.epochs = epochs }
        if let batch { config.batchSize = batch }
        if let lr { config.learningRate = lr }
        if lrSchedule != nil || warmupSteps != nil {
            config.learningRateSchedule = try Self.parseSchedule(lrSchedule ?? "cosine", warmupSteps: warmupSteps ?? 0)
        }
        if let optimizer, !["sgd", "adam"].contains(optimizer) {
            throw ValidationError("--optimizer: expected sgd or adam, found '\(optimizer)'")
        }
        if let momentum, !(momentum >= 0 && momentum < 1) {
            throw ValidationError("--momentum: expected a number in [0, 1), found \(momentum)")
        }
        if let weightDecay, !(weightDecay >= 0 && weightDecay.isFinite) {
            throw ValidationError("--weight-decay: expected a number >= 0, found \(weightDecay)")
        }
        if optimizer != nil || momentum != nil || weightDecay != nil {
            switch (optimizer ?? config.optimizer.name, config.optimizer) {
            case let ("sgd", .sgd(oldMomentum, _, oldDecay)):
                let m = momentum ?? oldMomentum
                config.optimizer = .sgd(momentum: m, nesterov: m > 0, weightDecay: weightDecay ?? oldDecay)
            case ("sgd", _):
                let m = momentum ?? 0.9
                config.optimizer = .sgd(momentum: m, nesterov: m > 0, weightDecay: weightDecay ?? 5e-4)
            case let (_, .adam(beta1, beta2, epsilon, oldDecay)):
                config.optimizer = .adam(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay ?? oldDecay)
            default:
                config.optimizer = .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: weightDecay ?? 5e-4)
                if lr == nil { config.learningRate = RunConfig.defaultAdamLearningRate }
            }
        }
        if let seed { config.seed = seed }
        if let threads { config.threads = threads }
        if let evalEvery { config.evaluateEverySteps = evalEvery }
        config.sparsity = try sparsityOptions.apply(to: config.sparsity, defaults: sparsityDefaults)
        do { try config.validate() } catch let error as RunConfigError { throw ValidationError("--\(error)") }
        return config
    }

    static func parseSchedule(_ text: String, warmupSteps: Int) throws -> LearningRateSchedule {
        guard warmupSteps >= 0 else { throw ValidationError("--warmup-steps: expected an integer >= 0, found \(warmupSteps)") }
        let parts = text.split(separator: ":").map(String.init)
        switch parts.first {
        case "constant" where parts.count == 1: return LearningRateSchedule(decay: .constant, warmupSteps: warmupSteps)
        case "cosine" where parts.count == 1: return LearningRateSchedule(decay: .cosine(minimumFactor: 0), warmupSteps: warmupSteps)
        case "step" where parts.count == 3:
            if let every = Int(parts[1]), every > 0, let gamma = Float(parts[2]), gamma > 0 {
                return LearningRateSchedule(decay: .step(every: every, gamma: gamma), warmupSteps: warmupSteps)
            }
        default: break
        }
        throw ValidationError("--lr-schedule: expected constant, cosine or step:EVERY:GAMMA (e.g. step:1000:0.5), found '\(text)'")
    }

}
