/// The trainer's running totals. Checkpoints keep them, so that a resumed run reports
/// the same train loss and accuracy at its next evaluation as the uninterrupted run.
public struct TrainerProgress: Sendable {
    /// Sums over the training steps since the last evaluation.
    public var lossSinceEvaluation = 0.0
    public var correctSinceEvaluation = 0
    public var samplesSinceEvaluation = 0
    public var stepsSinceEvaluation = 0
    public var samplesSeen = 0
    /// Time spent inside training steps.
    public var trainingSeconds = 0.0
    public var lastEvaluation: TrainingSession.Evaluation?
    /// The step at which `lastEvaluation` was measured.
    public var lastEvaluationStep: Int?
    /// What the training steps have multiplied, summed over the run.
    public var compute = TrainingComputeLedger(tensorCount: 0)
    /// Every evaluation so far, in order.
    public var evaluations: [EvaluationRecord] = []

    public init() {}

    /// Mean training loss and accuracy since the last evaluation (NaN before any step).
    public var trainLoss: Double { stepsSinceEvaluation > 0 ? lossSinceEvaluation / Double(stepsSinceEvaluation) : .nan }
    public var trainAccuracy: Double {
        samplesSinceEvaluation > 0 ? Double(correctSinceEvaluation) / Double(samplesSinceEvaluation) : .nan
    }

    mutating func add(_ step: TrainingSession.StepResult) {
        lossSinceEvaluation += step.loss
        correctSinceEvaluation += step.correct
        samplesSinceEvaluation += step.samples
        stepsSinceEvaluation += 1
        if let densities = step.densities {
            if compute.weightSamples.isEmpty && compute.samples == 0 {
                compute = TrainingComputeLedger(tensorCount: densities.weights.count, fromStep: compute.fromStep)
            }
            compute.record(samples: step.samples, densities: densities)
        }
    }

    mutating func record(_ evaluation: TrainingSession.Evaluation, atStep step: Int) {
        lastEvaluation = evaluation
        lastEvaluationStep = step
    }

    mutating func clearSinceEvaluation() {
        lossSinceEvaluation = 0
        correctSinceEvaluation = 0
        samplesSinceEvaluation = 0
        stepsSinceEvaluation = 0
    }
}
