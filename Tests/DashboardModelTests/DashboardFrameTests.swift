import DashboardModel
import Metrics
import Training
import XCTest

final class DashboardFrameTests: XCTestCase {
    func testAFrameFromARealRunHasEveryPanelsData() throws {
        var config = RunConfig()
        config.epochs = 2
        config.evaluateEverySteps = 3
        config.startPaused = true
        config.sparsity = SparsityConfig(method: "magnitude", target: 0.9, schedule: .constant)
        let trainer = try Trainer(config: config, dataset: DatasetLoader.embeddedDigits())
        let session = try TrainingSession(config: config, dataset: DatasetLoader.embeddedDigits())
        var state = DashboardFrameContext(model: session.model)
        trainer.start()
        func snapshot(at step: Int) throws -> TrainingSnapshot {
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                if let s = trainer.latestSnapshot, s.step == step, s.state == .paused { return s }
                Thread.sleep(forTimeInterval: 0.005)
            }
            throw XCTSkip("trainer did not reach step \(step)")
        }
        trainer.send(.step(count: 3))
        let at3 = try snapshot(at: 3)
        let first = DashboardFrame.make(at3, context: &state)
        XCTAssertEqual(first.histograms.keys.sorted(), ["fc1.weight", "fc2.weight", "fc3.weight"])
        let fc1 = try XCTUnwrap(first.histograms["fc1.weight"])
        XCTAssertEqual(fc1.total.reduce(0, +), 235_200)
        XCTAssertEqual(fc1.kept.reduce(0, +), at3.layers[0].nonzeroCount, "kept weights as the snapshot counts them")
        XCTAssertEqual(first.heatmaps["fc1.weight"]?.rows, 16)
        XCTAssertEqual(first.inputMap?.rows, 28)
        XCTAssertNil(first.churn, "no previous frame")
        XCTAssertEqual(first.flops.inferenceReduction, 0.9, accuracy: 0.01)
        XCTAssertNotEqual(first.cheapestStorage.format, .dense)
        XCTAssertGreaterThan(first.acceleratorEstimate.forward, 1)
        XCTAssertGreaterThan(first.activationSparsity, 0)
        XCTAssertEqual(state.hill.points.count, 1, "the evaluation at step 3 is on the hill")
        XCTAssertEqual(first.classAccuracy.count, 10)
        let correct = first.classAccuracy.reduce(0) { $0 + $1.correct }
        XCTAssertEqual(Double(correct) / 360, try XCTUnwrap(at3.testAccuracy), accuracy: 1e-12)

        trainer.send(.step(count: 1))
        let second = DashboardFrame.make(try snapshot(at: 4), context: &state)
        XCTAssertEqual(second.churn?.hammingDistance, 0, "a constant schedule does not move the mask")
        XCTAssertEqual(state.hill.points.count, 1, "no new evaluation")
        trainer.send(.stop)
        _ = trainer.waitUntilFinished(timeout: 30)
    }

    func testDropBackHistogramsShowTheDistanceFromTheRegeneratedInitialWeights() throws {
        var config = RunConfig()
        config.epochs = 1
        config.startPaused = true
        config.sparsity = SparsityConfig(method: "dropback", target: 0.9, schedule: .constant)
        let trainer = try Trainer(config: config, dataset: DatasetLoader.embeddedDigits())
        let fresh = try TrainingSession(config: config, dataset: DatasetLoader.embeddedDigits())
        var state = DashboardFrameContext(model: fresh.model)
        trainer.start()
        trainer.send(.step(count: 5))
        let deadline = Date().addingTimeInterval(30)
        var snapshot: TrainingSnapshot?
        while Date() < deadline, snapshot == nil {
            if let s = trainer.latestSnapshot, s.step == 5, s.state == .paused { snapshot = s }
            Thread.sleep(forTimeInterval: 0.005)
        }
        trainer.send(.stop)
        _ = trainer.waitUntilFinished(timeout: 30)
        let at5 = try XCTUnwrap(snapshot)
        let frame = DashboardFrame.make(at5, context: &state)
        XCTAssertTrue(frame.histogramsShowDistance)
        let fc1 = try XCTUnwrap(frame.histograms["fc1.weight"])
        let layer = at5.layers[0]
        XCTAssertEqual(fc1.lowerBound, 0, "distances are non-negative")
        XCTAssertEqual(fc1.total.reduce(0, +), layer.weights.count)
        let untracked = layer.mask!.filter { $0 == 0 }.count
        XCTAssertGreaterThan(untracked, layer.weights.count / 2)
        XCTAssertEqual(fc1.pruned[0], untracked, "untracked weights sit exactly at w0: distance 0, first bin")
        XCTAssertGreaterThan(fc1.kept.dropFirst().reduce(0, +), 0, "tracked weights moved away from w0")

        var relabelled = at5
        relabelled.sparsity.method = "magnitude"
        relabelled.sparsity.maskedWeights = .zeroed  // what magnitude declares
        XCTAssertFalse(DashboardFrame.make(relabelled, context: &state).histogramsShowDistance)
        XCTAssertLessThan(DashboardFrame.make(relabelled, context: &state).histograms["fc1.weight"]!.lowerBound, 0)
    }
}
