/// Per prunable tensor (in engine order), the operand densities of one training step:
/// see `SparsityEngine.stepOperandDensities`.
public struct OperandDensities: Sendable, Equatable {
    /// Weights as the forward pass and the input gradient multiply them.
    public var weights: [Double]
    /// The input activation of the weight gradient.
    public var activations: [Double]

    public init(weights: [Double], activations: [Double]) {
        self.weights = weights
        self.activations = activations
    }
}

/// What a run's training steps have multiplied so far, as sums over steps of samples x
/// operand density, per prunable tensor. A layer's dense multiply-adds per sample times
/// these sums give its cumulative training MACs (`Metrics.FLOPModel.cumulative`): the
/// figure SWAT's "Train FLOPs" columns give for a whole run (Raihan & Aamodt 2020,
/// arXiv:2001.01969, Tables 2-4), through a gradual schedule, dense phases and all.
/// Checkpoints keep it, so a resumed run goes on counting from where it stopped.
public struct TrainingComputeLedger: Sendable, Equatable {
    /// Training samples seen by the steps counted.
    public var samples: Double = 0
    /// Per tensor: Σ over steps of samples x weight density.
    public var weightSamples: [Double]
    /// Per tensor: Σ over steps of samples x weight-gradient input-activation density.
    public var activationSamples: [Double]
    /// The step the count starts at: 0, or where a run resumed from a checkpoint that
    /// predates the ledger.
    public var fromStep: Int

    public init(tensorCount: Int, fromStep: Int = 0) {
        weightSamples = Array(repeating: 0, count: tensorCount)
        activationSamples = Array(repeating: 0, count: tensorCount)
        self.fromStep = fromStep
    }

    public init(samples: Double, weightSamples: [Double], activationSamples: [Double], fromStep: Int) {
        self.samples = samples
        self.weightSamples = weightSamples
        self.activationSamples = activationSamples
        self.fromStep = fromStep
    }

    mutating func record(samples count: Int, densities: OperandDensities) {
        precondition(densities.weights.count == weightSamples.count && densities.activations.count == activationSamples.count,
                     "operand densities for \(densities.weights.count) tensors, ledger for \(weightSamples.count)")
        let n = Double(count)
        samples += n
        for l in weightSamples.indices {
            weightSamples[l] += n * densities.weights[l]
            activationSamples[l] += n * densities.activations[l]
        }
    }
}
