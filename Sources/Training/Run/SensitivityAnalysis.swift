/// Per-layer sensitivity of a trained network (Han et al. 2015, "Learning both Weights and
/// Connections for Efficient Neural Networks", arXiv:1506.02626, figure 5):
/// each prunable layer pruned alone by magnitude to each sparsity, the others dense, then
/// optionally fine-tuned for a few steps with that mask, its batch norms' statistics
/// estimated again for it (`TrainingSession.recalibrateBatchNorm`), and evaluated on the session's
/// test part (give it a `HeldOutSplit`'s data set: a slice of the training set). The
/// session is put back to its state before each point (weights, masks, optimizer, step),
/// so every point starts from the same network and the result is the same for the same
/// session.
public struct SensitivityAnalysis: Sendable {
    /// Ascending, each in (0, 1).
    public var sparsities: [Double]
    public var fineTuneSteps: Int
    /// Constant over the fine-tune steps.
    public var fineTuneLearningRate: Float
    /// Training batches each point's batch-norm statistics are averaged over (0: the dense
    /// network's are kept).
    public var batchNormBatches: Int

    public init(sparsities: [Double], fineTuneSteps: Int = 0, fineTuneLearningRate: Float = 0, batchNormBatches: Int = 0) {
        self.sparsities = sparsities
        self.fineTuneSteps = fineTuneSteps
        self.fineTuneLearningRate = fineTuneLearningRate
        self.batchNormBatches = batchNormBatches
    }

    /// `session` must be dense (no mask) and its method must leave masks alone between
    /// steps (`dense`). `progress` is called after each point with the layer's and the
    /// sparsity's index.
    public func run(on session: TrainingSession, progress: (Int, Int) -> Void = { _, _ in }) throws -> SensitivityCurves {
        precondition(session.sparsity.measuredSparsity == 0 && session.sparsity.method.name == "dense",
                     "SensitivityAnalysis: the session must be dense")
        let start = Checkpoint(session: session)
        // The baseline's statistics are estimated the same way as each point's.
        session.recalibrateBatchNorm(batches: batchNormBatches, seed: session.config.seed)
        let dense = session.evaluate()
        try session.restore(start)
        let prunable = session.sparsity.prunable
        var layers: [SensitivityCurves.Layer] = []
        for (l, parameter) in prunable.enumerated() {
            var layer = SensitivityCurves.Layer(name: parameter.name, shape: parameter.shape, accuracies: [], losses: [])
            for (index, sparsity) in sparsities.enumerated() {
                var masks = session.sparsity.masks
                masks[l] = MaskSelection.mask(scores: parameter.value.map(abs),
                                              keep: MaskSelection.keepCount(count: parameter.value.count, sparsity: sparsity))
                session.sparsity.setMasks(masks)
                for _ in 0..<fineTuneSteps { session.trainStep(fixedLearningRate: fineTuneLearningRate) }
                // The same batches for every point: the points differ by their masks alone.
                session.recalibrateBatchNorm(batches: batchNormBatches, seed: session.config.seed)
                let evaluation = session.evaluate()
                layer.accuracies.append(evaluation.accuracy)
                layer.losses.append(evaluation.loss)
                try session.restore(start)
                progress(l, index)
            }
            layers.append(layer)
        }
        return SensitivityCurves(sparsities: sparsities, denseAccuracy: dense.accuracy, denseLoss: dense.loss, layers: layers)
    }
}
