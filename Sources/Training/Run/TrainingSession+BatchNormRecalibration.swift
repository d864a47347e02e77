extension TrainingSession {
    /// Whether the network normalises with running statistics somewhere (batch norm).
    public var hasBatchNorm: Bool { model.buffers.contains(where: Self.isRunningStatistic) }

    private static func isRunningStatistic(_ buffer: Buffer) -> Bool {
        buffer.name.hasSuffix(".running_mean") || buffer.name.hasSuffix(".running_var")
    }

    /// Estimates every batch norm's running statistics again, for the weights as they are
    /// now (masked): the plain average over `batches` training batches drawn with `seed`,
    /// never augmented, of each batch's mean and unbiased variance, from forward passes in
    /// training mode. Pruning a layer shifts the statistics of what follows it; evaluating
    /// with the dense network's statistics then measures that shift as much as the pruning
    /// ("adaptive batch normalization", Li et al. 2020, EagleEye, arXiv:2007.02491, §3.2).
    /// Nothing else changes: parameters, the optimizer, the step, the training order and
    /// dropout's pass counters stay as they were. Without batch norm it does nothing.
    public func recalibrateBatchNorm(batches: Int, seed: UInt64) {
        guard batches > 0, hasBatchNorm else { return }
        var generator = SeededGenerator(seed: seed)
        let size = min(config.batchSize, dataset.trainCount)
        let others = model.buffers.filter { !Self.isRunningStatistic($0) }, kept = others.map(\.values)
        for layer in model.layers { layer.setAveragesRunningStatistics(true) }
        defer {
            for layer in model.layers { layer.setAveragesRunningStatistics(false) }
            for (buffer, values) in zip(others, kept) { buffer.values = values }
        }
        sparsity.withEffectiveWeights {
            for _ in 0..<batches {
                let indices = (0..<size).map { _ in Int32(generator.next() % UInt64(dataset.trainCount)) }
                _ = model.forward(sampler.batch(trainIndices: indices[...]).images, isTraining: true)
            }
        }
    }
}
