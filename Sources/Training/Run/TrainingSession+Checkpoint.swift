extension TrainingSession {
    /// Continues the run saved in `checkpoint`, on `dataset` (which must be the one it
    /// trained on, unless `allowingDataChange`), at the step it was saved at.
    public convenience init(checkpoint: Checkpoint, dataset: ImageDataset, allowingDataChange: Bool = false) throws {
        try self.init(unstartedWith: checkpoint.config, dataset: dataset)
        try restore(checkpoint, allowingDataChange: allowingDataChange)
    }

    /// Puts this session back to `checkpoint`: weights, masks, optimizer and method state,
    /// step, learning-rate offset and base rate. `config` stays as it is (the checkpoint's
    /// sparsity settings go to the engine). Throws a `CheckpointError` without changing
    /// anything when the checkpoint is for another model or data set; one whose saved
    /// state does not fit (possible only for a damaged or hand-made checkpoint) throws
    /// with the session partly restored.
    public func restore(_ checkpoint: Checkpoint, allowingDataChange: Bool = false) throws {
        try checkFits(checkpoint, allowingDataChange: allowingDataChange)
        let file = checkpoint.fileName
        prefetcher.discard()
        do {
            try optimizer.restoreState(checkpoint.optimizer)
        } catch {
            throw CheckpointError.malformed(file: file, section: "optimizer state", problem: "\(error)")
        }
        for (parameter, saved) in zip(model.parameters, checkpoint.parameters) { parameter.value = saved.values }
        for (buffer, saved) in zip(model.buffers, checkpoint.parameters.dropFirst(model.parameters.count)) { buffer.values = saved.values }
        do {
            try sparsity.restore(checkpoint.sparsity, config: checkpoint.config.sparsity)
        } catch {
            throw CheckpointError.malformed(file: file, section: "method state",
                                            problem: "\(checkpoint.config.sparsity.method): \(error)")
        }
        step = checkpoint.step
        learningRateStepOffset = checkpoint.learningRateStepOffset
        baseLearningRate = checkpoint.config.learningRate
    }

    /// The checkpoint's tensors must be this model's parameters and buffers, by name and
    /// shape, in order, and its data set this session's (by content, for checkpoints that
    /// record it).
    private func checkFits(_ checkpoint: Checkpoint, allowingDataChange: Bool) throws {
        let file = checkpoint.fileName
        let saved = checkpoint.parameters
        let current = model.parameters.map { (name: $0.name, shape: $0.shape) } + model.buffers.map { (name: $0.name, shape: $0.shape) }
        for index in 0..<max(saved.count, current.count) {
            let problem: String? = if index >= saved.count {
                "it has no \(current[index].name) (\(model.name) has \(current.count) parameters, the checkpoint \(saved.count))"
            } else if index >= current.count {
                "\(model.name) has no \(saved[index].name) (it has \(current.count) parameters, the checkpoint \(saved.count))"
            } else if saved[index].name != current[index].name {
                "parameter \(index + 1) is \(saved[index].name) in the checkpoint, \(current[index].name) in \(model.name)"
            } else if saved[index].shape != current[index].shape {
                "\(current[index].name) is \(saved[index].shape) in the checkpoint, \(current[index].shape) in \(model.name)"
            } else {
                nil
            }
            if let problem { throw CheckpointError.modelMismatch(file: file, problem: problem) }
        }
        let changes = checkpoint.dataset.changes(to: Checkpoint.Dataset(dataset))
        guard changes.isEmpty || allowingDataChange else {
            throw CheckpointError.datasetMismatch(file: file, checkpoint: checkpoint.dataset.description, changes: changes)
        }
    }
}
