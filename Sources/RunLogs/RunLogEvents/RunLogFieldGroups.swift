import Metrics
import Training

/// The sparsity fields `progress`, `eval` and the end events share, flat in each line:
/// the method, the phase, the schedule's target now, the measured sparsity and
/// compression of the stored prunable weights (kept by the mask and non-zero; for DropBack,
/// its tracked weights), the last mask update's churn and step.
public protocol RunLogSparsityFields {
    var method: String? { get set }
    var phase: TrainingPhase? { get set }
    var target: Double? { get set }
    var sparsity: Double? { get set }
    var compression: Double? { get set }
    var maskChurn: Int? { get set }
    var lastUpdateStep: Int? { get set }
}

/// The FLOP fields `eval` and the end events share (`FLOPModel`): what the method makes
/// sparse, one training step's and one inference's reductions now, and the run's training
/// multiply-adds so far, actual and dense-equivalent, counted from `trainMACsFromStep`.
public protocol RunLogFLOPFields {
    var sparsified: String? { get set }
    var stepTrainFLOPsReduction: Double? { get set }
    var inferenceFLOPsReduction: Double? { get set }
    var trainMACs: Double? { get set }
    var trainMACsDense: Double? { get set }
    var trainFLOPsReduction: Double? { get set }
    var trainMACsFromStep: Int? { get set }
}
