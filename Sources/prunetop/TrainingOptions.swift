import ArgumentParser
import Foundation
import Training

/// The options that define a training run, shared by `run` and `tui`.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Model: \(ModelCatalog.names.joined(separator: ", ")).")
    var model = "lenet300"

    @Option(help: ArgumentHelp(DataChoice.help))
    var data: String?

    @Option(help: "Epochs to train.")
    var epochs = 5

    @Option(help: "Samples per step.")
    var batch = 128

    @Option(help: "Base learning rate.")
    var lr: Float = 0.05

    @Option(help: "Learning-rate schedule: constant, cosine, or step:EVERY:GAMMA (steps).")
    var lrSchedule = "cosine"

    @Option(help: "Linear learning-rate warm-up, in steps.")
    var warmupSteps = 0

    @Option(help: "Optimizer: sgd (Nesterov momentum 0.9) or adam.")
    var optimizer = "sgd"

    @Option(help: "SGD momentum.")
    var momentum: Float = 0.9

    @Option(help: "L2 weight decay.")
    var weightDecay: Float = 5e-4

    @Option(help: "Random seed (weights, data order).")
    var seed: UInt64 = 0

    @Option(help: "BLAS threads.")
    var threads = 1

    @Option(help: "Evaluate on the test set every N steps (default: every epoch).")
    var evalEvery: Int?

    @OptionGroup(title: "Sparsity")
    var sparsityOptions: SparsityOptions

    func makeConfig(defaultMethod: String = "dense", defaultTarget: Double = 0) throws -> RunConfig {
        var config = RunConfig()
        config.model = model
        config.dataDirectory = data
        config.epochs = epochs
        config.batchSize = batch
        config.learningRate = lr
        config.learningRateSchedule = try Self.parseSchedule(lrSchedule, warmupSteps: warmupSteps)
        switch optimizer {
        case "sgd": config.optimizer = .sgd(momentum: momentum, nesterov: momentum > 0, weightDecay: weightDecay)
        case "adam": config.optimizer = .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: weightDecay)
        default: throw ValidationError("--optimizer: expected sgd or adam, found '\(optimizer)'")
        }
        guard momentum >= 0 && momentum < 1 else {
            throw ValidationError("--momentum: expected a number in [0, 1), found \(momentum)")
        }
        guard weightDecay >= 0 && weightDecay.isFinite else {
            throw ValidationError("--weight-decay: expected a number >= 0, found \(weightDecay)")
        }
        config.seed = seed
        config.threads = threads
        config.evaluateEverySteps = evalEvery
        config.sparsity = try sparsityOptions.makeConfig(defaultMethod: defaultMethod, defaultTarget: defaultTarget)
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
