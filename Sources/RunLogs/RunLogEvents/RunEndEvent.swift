import Training

/// `done`, `stopped` or `diverged` (the outcome is the event's name): the run's last line,
/// with its final accuracy when it was evaluated at its last step.
public struct RunEndEvent: Sendable, Equatable, Codable, RunLogSparsityFields, RunLogFLOPFields {
    /// The line's `"event"`, not one of its fields.
    public var outcome: RunOutcome = .done
    public var step: Int
    public var epoch: Double?
    public var testAccuracy: Double?
    /// DropBack: the final accuracy with the untracked weights zeroed.
    public var prunedTestAccuracy: Double?
    public var testLoss: Double?
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
    /// Wall time since the run started, and the time spent inside training steps.
    public var seconds: Double?
    public var trainingSeconds: Double?
    /// Training samples per second of step time over the whole run.
    public var samplesPerSecond: Double?
    public var message: String?

    public init(_ outcome: RunOutcome, step: Int) {
        self.outcome = outcome
        self.step = step
    }

    /// `last_update_step` came after schema 1: left out when absent, so older lines read
    /// and are written again as they were.
    enum CodingKeys: String, RunLogOmittedKeys {
        static let omittedWhenAbsent: Set = ["last_update_step"]
        case step, epoch
        case testAccuracy = "test_acc", prunedTestAccuracy = "test_acc_pruned", testLoss = "test_loss"
        case method, phase, target, sparsity, compression
        case maskChurn = "mask_churn", lastUpdateStep = "last_update_step"
        case sparsified
        case stepTrainFLOPsReduction = "step_train_flops_reduction", inferenceFLOPsReduction = "inference_flops_reduction"
        case trainMACs = "train_macs", trainMACsDense = "train_macs_dense", trainFLOPsReduction = "train_flops_reduction"
        case trainMACsFromStep = "train_macs_from_step"
        case seconds
        case trainingSeconds = "training_seconds"
        case samplesPerSecond = "samples_per_s"
        case message
    }
}
