import DashboardModel
import Metrics
import Training

/// `eval`: one evaluation on the test set, with the prunable layers' counts and weight
/// histograms, the method's statistics and the dashboard's panels (`frame`).
public struct RunEvaluationEvent: Sendable, Equatable, Codable, RunLogSparsityFields, RunLogFLOPFields {
    public var step: Int
    /// Completed epochs, e.g. 2.5.
    public var epoch: Double?
    /// Mean training loss and accuracy since the previous evaluation.
    public var trainLoss: Double?
    public var trainAccuracy: Double?
    public var testLoss: Double?
    public var testAccuracy: Double?
    /// DropBack: the accuracy with the untracked weights zeroed; null for other methods.
    public var prunedTestAccuracy: Double?
    public var lr: Double?
    public var method: String?
    public var phase: TrainingPhase?
    public var target: Double?
    public var sparsity: Double?
    public var compression: Double?
    public var maskChurn: Int?
    /// The step of the last mask update (absent before the first, and in older logs).
    public var lastUpdateStep: Int?
    public var sparsified: String?
    public var stepTrainFLOPsReduction: Double?
    public var inferenceFLOPsReduction: Double?
    public var trainMACs: Double?
    public var trainMACsDense: Double?
    public var trainFLOPsReduction: Double?
    public var trainMACsFromStep: Int?
    /// The prunable layers, in network order.
    public var layers: [Layer]?
    public var methodStats: RunLogNumbers?
    /// The network's average fraction of zero ReLU outputs over the evaluation.
    public var activationSparsity: Double?
    public var samplesPerSecond: Double?
    public var seconds: Double?
    /// Null when the recorder had none (and in logs written before it recorded them).
    public var frame: RecordedFrame?

    public init(step: Int) {
        self.step = step
    }

    /// `last_update_step` came after schema 1: left out when absent, so older lines read
    /// and are written again as they were.
    enum CodingKeys: String, RunLogOmittedKeys {
        static let omittedWhenAbsent: Set = ["last_update_step"]
        case step, epoch
        case trainLoss = "train_loss", trainAccuracy = "train_acc"
        case testLoss = "test_loss", testAccuracy = "test_acc", prunedTestAccuracy = "test_acc_pruned"
        case lr, method, phase, target, sparsity, compression
        case maskChurn = "mask_churn", lastUpdateStep = "last_update_step"
        case sparsified
        case stepTrainFLOPsReduction = "step_train_flops_reduction", inferenceFLOPsReduction = "inference_flops_reduction"
        case trainMACs = "train_macs", trainMACsDense = "train_macs_dense", trainFLOPsReduction = "train_flops_reduction"
        case trainMACsFromStep = "train_macs_from_step"
        case layers
        case methodStats = "method_stats", activationSparsity = "activation_sparsity"
        case samplesPerSecond = "samples_per_s"
        case seconds, frame
    }

    /// One prunable layer at the evaluation.
    public struct Layer: Sendable, Equatable, Codable {
        public var name: String?
        /// The weight tensor's dimensions ([out, in] for Dense); absent from older logs.
        public var shape: [Int]?
        public var params: Int?
        /// Stored weights: kept by the mask and non-zero.
        public var nonzero: Int?
        /// Non-zero weights as the forward pass multiplies them, mask or not.
        public var computed: Int?
        /// The non-zero fraction of the weight gradient's input activation (SWAT); null otherwise.
        public var activationDensity: Double?
        /// The layer's own target under the layer budget; null when it has none.
        public var target: Double?
        /// Absent from older logs.
        public var histogram: Histogram?

        public init(name: String? = nil, shape: [Int]? = nil, params: Int? = nil, nonzero: Int? = nil, computed: Int? = nil,
                    activationDensity: Double? = nil, target: Double? = nil, histogram: Histogram? = nil) {
            self.name = name
            self.shape = shape
            self.params = params
            self.nonzero = nonzero
            self.computed = computed
            self.activationDensity = activationDensity
            self.target = target
            self.histogram = histogram
        }

        enum CodingKeys: String, CodingKey {
            case name, shape, params, nonzero, computed
            case activationDensity = "activation_density"
            case target, histogram
        }
    }

    /// A layer's weights in equal bins over [lower, upper], kept and pruned counted apart.
    public struct Histogram: Sendable, Equatable, Codable {
        public var lower: Double?
        public var upper: Double?
        public var kept: [Int]?
        public var pruned: [Int]?

        public init(lower: Double? = nil, upper: Double? = nil, kept: [Int]? = nil, pruned: [Int]? = nil) {
            self.lower = lower
            self.upper = upper
            self.kept = kept
            self.pruned = pruned
        }
    }
}
