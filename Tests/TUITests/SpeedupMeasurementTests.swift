import Metrics
@testable import TUI
import Training
import XCTest

final class SpeedupMeasurementTests: XCTestCase {
    private func pausedSnapshot(model: String = "lenet300", method: String? = nil, sparsity: Double? = nil) throws -> TrainingSnapshot {
        var config = RunConfig()
        config.startPaused = true
        config.model = model
        let trainer = try Trainer(config: config, dataset: DatasetLoader.embeddedDigits())
        trainer.start()
        defer {
            trainer.send(.stop)
            XCTAssertTrue(trainer.waitUntilFinished(timeout: 10))
        }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let s = trainer.latestSnapshot, s.state == .paused { return s }
            Thread.sleep(forTimeInterval: 0.005)
        }
        throw XCTSkip("no snapshot")
    }

    /// The dashboard may exit only after the measurement in flight is done (OpenBLAS
    /// unmaps its buffers at exit under a running multiply): finish waits for it, and no
    /// request starts another one after it.
    func testFinishWaitsForTheMeasurementInFlightAndTakesNoMore() throws {
        let snapshot = try pausedSnapshot()
        let measurement = SpeedupMeasurement()
        XCTAssertNil(measurement.latest)
        measurement.requestIfMasksChanged(snapshot)
        measurement.finish()
        let measured = try XCTUnwrap(measurement.latest, "finish returned before the measurement it was waiting for")
        XCTAssertGreaterThan(measured.speedup, 0)
        XCTAssertEqual(measured.step, snapshot.step, "the step whose masks it ran")

        let afterwards = SpeedupMeasurement()
        afterwards.finish()
        afterwards.requestIfMasksChanged(snapshot)
        afterwards.finish()
        XCTAssertNil(afterwards.latest, "a request after finish started a measurement")
    }

    /// While the run trains, a new mask is measured at most every 10 s; once it is paused or
    /// over, at once, so a finished run's last masks are never left unmeasured.
    func testAnIdleRunsNewMasksAreMeasuredAtOnce() throws {
        var snapshot = try pausedSnapshot()
        snapshot.state = .running
        let measurement = SpeedupMeasurement()
        measurement.requestIfMasksChanged(snapshot)
        measurement.finishPending()
        let first = try XCTUnwrap(measurement.latest)

        snapshot.sparsity.lastUpdateStep = (snapshot.sparsity.lastUpdateStep ?? 0) + 7
        snapshot.step += 7
        measurement.requestIfMasksChanged(snapshot)
        measurement.finishPending()
        XCTAssertEqual(measurement.latest, first, "within 10 s of the last one, a running run waits")

        snapshot.state = .finished
        measurement.requestIfMasksChanged(snapshot)
        measurement.finishPending()
        XCTAssertEqual(measurement.latest?.step, snapshot.step, "a finished run's new masks are measured at once")
    }

    /// The measurement depends on the masks only: while they stay as they were, the reading
    /// holds for every later step (a finished run says it ran its final masks) and nothing
    /// is measured again.
    func testAReadingFollowsTheStepWhileTheMasksStayTheSame() throws {
        var snapshot = try pausedSnapshot()
        let measurement = SpeedupMeasurement()
        measurement.requestIfMasksChanged(snapshot)
        measurement.finishPending()
        let first = try XCTUnwrap(measurement.latest)

        snapshot.step += 11
        snapshot.state = .finished
        measurement.requestIfMasksChanged(snapshot)
        measurement.finishPending()
        XCTAssertEqual(measurement.latest, CPUSpeedupReading(speedup: first.speedup, step: snapshot.step, batch: 1,
                                                             sparseLayers: first.sparseLayers, layers: 3),
                       "the same reading (not measured again), now for the final step's masks")
    }

    /// A CNN runs its own evaluation pass on the dashboard's copy of the model, with the
    /// run's weights: the reading says at which batch and how many of its layers ran sparse.
    func testACNNIsMeasuredOnTheDashboardsCopyOfItsNetwork() throws {
        var snapshot = try pausedSnapshot(model: "lenet5")
        // Magnitude masks at 95%, as a pruned run would publish them.
        snapshot.layers = GlobalMagnitudeMasks.prune(snapshot.layers, sparsity: 0.95)
        let dataset = DatasetLoader.embeddedDigits()
        var config = RunConfig()
        config.model = "lenet5"
        let measurement = SpeedupMeasurement(model: try config.makeModel(inputShape: dataset.sampleShape, classCount: dataset.classCount))
        measurement.requestIfMasksChanged(snapshot)
        measurement.finish()
        let reading = try XCTUnwrap(measurement.latest)
        XCTAssertEqual(reading.batch, 1)
        XCTAssertEqual(reading.layers, 5, "conv1, conv2, fc1, fc2, fc3")
        XCTAssertGreaterThanOrEqual(reading.speedup, 1, "never slower than dense")
        XCTAssertTrue(reading.speedup > 1 || reading.sparseLayers == 0, "a figure above 1 only from layers run sparse")
    }

    /// Batch norm runs on the run's running statistics: the snapshot carries every buffer.
    func testASnapshotCarriesTheModelsBuffers() throws {
        let snapshot = try pausedSnapshot(model: "vgg-small")
        let dataset = DatasetLoader.embeddedDigits()
        let model = try ModelCatalog.make("vgg-small", inputShape: dataset.sampleShape, classCount: dataset.classCount, seed: 0)
        XCTAssertEqual(Set(snapshot.buffers.keys), Set(model.buffers.map(\.name)))
        XCTAssertEqual(snapshot.buffers.keys.filter { $0.hasSuffix("running_var") }.count, 6)
    }
}
