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
    public private(set) var step = 0
    private var order: [Int32] = []
    private var orderEpoch = -1

    public struct StepResult: Sendable {
        public var loss: Double
        public var correct: Int
        public var samples: Int
    }

    public struct Evaluation: Sendable, Equatable {
        public var accuracy: Double
        public var loss: Double
    }

    public init(config: RunConfig, dataset: ImageDataset) throws {
        try config.validate()
        guard config.batchSize <= dataset.trainCount else {
            throw RunConfigError.batchLargerThanData(batch: config.batchSize, trainCount: dataset.trainCount)
        }
        self.config = config
        self.dataset = dataset
        sampler = BatchSampler(dataset: dataset, batchSize: config.batchSize, seed: config.seed)
        model = try ModelCatalog.make(config.model, inputShape: sampler.sampleShape,
                                      classCount: dataset.classCount, seed: config.seed)
        optimizer = config.optimizer.makeOptimizer(for: model.parameters)
        baseLearningRate = config.learningRate
    }

    public var stepsPerEpoch: Int { sampler.stepsPerEpoch }
    public var totalSteps: Int { stepsPerEpoch * config.epochs }
    public var isComplete: Bool { step >= totalSteps }
    /// The 0-based epoch the next step belongs to.
    public var epoch: Int { step / stepsPerEpoch }
    public var learningRate: Float {
        config.learningRateSchedule.rate(base: baseLearningRate, step: step, totalSteps: totalSteps)
    }

    /// Forward, loss, backward and update on the next training batch.
    @discardableResult
    public func trainStep() -> StepResult {
        if orderEpoch != epoch {
            order = sampler.permutation(epoch: epoch)
            orderEpoch = epoch
        }
        let start = (step % stepsPerEpoch) * config.batchSize
        let (images, labels) = sampler.batch(trainIndices: order[start..<(start + config.batchSize)])
        let logits = model.forward(images, isTraining: true)
        let result = labels.withUnsafeBufferPointer { SoftmaxCrossEntropy.evaluate(logits: logits, labels: $0) }
        if result.loss.isFinite {
            model.backward(result.gradient)
            optimizer.step(learningRate: learningRate)
        }
        step += 1
        return StepResult(loss: result.loss, correct: result.correct, samples: labels.count)
    }

    /// Accuracy and mean loss on the whole test set.
    public func evaluate(chunk: Int = 1000) -> Evaluation {
        var correct = 0
        var loss = 0.0
        var start = 0
        while start < dataset.testCount {
            let end = min(start + chunk, dataset.testCount)
            let (images, labels) = sampler.testBatch(start..<end)
            let logits = model.forward(images, isTraining: false)
            let result = labels.withUnsafeBufferPointer { SoftmaxCrossEntropy.evaluate(logits: logits, labels: $0) }
            correct += result.correct
            loss += result.loss * Double(end - start)
            start = end
        }
        let count = Double(max(dataset.testCount, 1))
        return Evaluation(accuracy: Double(correct) / count, loss: loss / count)
    }
}
