import Training

/// `start`: what the run is (its settings, data, network and where they came from),
/// written once before the first step.
public struct RunStartEvent: Sendable, Equatable, Codable {
    /// `RunLogEvent.schemaVersion` when written; absent (schema 1) in older logs.
    public var schema: Int?
    public var config: Config?
    public var dataset: Dataset?
    public var stepsPerEpoch: Int?
    public var totalSteps: Int?
    /// Every parameterised tensor's values, and the prunable tensors with theirs.
    public var parameters: Int?
    public var prunable: [PrunableTensor]?
    /// OpenBLAS's kernel for this CPU.
    public var blasCore: String?
    /// Absent from logs written before the network described itself: zoo models, rebuilt by name.
    public var network: NetworkDescription?
    /// The recipe the run started from; absent for a run of flags only, and from logs
    /// written before 2026-12.
    public var recipe: Recipe?
    /// The checkpoint a resumed run continued from; absent otherwise.
    public var resumedFrom: ResumedFrom?
    /// A run written by another process that takes commands (the Python package); absent otherwise.
    public var steering: RunSteering?

    public init(schema: Int? = RunLogEvent.schemaVersion, config: Config? = nil, dataset: Dataset? = nil, stepsPerEpoch: Int? = nil,
                totalSteps: Int? = nil, parameters: Int? = nil, prunable: [PrunableTensor]? = nil, blasCore: String? = nil,
                network: NetworkDescription? = nil, recipe: Recipe? = nil, resumedFrom: ResumedFrom? = nil,
                steering: RunSteering? = nil) {
        self.schema = schema
        self.config = config
        self.dataset = dataset
        self.stepsPerEpoch = stepsPerEpoch
        self.totalSteps = totalSteps
        self.parameters = parameters
        self.prunable = prunable
        self.blasCore = blasCore
        self.network = network
        self.recipe = recipe
        self.resumedFrom = resumedFrom
        self.steering = steering
    }

    enum CodingKeys: String, RunLogOmittedKeys {
        case schema, config, dataset
        case stepsPerEpoch = "steps_per_epoch", totalSteps = "total_steps"
        case parameters, prunable
        case blasCore = "blas_core"
        case network, recipe
        case resumedFrom = "resumed_from"
        case steering
        static let omittedWhenAbsent: Set = ["schema", "recipe", "resumed_from", "steering"]
    }

    /// The log's schema version: 1 for a log without the field.
    public var schemaVersion: Int { schema ?? 1 }

    /// The run's settings (`RunConfig`), as numbers and names.
    public struct Config: Sendable, Equatable, Codable {
        public var model: String?
        /// The data directory given, or null for the default (or embedded) data.
        public var data: String?
        public var augment: Bool?
        public var epochs: Int?
        public var batch: Int?
        public var lr: Double?
        public var lrSchedule: LearningRateSchedule?
        public var optimizer: Optimizer?
        /// The seed as a decimal string (a UInt64 does not fit a JSON number exactly).
        public var seed: String?
        public var threads: Int?
        /// In steps; null for once an epoch.
        public var evalEvery: Int?
        public var sparsity: Sparsity?

        public init(model: String? = nil, data: String? = nil, augment: Bool? = nil, epochs: Int? = nil, batch: Int? = nil,
                    lr: Double? = nil, lrSchedule: LearningRateSchedule? = nil, optimizer: Optimizer? = nil, seed: String? = nil,
                    threads: Int? = nil, evalEvery: Int? = nil, sparsity: Sparsity? = nil) {
            self.model = model
            self.data = data
            self.augment = augment
            self.epochs = epochs
            self.batch = batch
            self.lr = lr
            self.lrSchedule = lrSchedule
            self.optimizer = optimizer
            self.seed = seed
            self.threads = threads
            self.evalEvery = evalEvery
            self.sparsity = sparsity
        }

        enum CodingKeys: String, CodingKey {
            case model, data, augment, epochs, batch, lr
            case lrSchedule = "lr_schedule"
            case optimizer, seed, threads
            case evalEvery = "eval_every"
            case sparsity
        }
    }

    /// The learning-rate schedule: its name and warm-up, and the settings of its kind
    /// (`every` and `gamma` for step, `minimum_factor` for cosine; absent for the others).
    public struct LearningRateSchedule: Sendable, Equatable, Codable {
        public var name: String?
        public var warmupSteps: Int?
        public var every: Int?
        public var gamma: Double?
        public var minimumFactor: Double?

        public init(name: String? = nil, warmupSteps: Int? = nil, every: Int? = nil, gamma: Double? = nil, minimumFactor: Double? = nil) {
            self.name = name
            self.warmupSteps = warmupSteps
            self.every = every
            self.gamma = gamma
            self.minimumFactor = minimumFactor
        }

        enum CodingKeys: String, RunLogOmittedKeys {
            case name
            case warmupSteps = "warmup_steps"
            case every, gamma
            case minimumFactor = "minimum_factor"
            static let omittedWhenAbsent: Set = ["every", "gamma", "minimum_factor"]
        }
    }

    /// The optimizer: its name and the settings of its kind (SGD's momentum and Nesterov
    /// flag, Adam's betas and epsilon; absent for the other), and the weight decay.
    public struct Optimizer: Sendable, Equatable, Codable {
        public var name: String?
        public var momentum: Double?
        public var nesterov: Bool?
        public var beta1: Double?
        public var beta2: Double?
        public var epsilon: Double?
        public var weightDecay: Double?

        public init(name: String? = nil, momentum: Double? = nil, nesterov: Bool? = nil, beta1: Double? = nil, beta2: Double? = nil,
                    epsilon: Double? = nil, weightDecay: Double? = nil) {
            self.name = name
            self.momentum = momentum
            self.nesterov = nesterov
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
        }

        enum CodingKeys: String, RunLogOmittedKeys {
            case name, momentum, nesterov, beta1, beta2, epsilon
            case weightDecay = "weight_decay"
            static let omittedWhenAbsent: Set = ["momentum", "nesterov", "beta1", "beta2", "epsilon", "weight_decay"]
        }
    }

    /// The sparsification asked for; schedule, budget and granularity are null where the
    /// method's default applies.
    public struct Sparsity: Sendable, Equatable, Codable {
        public var method: String?
        /// The final target sparsity.
        public var target: Double?
        public var schedule: String?
        public var budget: String?
        public var granularity: String?
        /// The method's options, by name.
        public var options: RunLogNumbers?

        public init(method: String? = nil, target: Double? = nil, schedule: String? = nil, budget: String? = nil,
                    granularity: String? = nil, options: RunLogNumbers? = nil) {
            self.method = method
            self.target = target
            self.schedule = schedule
            self.budget = budget
            self.granularity = granularity
            self.options = options
        }
    }

    /// The data: its name and where it came from, its split sizes and its images.
    public struct Dataset: Sendable, Equatable, Codable {
        public var name: String?
        public var source: String?
        public var train: Int?
        public var test: Int?
        /// Absent from logs written before colour images: greyscale.
        public var channels: Int?
        public var rows: Int?
        public var columns: Int?
        public var classes: Int?

        public init(name: String? = nil, source: String? = nil, train: Int? = nil, test: Int? = nil, channels: Int? = nil,
                    rows: Int? = nil, columns: Int? = nil, classes: Int? = nil) {
            self.name = name
            self.source = source
            self.train = train
            self.test = test
            self.channels = channels
            self.rows = rows
            self.columns = columns
            self.classes = classes
        }
    }

    public struct PrunableTensor: Sendable, Equatable, Codable {
        public var name: String?
        public var params: Int?

        public init(name: String? = nil, params: Int? = nil) {
            self.name = name
            self.params = params
        }
    }

    /// The recipe's path as given, the size and CRC-32 of the text that ran ("0x" and 8
    /// hex digits), and the `--set` overrides in order.
    public struct Recipe: Sendable, Equatable, Codable {
        public var path: String?
        public var bytes: Int?
        public var crc32: String?
        public var overrides: [String]?

        public init(path: String? = nil, bytes: Int? = nil, crc32: String? = nil, overrides: [String]? = nil) {
            self.path = path
            self.bytes = bytes
            self.crc32 = crc32
            self.overrides = overrides
        }
    }

    public struct ResumedFrom: Sendable, Equatable, Codable {
        public var checkpoint: String?
        public var step: Int?

        public init(checkpoint: String? = nil, step: Int? = nil) {
            self.checkpoint = checkpoint
            self.step = step
        }
    }
}
