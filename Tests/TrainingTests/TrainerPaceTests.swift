import Synchronization
import Training
import XCTest

/// A paced run: a cap on steps per second, pauses where the phase changes, and the same
/// numbers as a run at full speed.
final class TrainerPaceTests: XCTestCase {
    /// 33 steps of magnitude pruning: dense to step 11, pruning to step 22, fine-tuning after.
    private func config() -> RunConfig {
        var config = RunConfig()
        config.epochs = 3
        config.batchSize = 128
        config.sparsity = SparsityConfig(method: "magnitude", target: 0.8,
                                         schedule: .polynomial(initial: 0.4, beginStep: 11, endStep: 22, frequency: 4, exponent: 3))
        return config
    }

    private func waitFor(_ trainer: Trainer, timeout: Double = 60, _ condition: (TrainingSnapshot) -> Bool) -> TrainingSnapshot? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let snapshot = trainer.latestSnapshot, condition(snapshot) { return snapshot }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return nil
    }

    private func finalWeights(_ trainer: Trainer) throws -> [[Float]] {
        XCTAssertTrue(trainer.waitUntilFinished(timeout: 120))
        let final = try XCTUnwrap(trainer.latestSnapshot)
        XCTAssertEqual(final.state, .finished)
        return final.layers.map(\.weights)
    }

    func testPausesWhereThePhaseChangesAndEndsWithTheSameWeightsAsAFullSpeedRun() throws {
        let data = DatasetLoader.embeddedDigits()
        let fullSpeed = try Trainer(config: config(), dataset: data)
        fullSpeed.start()
        let expected = try finalWeights(fullSpeed)

        let paced = try Trainer(config: config(), dataset: data)
        paced.start(pace: RunPace(stepsPerSecond: 5_000, pausesAtPhaseChanges: true))
        let first = try XCTUnwrap(waitFor(paced) { $0.pausedAtPhaseChange != nil })
        XCTAssertEqual(first.state, .paused)
        XCTAssertEqual(first.pausedAtPhaseChange, PhaseChange(from: "dense", to: "pruning", step: 11))
        XCTAssertEqual(first.step, 11)
        XCTAssertEqual(first.sparsity.measured, 0.4, accuracy: 0.01, "paused right after the first cut")
        XCTAssertEqual(first.message, "paused where the phase changes, dense → pruning, after step 11")
        Thread.sleep(forTimeInterval: 0.05)
        XCTAssertEqual(paced.latestSnapshot?.step, 11, "it waits for the user")

        paced.send(.resume)
        let second = try XCTUnwrap(waitFor(paced) { $0.pausedAtPhaseChange?.to == "fine-tune" })
        XCTAssertEqual(second.pausedAtPhaseChange, PhaseChange(from: "pruning", to: "fine-tune", step: 22))
        paced.send(.resume)
        XCTAssertNil(waitFor(paced, timeout: 1) { $0.state == .running && $0.pausedAtPhaseChange != nil },
                     "resuming clears the pause's reason")
        XCTAssertEqual(try finalWeights(paced), expected, "pausing and pacing change when steps run, never what they compute")
    }

    func testThePaceCapsTheStepsASecondAndCanBeLiftedLive() throws {
        var config = config()
        config.epochs = 40
        let trainer = try Trainer(config: config, dataset: DatasetLoader.embeddedDigits())
        let started = Date()
        trainer.start(pace: RunPace(stepsPerSecond: 20))
        Thread.sleep(forTimeInterval: 1)
        let reached = try XCTUnwrap(trainer.latestSnapshot)
        let seconds = Date().timeIntervalSince(started)
        // An upper bound only: a loaded machine may do fewer, never more.
        XCTAssertLessThanOrEqual(reached.step, Int(seconds * 20) + 2, "at most 20 steps a second")
        XCTAssertEqual(reached.pace, RunPace(stepsPerSecond: 20))

        trainer.send(.setPace(RunPace(stepsPerSecond: 0)))
        XCTAssertNotNil(waitFor(trainer) { $0.message == "refused: pace: expected a number > 0 and <= 100000, found 0" })
        trainer.send(.setPace(.fullSpeed))
        XCTAssertNotNil(waitFor(trainer) { $0.message?.hasPrefix("pace 20 steps/s → full speed at step") == true })
        XCTAssertTrue(trainer.waitUntilFinished(timeout: 120), "at full speed the 440 steps finish")
    }
}
