import Training
import XCTest

final class SensitivityAnalysisTests: XCTestCase {
    private func session() throws -> TrainingSession {
        var config = RunConfig()
        config.model = "lenet300"
        config.seed = 2
        config.epochs = 1
        config.batchSize = 64
        let split = HeldOutSplit(DatasetLoader.embeddedDigits(), heldOut: 300, seed: config.seed)
        let session = try TrainingSession(config: config, dataset: split.dataset)
        for _ in 0..<10 { session.trainStep() }
        return session
    }

    func testEachPointPrunesOneLayerAndTheNetworkComesBackUnchanged() throws {
        let session = try session()
        let weights = session.model.parameters.map(\.value), step = session.step
        let dense = session.evaluate()
        let analysis = SensitivityAnalysis(sparsities: [0.5, 0.999], fineTuneSteps: 0)
        var visited: [[Int]] = []
        let curves = try analysis.run(on: session) { visited.append([$0, $1]) }
        XCTAssertEqual(visited, [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]])
        XCTAssertEqual(curves.layers.map(\.name), ["fc1.weight", "fc2.weight", "fc3.weight"])
        XCTAssertEqual(curves.denseAccuracy, dense.accuracy)
        XCTAssertEqual(session.model.parameters.map(\.value), weights, "dense weights restored bitwise")
        XCTAssertEqual(session.step, step)
        XCTAssertEqual(session.sparsity.measuredSparsity, 0)
        // Pruning fc3 (100 -> 10) to 99.9% keeps 1 of its 1,000 weights: the network is left
        // with almost nothing to decide by, where fc1 at 50% barely changes it.
        XCTAssertLessThan(curves.layers[2].accuracies[1], curves.denseAccuracy - 0.2)
        XCTAssertEqual(curves.layers[0].accuracies[0], curves.denseAccuracy, accuracy: 0.1)
        // The point itself: the same as pruning that layer by hand.
        var masks = session.sparsity.masks
        masks[2] = MaskSelection.mask(scores: session.model.prunableParameters[2].value.map(abs), keep: 1)
        session.sparsity.setMasks(masks)
        XCTAssertEqual(session.evaluate().accuracy, curves.layers[2].accuracies[1])
    }

    func testFineTuningStartsEachPointFromTheSameNetworkAndIsDeterministic() throws {
        let analysis = SensitivityAnalysis(sparsities: [0.9], fineTuneSteps: 3, fineTuneLearningRate: 0.01)
        let first = try session(), second = try session()
        let weights = first.model.parameters.map(\.value)
        let curves = try analysis.run(on: first)
        XCTAssertEqual(try analysis.run(on: second), curves, "same session, same curves")
        XCTAssertEqual(first.model.parameters.map(\.value), weights, "fine-tuned weights do not leak into the next point")
        let unTuned = try SensitivityAnalysis(sparsities: [0.9]).run(on: first)
        XCTAssertNotEqual(unTuned.layers.map(\.losses), curves.layers.map(\.losses), "the fine-tune steps changed something")
    }
}
