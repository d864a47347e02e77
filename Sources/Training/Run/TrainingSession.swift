import Foundation

/// One training run's state and its step function, with no threading of its own.
/// `Trainer` drives it from its queue; benchmarks and tests drive it directly.
public final class TrainingSession {
    public let config: RunConfig
    public let dataset: ImageDataset
    public let model: Model
    public let sampler: BatchSampler
    public let optimizer: any Optimizer
    /// The base learning rate the schedule scales; a live knob.
    public var baseLearningRate: Float
    public internal(set) var step = 0
    /// The learning-rate schedule reads step - offset (lottery rewinding moves it back).
    public internal(set) var learningRateStepOffset = 0
    /// Masks and the active sparsification method.
    public private(set) var sparsity: SparsityEngine!
    private var order: [Int32] = []
    private var orderEpoch = -1
    /// The loss gradient of the training step, rewritten at each step.
    private var lossGradient = ReusedTensor()
    let prefetcher: BatchPrefetcher

    public struct StepResult: Sendable {
        public var loss: Double
        public var correct: Int
        public var samples: Int
        /// What the step multiplied (nil for a step abandoned on a non-finite loss).
        public var densities: OperandDensities?
    }

    public struct Evaluation: Sendable, Equatable {
        public var accuracy: Double
        public var loss: Double
        /// Exact zeros of each ReLU's outputs over the test set.
        public var activationZeros: [ActivationZeroCount]
        /// The predicted class of every test sample, in test-set order.
        public var predictions: [UInt8]
        /// For a method whose masked weights still take part in the computation (DropBack's
        /// untracked weights at their initial values): the accuracy of the pruned network,
        /// every masked weight at zero. Nil when the mask already zeroes what it masks.
        public var prunedAccuracy: Double?

        public init(accuracy: Double, loss: Double, activationZeros: [ActivationZeroCount], predictions: [UInt8],
                    prunedAccuracy: Double? = nil) {
            self.accuracy = accuracy
            self.loss = loss
            self.activationZeros = activationZeros
            self.predictions = predictions
            self.prunedAccuracy = prunedAccuracy
        }
    }

    public convenience init(config: RunConfig, dataset: ImageDataset) throws {
        try self.init(unstartedWith: config, dataset: dataset)
        sparsity.begin()
    }

    /// Everything set up at step 0 but the sparsification method, which has not begun:
    /// a new run begins it, a restored one restores it.
    init(unstartedWith config: RunConfig, dataset: ImageDataset) throws {
        try config.validate()
        guard config.batchSize <= dataset.trainCount else {
            throw RunConfigError.batchLargerThanData(batch: config.batchSize, trainCount: dataset.trainCount)
        }
        self.config = config
        self.dataset = dataset
        sampler = BatchSampler(dataset: dataset, batchSize: config.batchSize, seed: config.seed,
                               augmentation: config.augmentation)
        prefetcher = BatchPrefetcher(sampler: sampler)
        model = try config.makeModel(inputShape: sampler.sampleShape, classCount: dataset.classCount)
        optimizer = config.optimizer.makeOptimizer(for: model.parameters)
        baseLearningRate = config.learningRate
        sparsity = try SparsityEngine(config: config.sparsity, prunable: model.prunableParameters,
                                      totalSteps: totalSteps, stepsPerEpoch: stepsPerEpoch, seed: config.seed,
                                      services: makeSparsityServices())
    }

    /// Called while the model is as made (a restored run's values come after): the
    /// initial values of its other parameters and statistics are read here.
    private func makeSparsityServices() -> SparsityServices {
        let prunable = model.prunableParameters
        let fanIns = prunable.map { $0.shape.dropFirst().reduce(1, *) }
        let description = model.description
        precondition(description.prunableLayers.map(\.weight) == prunable.map(\.name),
                     "\(model.name): the description's prunable layers are not the prunable parameters, in order")
        let others = model.parameters.filter { !$0.isPrunable }
        let statistics = model.allLayers.compactMap { $0 as? BatchNorm }.flatMap(\.buffers)
        let sparsifiable = model.allLayers.compactMap { $0 as? any ActivationSparsifiable }
        return SparsityServices(
            maskOptimizerState: { [unowned self] index, mask in optimizer.maskState(ofParameter: index, by: mask) },
            sampleGradients: { [unowned self] count, seed in sampleGradients(count: count, seed: seed) },
            classCount: dataset.classCount,
            otherParameters: others,
            initialOtherValues: others.map(\.value),
            normalizationStatistics: statistics,
            initialNormalizationStatistics: statistics.map(\.values),
            unitLinks: description.unitLinks,
            activationSparsifiableLayers: prunable.map { weight in sparsifiable.first { $0.weight === weight } },
            initialValue: { [seed = config.seed] l, i in
                ParameterInitializer.initialValue(seed: seed, parameterIndex: prunable[l].index, element: i, fanIn: fanIns[l])
            },
            synapticFlowGradients: { [unowned self] in synapticFlowGradients() },
            rewindLearningRate: { [unowned self] toStep in learningRateStepOffset = step - toStep },
            learningRate: { [unowned self] in learningRate })
    }

    public var stepsPerEpoch: Int { sampler.stepsPerEpoch }
    public var totalSteps: Int { stepsPerEpoch * config.epochs }
    public var isComplete: Bool { step >= totalSteps }
    /// The 0-based epoch the next step belongs to.
    public var epoch: Int { step / stepsPerEpoch }
    public var learningRate: Float {
        config.learningRateSchedule.rate(base: baseLearningRate, step: step - learningRateStepOffset, totalSteps: totalSteps)
    }

    /// The run's config as it stands now: the sparsity settings and the base learning
    /// rate as the live knobs (and the methods themselves) have left them.
    public var currentConfig: RunConfig {
        var current = config
        current.sparsity = sparsity.config
        current.learningRate = baseLearningRate
        return current
    }

    /// Forward, loss, backward and update on the next training batch, at the schedule's
    /// learning rate or at `fixedLearningRate` (a fine-tune past the run's end, where a
    /// cosine schedule has reached zero).
    @discardableResult
    public func trainStep(fixedLearningRate: Float? = nil) -> StepResult {
        let batch = prefetcher.take(step: step) ?? sampler.trainingBatch(step: step, indices: batchIndices(step: step))
        // Given back to be rewritten for a later step once this one is done with it.
        defer { prefetcher.recycle(batch) }
        let (images, labels) = batch
        if step + 1 < totalSteps { prefetcher.prefetch(step: step + 1, indices: batchIndices(step: step + 1)) }
        sparsity.beforeForward()
        let logits = model.forward(images, isTraining: true)
        let result = labels.withUnsafeBufferPointer {
            SoftmaxCrossEntropy.evaluate(logits: logits, labels: $0, gradientInto: &lossGradient)
        }
        guard result.loss.isFinite else {
            sparsity.cancelStep()
            step += 1
            return StepResult(loss: result.loss, correct: result.correct, samples: labels.count, densities: nil)
        }
        model.backward(result.gradient)
        sparsity.afterBackward()
        let densities = sparsity.stepOperandDensities
        optimizer.step(learningRate: fixedLearningRate ?? learningRate)
        step += 1
        sparsity.afterStep()
        return StepResult(loss: result.loss, correct: result.correct, samples: labels.count, densities: densities)
    }

    /// The training samples of `step`, in order: a slice of its epoch's permutation.
    private func batchIndices(step: Int) -> ArraySlice<Int32> {
        let epoch = step / stepsPerEpoch
        if orderEpoch != epoch {
            order = sampler.permutation(epoch: epoch)
            orderEpoch = epoch
        }
        let start = (step % stepsPerEpoch) * config.batchSize
        return order[start..<(start + config.batchSize)]
    }

    /// Accuracy and mean loss on the whole test set, with the effective (masked) weights;
    /// for a method whose masked weights are not zero (`SparsifiedOperands.none`), also the
    /// accuracy with them zeroed. Chunks of 256 images keep each layer's activations small enough for the allocator to
    /// reuse (ResNet-20's first activations for 1,000 images were 50 MB, mapped afresh and
    /// page-faulted in for every layer of every chunk).
    public func evaluate(chunk: Int = 256) -> Evaluation {
        var evaluation = sparsity.withEffectiveWeights { evaluateCurrentWeights(chunk: chunk) }
        if sparsity.method.declaration.operands == .none && sparsity.maskDensities.contains(where: { $0 < 1 }) {
            evaluation.prunedAccuracy = sparsity.withMaskedWeightsZeroed { evaluateCurrentWeights(chunk: chunk) }.accuracy
        }
        return evaluation
    }

    private func evaluateCurrentWeights(chunk: Int) -> Evaluation {
        var correct = 0
        var loss = 0.0
        var start = 0
        var zeros = model.evaluationZeros.map { ActivationZeroCount(layer: $0.layer, elements: 0, zeros: 0) }
        var predictions: [UInt8] = []
        predictions.reserveCapacity(dataset.testCount)
        while start < dataset.testCount {
            let end = min(start + chunk, dataset.testCount)
            let (images, labels) = sampler.testBatch(start..<end)
            let logits = model.forward(images, isTraining: false)
            let result = labels.withUnsafeBufferPointer { SoftmaxCrossEntropy.evaluate(logits: logits, labels: $0) }
            correct += result.correct
            loss += result.loss * Double(end - start)
            let classes = logits.sampleSize
            for row in 0..<(end - start) {
                let scores = logits.storage[(row * classes)..<((row + 1) * classes)]
                predictions.append(UInt8(scores.indices.max { scores[$0] < scores[$1] }! - row * classes))
            }
            for (i, count) in model.evaluationZeros.enumerated() {
                zeros[i].elements += count.elements
                zeros[i].zeros += count.zeros
            }
            start = end
        }
        let count = Double(max(dataset.testCount, 1))
        return Evaluation(accuracy: Double(correct) / count, loss: loss / count, activationZeros: zeros,
                          predictions: predictions)
    }

    /// Dense gradients of the loss on `count` training samples drawn with `seed`, at the
    /// effective weights, never augmented. Nothing is updated (batch-norm statistics and
    /// dropout counters are put back); the training order is not disturbed.
    func sampleGradients(count: Int, seed: UInt64) -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        let indices = (0..<count).map { _ in Int32(generator.next() % UInt64(dataset.trainCount)) }
        let (images, labels) = sampler.batch(trainIndices: indices[...])
        let buffers = model.buffers.map(\.values)
        defer { for (buffer, values) in zip(model.buffers, buffers) { buffer.values = values } }
        return sparsity.withEffectiveWeights {
            let logits = model.forward(images, isTraining: true)
            let result = labels.withUnsafeBufferPointer { SoftmaxCrossEntropy.evaluate(logits: logits, labels: $0) }
            model.backward(result.gradient)
            return model.prunableParameters.map(\.gradient)
        }
    }

    /// SynFlow's data-free pass: every parameter replaced by its absolute value, an
    /// all-ones input, R = sum of the outputs; returns dR/dw for each prunable tensor.
    /// Batch norm normalises with its running statistics (the reference code scores in
    /// evaluation mode, Tanaka et al. 2020, arXiv:2006.05467; a one-sample batch has no
    /// variance), which stay as they were; dropout, as in evaluation, drops nothing.
    func synapticFlowGradients() -> [[Float]] {
        let saved = model.parameters.map(\.value), buffers = model.buffers.map(\.values)
        for layer in model.layers { layer.setNormalizesWithRunningStatistics(true) }
        defer {
            for (parameter, value) in zip(model.parameters, saved) { parameter.value = value }
            for (buffer, values) in zip(model.buffers, buffers) { buffer.values = values }
            for layer in model.layers { layer.setNormalizesWithRunningStatistics(false) }
        }
        for (l, parameter) in model.prunableParameters.enumerated() {
            parameter.value = sparsity.effectiveWeights(l)
        }
        for parameter in model.parameters { parameter.value = parameter.value.map(abs) }
        let input = Tensor(shape: [1] + model.inputShape, repeating: 1)
        let output = model.forward(input, isTraining: true)
        model.backward(Tensor(shape: output.shape, repeating: 1))
        return model.prunableParameters.map(\.gradient)
    }
}
