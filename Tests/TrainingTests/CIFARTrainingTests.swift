import Foundation
import Training
import XCTest

/// Training on colour data end to end: CIFAR-format files written by the test, loaded,
/// normalised, augmented, trained on, checkpointed and resumed.
final class CIFARTrainingTests: XCTestCase {
    private var directory: String!

    /// 256 training images (two data_batch files) and 64 test images of 3x32x32, random
    /// but for the red plane, which tells the class.
    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("prunetop-cifar-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try CIFARTestFiles.writeRandomCIFAR10(in: directory, trainCount: 256, testCount: 64, seed: 17)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    private func config(model: String = "lenet300", augment: Bool = true, epochs: Int = 2) -> RunConfig {
        var config = RunConfig()
        config.model = model
        config.dataDirectory = directory
        config.epochs = epochs
        config.batchSize = 32
        config.seed = 4
        config.augment = augment
        return config
    }

    func testLeNetsTrainOnATinyCIFARDataset() throws {
        let dataset = try DatasetLoader.load(directory: directory)
        XCTAssertEqual([dataset.trainCount, dataset.testCount], [256, 64])

        // 3072 inputs: the default rate (0.05) overshoots; 0.01 learns the red plane.
        var mlpConfig = config(augment: false, epochs: 8)
        mlpConfig.learningRate = 0.01
        let mlp = try TrainingSession(config: mlpConfig, dataset: dataset)
        XCTAssertEqual(mlp.model.inputShape, [3, 32, 32])
        XCTAssertEqual(mlp.model.parameter(named: "fc1.weight")?.shape, [300, 3072])
        XCTAssertEqual(mlp.totalSteps, 64)
        let before = mlp.evaluate()
        var losses: [Double] = []
        while !mlp.isComplete { losses.append(mlp.trainStep().loss) }
        XCTAssertTrue(losses.allSatisfy(\.isFinite), "\(losses)")
        let after = mlp.evaluate()
        XCTAssertEqual(after.predictions.count, 64)
        XCTAssertLessThan(after.loss, before.loss)
        XCTAssertGreaterThan(after.accuracy, 0.3, "the red plane tells the class; chance is 0.1")

        // LeNet-5 on augmented batches: three input channels, a few steps.
        let cnn = try TrainingSession(config: config(model: "lenet5"), dataset: dataset)
        XCTAssertEqual(cnn.model.parameter(named: "conv1.weight")?.shape, [6, 3, 5, 5])
        let initial = cnn.model.parameters.map(\.value)
        for _ in 0..<4 { XCTAssertTrue(cnn.trainStep().loss.isFinite) }
        XCTAssertNotEqual(cnn.model.parameters.map(\.value), initial)
        XCTAssertEqual(cnn.evaluate().predictions.count, 64)
    }

    /// Saved after step 5 and resumed, an augmented run ends bitwise as the uninterrupted
    /// one: the crops and flips of every later batch are the same.
    func testAnAugmentedRunResumesBitwise() throws {
        let dataset = try DatasetLoader.load(directory: directory)
        let uninterrupted = try TrainingSession(config: config(), dataset: dataset)
        while !uninterrupted.isComplete { uninterrupted.trainStep() }

        let interrupted = try TrainingSession(config: config(), dataset: dataset)
        for _ in 0..<5 { interrupted.trainStep() }
        let saved = try Checkpoint(decoding: Checkpoint(session: interrupted).encoded())
        XCTAssertEqual(saved.config.augmentation, .standard)
        XCTAssertEqual(saved.dataset.content?.channels, 3)
        let resumed = try TrainingSession(checkpoint: saved, dataset: dataset)
        XCTAssertEqual(resumed.sampler.augmentation, .standard)
        let order = resumed.sampler.permutation(epoch: 1)[0..<32]
        XCTAssertEqual(resumed.sampler.trainingBatch(step: 9, indices: order).images.storage.map(\.bitPattern),
                       uninterrupted.sampler.trainingBatch(step: 9, indices: order).images.storage.map(\.bitPattern))
        while !resumed.isComplete { resumed.trainStep() }
        XCTAssertEqual(CheckpointTestSupport.bits(resumed.model.parameters.map(\.value)),
                       CheckpointTestSupport.bits(uninterrupted.model.parameters.map(\.value)))
        XCTAssertEqual(try Checkpoint(session: resumed).encoded(), try Checkpoint(session: uninterrupted).encoded())

        // And the augmentation did take part: without it the run ends elsewhere.
        let plain = try TrainingSession(config: config(augment: false), dataset: dataset)
        while !plain.isComplete { plain.trainStep() }
        XCTAssertNotEqual(plain.model.parameters.map(\.value), uninterrupted.model.parameters.map(\.value))
    }

    /// A config from before augmentation existed (a checkpoint's JSON) has no key for it
    /// and decodes as none; one with it keeps it.
    func testTheAugmentationSettingIsOptionalInTheConfigsJSON() throws {
        var config = config()
        let data = try JSONEncoder().encode(config)
        XCTAssertEqual(try JSONDecoder().decode(RunConfig.self, from: data), config)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertNotNil(object.removeValue(forKey: "augmentation"))
        let old = try JSONDecoder().decode(RunConfig.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertNil(old.augmentation)
        XCTAssertFalse(old.augment)

        config.augmentation = DataAugmentation(padding: 65, horizontalFlip: true)
        XCTAssertThrowsError(try config.validate()) {
            XCTAssertEqual("\($0)", "augment: expected a crop padding from 0 to 64 pixels, found 65")
        }
        config.augment = true
        XCTAssertEqual(config.augmentation?.padding, 65, "turning it on keeps the augmentation there is")
        config.augment = false
        XCTAssertNil(config.augmentation)
    }
}
