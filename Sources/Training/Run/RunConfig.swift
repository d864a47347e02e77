/// Everything that defines a training run. The same config and seed give bitwise the
/// same run on the same machine and thread count. Checkpoints store it as JSON.
public struct RunConfig: Sendable, Equatable, Codable {
    /// The network's name: a zoo model (`ModelCatalog.names`), or with `architecture` the
    /// name of a recipe's own network.
    public var model = "lenet300"
    /// The zoo model's options (mlp's widths, a CNN's width); nil: its defaults.
    public var modelOptions: ModelCatalog.Options?
    /// A network defined layer by layer (a recipe's `model:` list); nil: the zoo model `model`.
    public var architecture: Architecture?
    /// An MNIST-format IDX or CIFAR binary directory; nil means Fashion-MNIST when
    /// installed, else the embedded digits.
    public var dataDirectory: String?
    /// Random crops and flips of the training batches (`DataAugmentation`); nil, the
    /// default, is none. Optional so that a config without it (a checkpoint written before
    /// it existed) decodes, as none.
    public var augmentation: DataAugmentation?
    public var epochs = 5
    public var batchSize = 128
    public var learningRate: Float = 0.05
    /// The base rate when Adam is chosen without one (0.05 suits SGD, not Adam).
    public static let defaultAdamLearningRate: Float = 0.001
    public var learningRateSchedule = LearningRateSchedule.cosine
    public var optimizer = OptimizerConfig.defaultSGD
    public var seed: UInt64 = 0
    public var threads = 1
    /// Evaluate on the test set every this many steps; nil means at the end of every epoch.
    public var evaluateEverySteps: Int?
    /// How often the trainer publishes a snapshot between evaluations.
    public var snapshotIntervalSeconds = 0.1
    /// Start paused, waiting for a resume or step command.
    public var startPaused = false
    /// The sparsification method, target and schedule.
    public var sparsity = SparsityConfig()
    /// Save a checkpoint every this many steps, as `checkpointDirectory`/step-000123.ckpt.
    public var checkpointEverySteps: Int?
    /// Where periodic checkpoints go (created when missing); needed by `checkpointEverySteps`.
    public var checkpointDirectory: String?
    /// End the run (stopped, not finished) once this many steps are done, even if epochs
    /// remain. A run restored from a checkpoint at or past this step stops at once.
    public var stopAfterSteps: Int?

    public init() {}

    /// The network this config trains, for images of `inputShape` and `classCount` classes.
    public func makeModel(inputShape: [Int], classCount: Int) throws(ArchitectureError) -> Model {
        try NetworkBuilder.build(resolvedArchitecture(), name: model, inputShape: inputShape, classCount: classCount, seed: seed)
    }

    /// The layers this config trains: its own architecture, or the zoo model's.
    public func resolvedArchitecture() throws(ArchitectureError) -> Architecture {
        if let architecture { return architecture }
        return try ModelCatalog.architecture(model, options: modelOptions ?? .init())
    }

    /// Whether the training batches are augmented: `augmentation` is the standard one
    /// (`DataAugmentation.standard`, 4-pixel crops and flips) when set to true.
    public var augment: Bool {
        get { augmentation != nil }
        set { augmentation = newValue ? (augmentation ?? .standard) : nil }
    }

    /// The most epochs a run may have (as a recipe's `epochs` allows).
    public static let maximumEpochs = 1_000_000

    public func validate() throws {
        func check(_ condition: Bool, _ key: String, _ expected: String, _ found: String) throws {
            if !condition { throw RunConfigError.invalid(key: key, expected: expected, found: found) }
        }
        if architecture == nil {
            try check(ModelCatalog.names.contains(model), "model", "one of \(ModelCatalog.names.joined(separator: ", "))", model)
        }
        try check(epochs >= 1, "epochs", "an integer >= 1", "\(epochs)")
        // Steps are counted in an Int: the run's length (steps an epoch x epochs) must fit.
        try check(epochs <= Self.maximumEpochs, "epochs", "an integer <= \(Self.maximumEpochs)", "\(epochs)")
        try check(batchSize >= 1, "batch", "an integer >= 1", "\(batchSize)")
        try check(SettingRules.learningRate.contains(Double(learningRate)), "lr", SettingRules.learningRate.expected, "\(learningRate)")
        try check(learningRateSchedule.warmupSteps >= 0, "warmup-steps", "an integer >= 0", "\(learningRateSchedule.warmupSteps)")
        try check((1...256).contains(threads), "threads", "an integer from 1 to 256", "\(threads)")
        if let every = evaluateEverySteps { try check(every >= 1, "eval-every", "an integer >= 1", "\(every)") }
        try check(snapshotIntervalSeconds > 0, "snapshot-interval", "a positive number of seconds", "\(snapshotIntervalSeconds)")
        if let every = checkpointEverySteps {
            try check(every >= 1, "checkpoint-every", "an integer >= 1", "\(every)")
            try check(checkpointDirectory != nil, "checkpoint-dir", "a directory for the periodic checkpoints", "none")
        }
        if let directory = checkpointDirectory { try check(!directory.isEmpty, "checkpoint-dir", "a directory", "an empty path") }
        if let stop = stopAfterSteps { try check(stop >= 1, "stop-after", "an integer >= 1", "\(stop)") }
        if let padding = augmentation?.padding {
            try check((0...DataAugmentation.maximumPadding).contains(padding), "augment",
                      "a crop padding from 0 to \(DataAugmentation.maximumPadding) pixels", "\(padding)")
        }
        let sparsityErrors = sparsity.validationErrors()
        if !sparsityErrors.isEmpty { throw RunConfigError.sparsity(sparsityErrors.joined(separator: "; ")) }
    }
}

public enum RunConfigError: Error, CustomStringConvertible, Equatable {
    case invalid(key: String, expected: String, found: String)
    case batchLargerThanData(batch: Int, trainCount: Int)
    /// A sparsity setting's problem, already phrased as "key: problem".
    case sparsity(String)

    public var description: String {
        switch self {
        case let .invalid(key, expected, found): "\(key): expected \(expected), found \(found)"
        case let .batchLargerThanData(batch, count): "batch: \(batch) is larger than the \(count) training samples"
        case let .sparsity(problem): problem
        }
    }
}
