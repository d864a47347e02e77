import Training

/// An experiment as a recipe describes it: a `RunConfig` whose positions and intervals
/// may still be in epochs, resolved to steps once the data set (hence the steps per
/// epoch) is known. `docs/recipes.md` documents every key.
public struct Recipe: Sendable, Equatable {
    /// Everything that does not depend on the steps per epoch.
    public var config: RunConfig
    /// The data's source (`data` or `data.source`): "fashion-mnist", "embedded", or an IDX
    /// or CIFAR directory. `data.augment` is `config.augmentation`.
    public var data: String
    public var evaluateEvery: RunLength?
    public var warmup: RunLength
    /// The interval of a `step` learning-rate decay.
    public var learningRateStepEvery: RunLength?
    public var learningRateStepGamma: Float
    /// The sparsity schedule; nil takes the method's default.
    public var schedule: ScheduleSpec?
    /// Where the schedule is written, for problems found once positions are in steps.
    public var scheduleLocation: RecipeLocation?
    /// Where each layer of a `model:` list is written, by its path in the `Architecture`
    /// (`ArchitectureError.shapeMismatch`'s; [] is the `model` key itself), for shape errors
    /// found once the data is known.
    public var layerLocations: [[Int]: RecipeLocation] = [:]
    /// The `pace` section: a watched run's speed, as written.
    public var pace = PaceSpec()

    public struct PaceSpec: Sendable, Equatable {
        public var stepsPerSecond: Double?
        /// Seconds the whole run should take; becomes steps per second once its length is known.
        public var durationSeconds: Double?
        public var pausesAtPhaseChanges = false

        public init() {}

        public func pace(totalSteps: Int) -> RunPace {
            RunPace(stepsPerSecond: durationSeconds.map { RunPace.lasting(seconds: $0, steps: totalSteps) } ?? stepsPerSecond,
                    pausesAtPhaseChanges: pausesAtPhaseChanges)
        }
    }

    /// A sparsity schedule with its positions as written.
    public enum ScheduleSpec: Sendable, Equatable {
        case constant
        case oneShot(at: RunLength)
        case polynomial(initial: Double, begin: RunLength?, end: RunLength?, every: RunLength?, exponent: Double)
        case iterative(rounds: Int, roundLength: RunLength)
    }

    public init(config: RunConfig = RunConfig(), data: String = "fashion-mnist") {
        self.config = config
        self.data = data
        evaluateEvery = nil
        warmup = .steps(0)
        learningRateStepEvery = nil
        learningRateStepGamma = 0.1
        schedule = nil
        scheduleLocation = nil
    }

    /// `RunConfig.dataDirectory`: "embedded", or an IDX or CIFAR directory (Fashion-MNIST's
    /// for "fashion-mnist").
    public var dataDirectory: String {
        data == "fashion-mnist" ? DatasetLoader.fashionMNISTDirectory : data
    }

    /// The run in steps. Polynomial positions left out take the defaults of gradual
    /// magnitude pruning: from 10% to 60% of training, four updates an epoch.
    public func runConfig(stepsPerEpoch: Int) -> RunConfig {
        let perEpoch = max(stepsPerEpoch, 1)
        let total = perEpoch * config.epochs
        var run = config
        run.dataDirectory = dataDirectory
        run.evaluateEverySteps = evaluateEvery.map { max($0.steps(perEpoch: perEpoch), 1) }
        let warmupSteps = warmup.steps(perEpoch: perEpoch)
        switch config.learningRateSchedule.decay {
        case .step:
            let every = max(learningRateStepEvery?.steps(perEpoch: perEpoch) ?? perEpoch, 1)
            run.learningRateSchedule = LearningRateSchedule(decay: .step(every: every, gamma: learningRateStepGamma),
                                                            warmupSteps: warmupSteps)
        default:
            run.learningRateSchedule.warmupSteps = warmupSteps
        }
        run.sparsity.schedule = schedule.map { spec in
            switch spec {
            case .constant:
                return .constant
            case let .oneShot(at):
                return .oneShot(atStep: at.steps(perEpoch: perEpoch))
            case let .polynomial(initial, begin, end, every, exponent):
                return .polynomial(initial: initial, beginStep: begin?.steps(perEpoch: perEpoch) ?? total / 10,
                                   endStep: end?.steps(perEpoch: perEpoch) ?? total * 6 / 10,
                                   frequency: max(every?.steps(perEpoch: perEpoch) ?? perEpoch / 4, 1), exponent: exponent)
            case let .iterative(rounds, roundLength):
                return .iterative(rounds: rounds, stepsPerRound: max(roundLength.steps(perEpoch: perEpoch), 1))
            }
        }
        return run
    }
}
