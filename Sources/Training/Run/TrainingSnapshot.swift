/// The weights of one parameterised tensor at snapshot time, as the forward pass sees
/// them, with counts; prunable tensors also carry their mask.
public struct LayerSnapshot: Sendable {
    public var name: String
    public var shape: [Int]
    public var isPrunable: Bool
    public var weights: [Float]
    /// Active weights: kept by the mask and not zero; what a sparse format stores.
    /// (DropBack's untracked weights hold their initial values but are not stored or
    /// trained, so they do not count here; they do in `computedNonzeroCount`.)
    public var nonzeroCount: Int
    /// Non-zero weights as the forward pass multiplies them (`weights` != 0), mask or not.
    public var computedNonzeroCount: Int
    /// 0/1 per weight (prunable tensors only).
    public var mask: [Float]?
    /// The sparsity the budget assigns this tensor now (prunable tensors only).
    public var targetSparsity: Double?

    public init(parameter: Parameter, effectiveWeights: [Float]? = nil, mask: [Float]? = nil, targetSparsity: Double? = nil) {
        name = parameter.name
        shape = parameter.shape
        isPrunable = parameter.isPrunable
        weights = effectiveWeights ?? parameter.value
        computedNonzeroCount = weights.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        if let mask {
            nonzeroCount = zip(weights, mask).reduce(0) { $0 + ($1.0 != 0 && $1.1 != 0 ? 1 : 0) }
        } else {
            nonzeroCount = computedNonzeroCount
        }
        self.mask = mask
        self.targetSparsity = targetSparsity
    }

    public var parameterCount: Int { weights.count }
}

/// Exact zeros among one ReLU's outputs over the last evaluation.
public struct ActivationZeroCount: Sendable, Equatable {
    public var layer: String
    public var elements: Int
    public var zeros: Int

    public init(layer: String, elements: Int, zeros: Int) {
        self.layer = layer
        self.elements = elements
        self.zeros = zeros
    }
}

/// The sparsification state of a run.
public struct SparsitySnapshot: Sendable {
    public var method: String
    /// Final target sparsity, and the target the schedule sets now.
    public var target: Double
    public var scheduledTarget: Double
    /// Measured over the prunable weights' masks.
    public var measured: Double
    public var schedule: String
    public var budget: String
    public var granularity: String
    /// The settings in force (method defaults filled in), for knobs that edit them.
    public var activeSchedule: SparsitySchedule
    public var activeBudget: LayerBudget
    public var activeGranularity: Granularity
    /// The schedule's phase (dense, pruning, fine-tune...) or the method's own.
    public var phase: TrainingPhase
    public var lastUpdateStep: Int?
    /// Weights whose mask changed in the last update.
    public var lastMaskChurn: Int
    public var statistics: [MethodStatistic]
    /// What the method makes sparse in the computation (FLOPs count from it).
    public var operands: SparsifiedOperands
    /// Per prunable tensor, the non-zero fraction of the weight gradient's input
    /// activation at the last step, for methods that sparsify it (SWAT); nil otherwise.
    public var activationDensities: [Double]?
    /// The form of the method that runs, when it has several (`SparsityMethod.variantLabel`).
    public var variantLabel: String? = nil
    /// What becomes of masked weights; held at their initial values, their distance from
    /// initialisation is what the method ranks (DropBack).
    public var maskedWeights: MaskedWeightPolicy = .zeroed
}

/// One evaluation of the run, as Occam's hill reads it: every evaluation is kept, so a
/// dashboard that draws fewer frames than the run evaluates still sees them all.
public struct EvaluationRecord: Sendable, Equatable {
    public var step: Int
    /// Sparsity of the stored prunable weights (kept by the mask and non-zero).
    public var sparsity: Double
    public var accuracy: Double
    /// DropBack: the accuracy with the untracked weights zeroed.
    public var prunedAccuracy: Double?
    /// The engine's phase at the evaluation.
    public var phase: TrainingPhase

    public init(step: Int, sparsity: Double, accuracy: Double, prunedAccuracy: Double?, phase: TrainingPhase) {
        self.step = step
        self.sparsity = sparsity
        self.accuracy = accuracy
        self.prunedAccuracy = prunedAccuracy
        self.phase = phase
    }
}

/// An immutable picture of a run, published by the trainer and read by any thread.
public struct TrainingSnapshot: Sendable {
    public var state: RunStatus
    public var model: String
    public var dataset: String
    public var step: Int
    public var totalSteps: Int
    public var stepsPerEpoch: Int
    /// Mean training loss and accuracy since the previous evaluation.
    public var trainLoss: Double
    public var trainAccuracy: Double
    /// Mean training loss over the steps since the previous snapshot (for live curves).
    public var recentLoss: Double
    public var testAccuracy: Double?
    /// DropBack: the accuracy at that evaluation with the untracked weights zeroed (see
    /// `TrainingSession.Evaluation.prunedAccuracy`); nil for other methods.
    public var prunedTestAccuracy: Double?
    public var testLoss: Double?
    /// The step at which `testAccuracy` and `testLoss` were measured.
    public var evaluationStep: Int?
    /// The predicted class of every test sample at that evaluation, and the true labels
    /// (for per-class accuracy); empty before the first evaluation.
    public var testPredictions: [UInt8]
    public var testLabels: [UInt8]
    /// ReLU output zeros at the last evaluation (activation sparsity); empty before one.
    public var activationZeros: [ActivationZeroCount]
    public var learningRate: Float
    public var baseLearningRate: Float
    /// Training samples per second of step time since the previous snapshot.
    public var samplesPerSecond: Double
    public var samplesSeen: Int
    /// Time spent inside training steps, and wall time since the run started.
    public var trainingSeconds: Double
    public var elapsedSeconds: Double
    /// Parameterised tensors (weights and biases), in network order.
    public var layers: [LayerSnapshot]
    public var sparsity: SparsitySnapshot
    /// What the run's training steps have multiplied so far.
    public var compute: TrainingComputeLedger
    /// Every evaluation of the run so far, in order (shared, not copied, between snapshots).
    public var evaluations: [EvaluationRecord]
    /// The latest thing worth telling the user ("learning rate 0.05 → 0.02 at step 1,200").
    public var message: String?
    /// How fast the run is let go (a recorded run: full speed, as it is not known).
    public var pace = RunPace.fullSpeed
    /// Set while the run is paused because its phase changed; nil once it goes on.
    public var pausedAtPhaseChange: PhaseChange?
    /// The latest method-switch preview asked for.
    public var methodSwitchPreview: MethodSwitchPreview?
    /// The method switch `undoMethodSwitch` would take back; nil when there is none.
    public var undoableMethodSwitch: UndoableMethodSwitch?
    /// The model's buffers (batch-norm running statistics...) by name; empty in a replay.
    public var buffers: [String: [Float]] = [:]

    /// Completed epochs as a fraction, e.g. 2.5.
    public var epochProgress: Double { Double(step) / Double(max(stepsPerEpoch, 1)) }
    /// The 1-based epoch the run is in.
    public var epoch: Int { min(step / max(stepsPerEpoch, 1) + 1, totalSteps / max(stepsPerEpoch, 1)) }
    public var fractionComplete: Double { Double(step) / Double(max(totalSteps, 1)) }
    /// Seconds of training left at the current rate, or at the pace when that is slower,
    /// when known.
    public var estimatedSecondsRemaining: Double? {
        guard samplesPerSecond > 0, step > 0 else { return nil }
        let samplesPerStep = Double(samplesSeen) / Double(step)
        let stepsPerSecond = min(samplesPerSecond / max(samplesPerStep, 1), pace.stepsPerSecond ?? .infinity)
        return Double(totalSteps - step) / stepsPerSecond
    }
}
