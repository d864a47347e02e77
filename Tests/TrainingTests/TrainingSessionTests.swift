import Training
import XCTest

final class TrainingSessionTests: XCTestCase {
    private func config(model: String = "lenet300", seed: UInt64 = 1, epochs: Int = 1, batch: Int = 64) -> RunConfig {
        var config = RunConfig()
        config.model = model
        config.seed = seed
        config.epochs = epochs
        config.batchSize = batch
        return config
    }

    func testLossDecreasesOnTheEmbeddedDigits() throws {
        let session = try TrainingSession(config: config(), dataset: DatasetLoader.embeddedDigits())
        let before = session.evaluate()
        let losses = (0..<22).map { _ in session.trainStep().loss }
        XCTAssertLessThan(losses.suffix(4).reduce(0, +) / 4, 0.5 * losses.prefix(2).reduce(0, +) / 2)
        let after = session.evaluate()
        XCTAssertLessThan(after.loss, before.loss)
        XCTAssertGreaterThan(after.accuracy, 0.7)
    }

    func testLeNet5LossDecreases() throws {
        let session = try TrainingSession(config: config(model: "lenet5", batch: 32), dataset: DatasetLoader.embeddedDigits())
        let losses = (0..<15).map { _ in session.trainStep().loss }
        XCTAssertLessThan(losses.suffix(3).reduce(0, +), losses.prefix(3).reduce(0, +))
    }

    func testSameSeedGivesBitwiseTheSameWeights() throws {
        func train(seed: UInt64) throws -> [[Float]] {
            let session = try TrainingSession(config: config(seed: seed, epochs: 2), dataset: DatasetLoader.embeddedDigits())
            for _ in 0..<30 { session.trainStep() }  // crosses an epoch boundary (22 steps per epoch)
            return session.model.parameters.map(\.value)
        }
        let first = try train(seed: 7)
        XCTAssertEqual(first, try train(seed: 7))
        XCTAssertNotEqual(first, try train(seed: 8))
    }

    /// Layers rewrite their training buffers in place from step to step (issue 16): a run
    /// with a test-set evaluation after its first step, and the same run again, give bitwise
    /// the losses, weights and statistics of a plain run, for a CNN and a residual net.
    func testReusedTrainingBuffersGiveBitwiseTheSameRunWithEvaluationsInterleaved() throws {
        for (model, batch, steps) in [("lenet5", 32, 5), ("resnet20", 4, 3)] {
            func train(evaluating: Bool) throws -> (losses: [Double], values: [[Float]]) {
                let session = try TrainingSession(config: config(model: model, seed: 5, batch: batch), dataset: DatasetLoader.embeddedDigits())
                var losses: [Double] = []
                for step in 0..<steps {
                    losses.append(session.trainStep().loss)
                    if evaluating && step == 0 { _ = session.evaluate(chunk: 100) }
                }
                return (losses, session.model.parameters.map(\.value) + session.model.buffers.map(\.values))
            }
            let plain = try train(evaluating: false)
            let interleaved = try train(evaluating: true)
            XCTAssertEqual(plain.losses, interleaved.losses, model)
            XCTAssertEqual(plain.values, interleaved.values, model)
            let again = try train(evaluating: false)
            XCTAssertEqual(plain.losses, again.losses, model)
            XCTAssertEqual(plain.values, again.values, model)
        }
    }

    func testEpochsVisitEverySampleInADifferentOrder() throws {
        let sampler = BatchSampler(dataset: DatasetLoader.embeddedDigits(), batchSize: 100, seed: 3)
        let first = sampler.permutation(epoch: 0), second = sampler.permutation(epoch: 1)
        XCTAssertEqual(Set(first).count, 1437)
        XCTAssertEqual(first.sorted(), second.sorted())
        XCTAssertNotEqual(first, second)
        XCTAssertEqual(sampler.permutation(epoch: 0), first)
        XCTAssertEqual(sampler.stepsPerEpoch, 14)
    }

    func testBatchesAreNormalisedToZeroMeanUnitVariance() throws {
        let dataset = DatasetLoader.embeddedDigits()
        let sampler = BatchSampler(dataset: dataset, batchSize: 100, seed: 3)
        let (images, labels) = sampler.batch(trainIndices: (0..<Int32(dataset.trainCount)).map { $0 }[...])
        XCTAssertEqual(images.shape, [1437, 1, 28, 28])
        XCTAssertEqual(labels.map { UInt8($0) }, dataset.trainLabels)
        let mean = images.storage.reduce(0.0) { $0 + Double($1) } / Double(images.count)
        let variance = images.storage.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(images.count)
        XCTAssertEqual(mean, 0, accuracy: 1e-4)
        XCTAssertEqual(variance, 1, accuracy: 1e-3)
    }

    func testInvalidConfigsAreRefusedWithTheKey() {
        var bad = config()
        bad.epochs = 0
        XCTAssertThrowsError(try bad.validate()) { XCTAssertEqual("\($0)", "epochs: expected an integer >= 1, found 0") }
        bad = config()
        bad.learningRate = -1
        XCTAssertThrowsError(try bad.validate()) { XCTAssertEqual("\($0)", "lr: expected a number > 0 and <= 1000000, found -1.0") }
        bad = config(batch: 5000)
        XCTAssertThrowsError(try TrainingSession(config: bad, dataset: DatasetLoader.embeddedDigits())) {
            XCTAssertEqual("\($0)", "batch: 5000 is larger than the 1437 training samples")
        }
    }

    func testEvaluationCountsReLUZerosOverTheTestSet() throws {
        let session = try TrainingSession(config: config(), dataset: DatasetLoader.embeddedDigits())
        for _ in 0..<5 { session.trainStep() }
        let evaluation = session.evaluate()
        XCTAssertEqual(evaluation.activationZeros.map(\.layer), ["relu1", "relu2"])
        XCTAssertEqual(evaluation.activationZeros.map(\.elements), [360 * 300, 360 * 100])
        // Recount relu1's zeros by hand: fc1 then max(0, x) on the whole test set.
        let (images, _) = session.sampler.testBatch(0..<360)
        let hidden = session.model.layers[0].forward(images, isTraining: false)
        XCTAssertEqual(evaluation.activationZeros[0].zeros, hidden.storage.filter { $0 <= 0 }.count)
        XCTAssertGreaterThan(evaluation.activationZeros[0].zeros, 0)
        // Predictions agree with the accuracy.
        XCTAssertEqual(evaluation.predictions.count, 360)
        let correct = zip(evaluation.predictions, session.dataset.testLabels).filter { $0.0 == $0.1 }.count
        XCTAssertEqual(Double(correct) / 360, evaluation.accuracy, accuracy: 1e-12)
    }
}
