/// Snapshots rebuilt from a run's log (replay): the run's numbers without its weights.
/// Layers keep their names, shapes and counts; panels that need the weights come from what
/// the log recorded instead.
extension LayerSnapshot {
    public init(recordedName name: String, shape: [Int], nonzeroCount: Int, targetSparsity: Double?) {
        self.name = name
        self.shape = shape
        isPrunable = true
        weights = []
        self.nonzeroCount = nonzeroCount
        computedNonzeroCount = nonzeroCount
        mask = nil
        self.targetSparsity = targetSparsity
    }
}

extension SparsitySnapshot {
    public init(recordedMethod method: String, target: Double, scheduledTarget: Double, measured: Double, phase: TrainingPhase,
                lastUpdateStep: Int?, lastMaskChurn: Int = 0, statistics: [MethodStatistic] = []) {
        self.method = method
        self.target = target
        self.scheduledTarget = scheduledTarget
        self.measured = measured
        schedule = "recorded"
        budget = "recorded"
        granularity = "recorded"
        activeSchedule = .constant
        activeBudget = LayerBudget(.global)
        activeGranularity = .weights
        self.phase = phase
        self.lastUpdateStep = lastUpdateStep
        self.lastMaskChurn = lastMaskChurn
        self.statistics = statistics
        operands = .weights
        activationDensities = nil
        maskedWeights = MethodRegistry.descriptor(named: method)
            .map { $0.make(MethodOptions(values: [:], descriptor: $0)).declaration.maskedWeights } ?? .zeroed
    }
}

extension TrainingSnapshot {
    public init(recordedState state: RunStatus, model: String, dataset: String, step: Int, totalSteps: Int, stepsPerEpoch: Int,
                recentLoss: Double, testAccuracy: Double?, prunedTestAccuracy: Double? = nil, testLoss: Double?, evaluationStep: Int?,
                learningRate: Float,
                samplesPerSecond: Double, elapsedSeconds: Double, layers: [LayerSnapshot], sparsity: SparsitySnapshot,
                evaluations: [EvaluationRecord] = [], message: String?) {
        self.state = state
        self.model = model
        self.dataset = dataset
        self.step = step
        self.totalSteps = totalSteps
        self.stepsPerEpoch = stepsPerEpoch
        trainLoss = recentLoss
        trainAccuracy = 0
        self.recentLoss = recentLoss
        self.testAccuracy = testAccuracy
        self.testLoss = testLoss
        self.evaluationStep = evaluationStep
        testPredictions = []
        testLabels = []
        activationZeros = []
        self.learningRate = learningRate
        baseLearningRate = learningRate
        self.samplesPerSecond = samplesPerSecond
        samplesSeen = 0
        trainingSeconds = elapsedSeconds
        self.elapsedSeconds = elapsedSeconds
        self.layers = layers
        self.sparsity = sparsity
        self.prunedTestAccuracy = prunedTestAccuracy
        compute = TrainingComputeLedger(tensorCount: 0)
        self.evaluations = evaluations
        self.message = message
    }
}
