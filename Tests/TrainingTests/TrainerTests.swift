import Synchronization
import Training
import XCTest

/// The threaded trainer: commands in, snapshots and events out.
final class TrainerTests: XCTestCase {
    private final class EventLog: Sendable {
        let events = Mutex<[String]>([])
        func append(_ name: String) { events.withLock { $0.append(name) } }
        var all: [String] { events.withLock { $0 } }
    }

    private static func name(_ event: TrainerEvent) -> String {
        switch event {
        case .started: "started"
        case .evaluated: "evaluated"
        case .diverged: "diverged"
        case .finished: "finished"
        case .stopped: "stopped"
        case .commandApplied: "command"
        case .checkpointSaved: "checkpoint saved"
        case .checkpointFailed: "checkpoint failed"
        }
    }

    private func waitFor(_ trainer: Trainer, timeout: Double = 30, _ condition: (TrainingSnapshot) -> Bool) -> TrainingSnapshot? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let snapshot = trainer.latestSnapshot, condition(snapshot) { return snapshot }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return nil
    }

    private func config(epochs: Int = 2, lr: Float = 0.05, paused: Bool = true) -> RunConfig {
        var config = RunConfig()
        config.epochs = epochs
        config.batchSize = 128
        config.learningRate = lr
        config.startPaused = paused
        return config
    }

    func testPauseStepResumeAndFinish() throws {
        let trainer = try Trainer(config: config(), dataset: DatasetLoader.embeddedDigits())
        let log = EventLog()
        trainer.start { log.append(Self.name($0)) }
        let paused = try XCTUnwrap(waitFor(trainer) { $0.state == .paused })
        XCTAssertEqual(paused.step, 0)
        XCTAssertEqual(paused.layers.map(\.name), ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"])

        trainer.send(.step(count: 3))
        XCTAssertNotNil(waitFor(trainer) { $0.step == 3 && $0.state == .paused })
        Thread.sleep(forTimeInterval: 0.05)
        XCTAssertEqual(trainer.latestSnapshot?.step, 3, "a paused run does not move on by itself")

        trainer.send(.resume)
        XCTAssertTrue(trainer.waitUntilFinished(timeout: 60))
        let final = try XCTUnwrap(trainer.latestSnapshot)
        XCTAssertEqual(final.state, .finished)
        XCTAssertEqual(final.step, final.totalSteps)
        XCTAssertEqual(final.totalSteps, 2 * 11)
        XCTAssertGreaterThan(try XCTUnwrap(final.testAccuracy), 0.8)
        XCTAssertEqual(log.all, ["started", "evaluated", "evaluated", "finished"])
    }

    func testLearningRateKnobAppliesAtTheNextStepAndBadValuesAreRefused() throws {
        let trainer = try Trainer(config: config(lr: 0.05), dataset: DatasetLoader.embeddedDigits())
        trainer.start()
        XCTAssertNotNil(waitFor(trainer) { $0.state == .paused })
        trainer.send(.setLearningRate(0.01))
        let changed = try XCTUnwrap(waitFor(trainer) { $0.baseLearningRate == 0.01 })
        XCTAssertEqual(changed.message, "learning rate 0.05 → 0.01 at step 0")
        XCTAssertEqual(changed.learningRate, 0.01, accuracy: 1e-7, "cosine at step 0 is the base rate")

        trainer.send(.setLearningRate(-3))
        let refused = try XCTUnwrap(waitFor(trainer) { $0.message?.hasPrefix("refused") == true })
        XCTAssertEqual(refused.message, "refused: learning rate: expected a number > 0 and <= 1000000, found -3")
        XCTAssertEqual(refused.baseLearningRate, 0.01)

        trainer.send(.step(count: 0))
        XCTAssertNotNil(waitFor(trainer) { $0.message == "refused: step count must be positive, got 0" })
        trainer.send(.stop)
        XCTAssertTrue(trainer.waitUntilFinished(timeout: 30))
        XCTAssertEqual(trainer.latestSnapshot?.state, .stopped)
    }

    func testDivergingRunPausesItselfAndSaysSo() throws {
        let trainer = try Trainer(config: config(epochs: 3, lr: 1e6, paused: false), dataset: DatasetLoader.embeddedDigits())
        let log = EventLog()
        trainer.start { log.append(Self.name($0)) }
        let diverged = try XCTUnwrap(waitFor(trainer) { $0.state == .diverged })
        XCTAssertTrue(diverged.message?.hasPrefix("training diverged at step") == true, diverged.message ?? "no message")
        Thread.sleep(forTimeInterval: 0.05)
        XCTAssertEqual(trainer.latestSnapshot?.step, diverged.step, "a diverged run waits")
        trainer.send(.stop)
        XCTAssertTrue(trainer.waitUntilFinished(timeout: 30))
        XCTAssertEqual(log.all.filter { $0 != "evaluated" }, ["started", "diverged", "stopped"])
    }

    func testEvaluationIntervalInSteps() throws {
        var config = config(epochs: 1, paused: false)
        config.evaluateEverySteps = 4
        let trainer = try Trainer(config: config, dataset: DatasetLoader.embeddedDigits())
        let steps = Mutex<[Int]>([])
        trainer.start { event in
            if case let .evaluated(snapshot) = event { steps.withLock { $0.append(snapshot.step) } }
        }
        trainer.waitUntilFinished()
        XCTAssertEqual(steps.withLock { $0 }, [4, 8, 11])
    }
}
