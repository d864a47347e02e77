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

    /// On a network with batch norm: each point's statistics are averaged again over the same
    /// training batches for its pruned weights, the baseline's too; afterwards everything is
    /// as before (weights, statistics, dropout's counters, the step).
    func testBatchNormStatisticsAreEstimatedAgainForEachPoint() throws {
        var config = RunConfig()
        config.model = "resnet20"
        config.seed = 3
        config.epochs = 1
        config.batchSize = 32
        let session = try TrainingSession(config: config, dataset: HeldOutSplit(DatasetLoader.embeddedDigits(), heldOut: 200, seed: 3).dataset)
        for _ in 0..<4 { session.trainStep() }
        XCTAssertTrue(session.hasBatchNorm)
        let buffers = session.model.buffers.map(\.values), weights = session.model.parameters.map(\.value), step = session.step

        // By hand: the stem pruned to 90%, its statistics averaged over 3 batches.
        var masks = session.sparsity.masks
        masks[0] = MaskSelection.mask(scores: session.model.prunableParameters[0].value.map(abs),
                                      keep: MaskSelection.keepCount(count: masks[0].count, sparsity: 0.9))
        let start = Checkpoint(session: session)
        session.sparsity.setMasks(masks)
        session.recalibrateBatchNorm(batches: 3, seed: config.seed)
        XCTAssertNotEqual(session.model.buffers.map(\.values), buffers, "the statistics follow the pruned stem")
        XCTAssertEqual(session.model.parameters.map(\.value).dropFirst(), weights.dropFirst(), "no weight but the pruned ones changed")
        XCTAssertEqual(session.step, step)
        let byHand = session.evaluate()
        try session.restore(start)

        let curves = try SensitivityAnalysis(sparsities: [0.9], batchNormBatches: 3).run(on: session)
        XCTAssertEqual(curves.layers[0].accuracies[0], byHand.accuracy, "the point is pruning, then averaging the statistics")
        XCTAssertEqual(curves.layers[0].losses[0], byHand.loss)
        XCTAssertEqual(session.model.buffers.map(\.values), buffers, "the dense statistics are back")
        XCTAssertEqual(session.model.parameters.map(\.value), weights)
        // Kept, the dense statistics give another point.
        let kept = try SensitivityAnalysis(sparsities: [0.9], batchNormBatches: 0).run(on: session)
        XCTAssertNotEqual(kept.layers[0].losses[0], byHand.loss)
    }
}
