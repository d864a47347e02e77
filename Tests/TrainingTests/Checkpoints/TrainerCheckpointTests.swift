import Foundation
import Synchronization
import Training
import XCTest

/// The trainer's checkpoints: on command, periodically, the resumed run, stop-after, and
/// the rollback of a diverged run.
final class TrainerCheckpointTests: XCTestCase {
    private let dataset = DatasetLoader.embeddedDigits()

    /// The events of a run in order, as (what, snapshot); checkpoint events name their path.
    private final class EventLog: Sendable {
        private let events = Mutex<[(String, TrainingSnapshot)]>([])

        func record(_ event: TrainerEvent) {
            let entry: (String, TrainingSnapshot) = switch event {
            case let .started(snapshot): ("started", snapshot)
            case let .evaluated(snapshot): ("evaluated", snapshot)
            case let .diverged(snapshot): ("diverged", snapshot)
            case let .finished(snapshot): ("finished", snapshot)
            case let .stopped(snapshot): ("stopped", snapshot)
            case let .commandApplied(_, snapshot): ("command", snapshot)
            case let .checkpointSaved(path, snapshot): ("saved \(path)", snapshot)
            case let .checkpointFailed(path, _, snapshot): ("failed \(path)", snapshot)
            }
            events.withLock { $0.append(entry) }
        }

        var all: [(String, TrainingSnapshot)] { events.withLock { $0 } }
        var names: [String] { all.map(\.0) }
        var evaluations: [TrainingSnapshot] { all.filter { $0.0 == "evaluated" }.map(\.1) }
    }

    private func waitFor(_ trainer: Trainer, _ condition: (TrainingSnapshot) -> Bool) -> TrainingSnapshot? {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let snapshot = trainer.latestSnapshot, condition(snapshot) { return snapshot }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return nil
    }

    /// Magnitude pruning on lenet300, 2 epochs of 11 steps, an evaluation every 5 steps.
    private func config() -> RunConfig {
        var config = CheckpointTestSupport.config(
            SparsityConfig(method: "magnitude", target: 0.8,
                           schedule: .polynomial(initial: 0, beginStep: 2, endStep: 14, frequency: 4, exponent: 3)),
            batch: 128)
        config.evaluateEverySteps = 5
        return config
    }

    func testTheSaveCommandWritesTheRunAsItIsWithItsProvenance() throws {
        let directory = try CheckpointTestSupport.temporaryDirectory(self)
        var config = config()
        config.startPaused = true
        let trainer = try Trainer(config: config, dataset: dataset, recipeText: "epochs: 2\n", overrides: ["optimizer.lr=0.05"])
        let log = EventLog()
        trainer.start(onEvent: log.record)
        XCTAssertNotNil(waitFor(trainer) { $0.state == .paused })
        trainer.send(.step(count: 4))
        XCTAssertNotNil(waitFor(trainer) { $0.step == 4 && $0.state == .paused })
        trainer.send(.setLearningRate(0.03))
        trainer.send(.saveCheckpoint(path: directory + "/paused.ckpt"))
        let saved = try XCTUnwrap(waitFor(trainer) { $0.message?.hasPrefix("checkpoint") == true })
        XCTAssertEqual(saved.message, "checkpoint saved to \(directory)/paused.ckpt at step 4")

        trainer.send(.saveCheckpoint(path: directory + "/missing/paused.ckpt"))
        let failed = try XCTUnwrap(waitFor(trainer) { $0.message?.contains("not saved") == true })
        XCTAssertEqual(failed.message, "checkpoint \(directory)/missing/paused.ckpt was not saved: "
                       + "cannot create a temporary file in \(directory)/missing: No such file or directory")
        trainer.send(.stop)
        XCTAssertTrue(trainer.waitUntilFinished(timeout: 60))
        XCTAssertEqual(log.names.filter { $0 != "command" },
                       ["started", "saved \(directory)/paused.ckpt", "failed \(directory)/missing/paused.ckpt", "stopped"])

        let checkpoint = try Checkpoint.read(from: directory + "/paused.ckpt")
        XCTAssertEqual(checkpoint.step, 4)
        XCTAssertEqual(checkpoint.recipeText, "epochs: 2\n")
        XCTAssertEqual(checkpoint.overrides, ["optimizer.lr=0.05"])
        XCTAssertEqual(checkpoint.config.learningRate, 0.03, "the base rate as the knob left it")
        XCTAssertEqual(checkpoint.progress.stepsSinceEvaluation, 4)
        XCTAssertEqual(checkpoint.progress.samplesSeen, 4 * 128)
    }

    func testAResumedRunReportsAndEndsExactlyAsTheUninterruptedOne() throws {
        let uninterrupted = try Trainer(config: config(), dataset: dataset)
        let reference = EventLog()
        uninterrupted.start(onEvent: reference.record)
        uninterrupted.waitUntilFinished()

        // Stopped after step 12, past the evaluation at 10: the checkpoint holds two steps' train loss.
        let directory = try CheckpointTestSupport.temporaryDirectory(self) + "/checkpoints"
        var stopping = config()
        stopping.stopAfterSteps = 12
        stopping.checkpointEverySteps = 6
        stopping.checkpointDirectory = directory
        let first = try Trainer(config: stopping, dataset: dataset)
        let firstLog = EventLog()
        first.start(onEvent: firstLog.record)
        first.waitUntilFinished()
        XCTAssertEqual(firstLog.names, ["started", "evaluated", "saved \(directory)/step-000006.ckpt", "evaluated",
                                        "saved \(directory)/step-000012.ckpt", "stopped"])
        let stopped = try XCTUnwrap(first.latestSnapshot)
        XCTAssertEqual(stopped.state, .stopped)
        XCTAssertEqual(stopped.step, 12)
        XCTAssertEqual(stopped.message, "stopped after step 12, as the config asks (stop after 12)")

        var checkpoint = try Checkpoint.read(from: directory + "/step-000012.ckpt")
        checkpoint.config.stopAfterSteps = nil
        checkpoint.config.checkpointEverySteps = nil
        let resumed = try Trainer(checkpoint: checkpoint, dataset: dataset)
        let resumedLog = EventLog()
        resumed.start(onEvent: resumedLog.record)
        resumed.waitUntilFinished()

        let start = try XCTUnwrap(resumedLog.all.first?.1)
        XCTAssertEqual(start.step, 12)
        XCTAssertEqual(start.message, "resumed from \(directory)/step-000012.ckpt at step 12")
        XCTAssertEqual(start.evaluationStep, 10, "the last evaluation comes back with the run")
        XCTAssertEqual(start.testAccuracy, reference.evaluations[1].testAccuracy)

        func summary(_ snapshots: [TrainingSnapshot]) -> [[UInt64]] {
            snapshots.map { [UInt64($0.step), $0.trainLoss.bitPattern, $0.trainAccuracy.bitPattern,
                             $0.testAccuracy!.bitPattern, $0.testLoss!.bitPattern] }
        }
        XCTAssertEqual(resumedLog.evaluations.map(\.step), [15, 20, 22])
        XCTAssertEqual(summary(resumedLog.evaluations), summary(reference.evaluations.filter { $0.step > 12 }),
                       "the same train loss and accuracy, test accuracy and loss at every evaluation")
        let end = try XCTUnwrap(resumed.latestSnapshot), referenceEnd = try XCTUnwrap(uninterrupted.latestSnapshot)
        XCTAssertEqual(end.state, .finished)
        XCTAssertEqual(end.samplesSeen, referenceEnd.samplesSeen)
        XCTAssertEqual(CheckpointTestSupport.bits(end.layers.map(\.weights)), CheckpointTestSupport.bits(referenceEnd.layers.map(\.weights)))
        XCTAssertEqual(end.layers.map(\.mask), referenceEnd.layers.map(\.mask))
    }

    func testAFailedPeriodicCheckpointIsReportedAndTheRunGoesOn() throws {
        let file = try CheckpointTestSupport.temporaryDirectory(self) + "/a-file"
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data("not a directory".utf8)))
        var config = config()
        config.epochs = 1
        config.checkpointEverySteps = 5
        config.checkpointDirectory = file + "/checkpoints"
        let trainer = try Trainer(config: config, dataset: dataset)
        let log = EventLog()
        trainer.start(onEvent: log.record)
        trainer.waitUntilFinished()

        XCTAssertEqual(log.names, ["started", "evaluated", "failed \(file)/checkpoints/step-000005.ckpt",
                                   "evaluated", "failed \(file)/checkpoints/step-000010.ckpt", "evaluated", "finished"])
        let final = try XCTUnwrap(trainer.latestSnapshot)
        XCTAssertEqual(final.state, .finished)
        XCTAssertEqual(final.step, 11)
        let failure = try XCTUnwrap(log.all.first { $0.0.hasPrefix("failed") }?.1)
        XCTAssertEqual(failure.message, "checkpoint \(file)/checkpoints/step-000005.ckpt was not saved: "
                       + "cannot create the directory \(file)/checkpoints: Not a directory")
    }

    func testResumingADivergedRunRollsBackToTheLastEvaluation() throws {
        var config = CheckpointTestSupport.config(batch: 128)
        config.evaluateEverySteps = 4
        config.startPaused = true
        let trainer = try Trainer(config: config, dataset: dataset)
        let log = EventLog()
        trainer.start(onEvent: log.record)
        XCTAssertNotNil(waitFor(trainer) { $0.state == .paused })
        trainer.send(.step(count: 9))
        XCTAssertNotNil(waitFor(trainer) { $0.step == 9 && $0.state == .paused })
        trainer.send(.setLearningRate(100))
        trainer.send(.resume)
        let diverged = try XCTUnwrap(waitFor(trainer) { $0.state == .diverged })
        let lastGood = try XCTUnwrap(log.evaluations.last { $0.step < diverged.step && $0.testLoss!.isFinite }).step
        XCTAssertTrue(diverged.message?.hasSuffix("lower the learning rate, then resume: it rolls back to step \(lastGood) "
                                                  + "(the last evaluation before the divergence)") == true, diverged.message ?? "")

        trainer.send(.saveCheckpoint(path: try CheckpointTestSupport.temporaryDirectory(self) + "/nan.ckpt"))
        XCTAssertNotNil(waitFor(trainer) { $0.message == "refused: the run has diverged; resume (it rolls back), then save" })
        trainer.send(.setLearningRate(0.05))
        trainer.send(.resume)
        let rolledBack = try XCTUnwrap(waitFor(trainer) { $0.message?.hasPrefix("rolled back") == true })
        XCTAssertEqual(rolledBack.message, "rolled back to step \(lastGood) (the last evaluation before the divergence)")
        XCTAssertEqual(rolledBack.step, lastGood)
        XCTAssertEqual(rolledBack.baseLearningRate, 0.05, "the rate set after the divergence stays")
        XCTAssertTrue(rolledBack.layers.allSatisfy { $0.weights.allSatisfy(\.isFinite) })

        XCTAssertTrue(trainer.waitUntilFinished(timeout: 60))
        let final = try XCTUnwrap(trainer.latestSnapshot)
        XCTAssertEqual(final.state, .finished)
        let entries = log.all
        let rollback = try XCTUnwrap(entries.firstIndex { $0.1.message?.hasPrefix("rolled back") == true })
        let afterwards = entries[(rollback + 1)...].filter { $0.0 == "evaluated" }.map(\.1)
        XCTAssertEqual(afterwards.map(\.step), Array(stride(from: lastGood + 4, to: final.step, by: 4)) + [final.step],
                       "the run goes on from the rolled-back step")
        XCTAssertTrue(afterwards.allSatisfy { $0.trainLoss.isFinite && $0.testLoss!.isFinite }, "\(afterwards.map(\.trainLoss))")
        XCTAssertGreaterThan(try XCTUnwrap(final.testAccuracy), 0.7)
    }

    func testADivergenceBeforeAnyEvaluationRollsBackToTheStart() throws {
        var config = CheckpointTestSupport.config(batch: 128)
        config.learningRate = 100
        let trainer = try Trainer(config: config, dataset: dataset)
        let log = EventLog()
        trainer.start(onEvent: log.record)
        let diverged = try XCTUnwrap(waitFor(trainer) { $0.state == .diverged })
        XCTAssertNil(diverged.evaluationStep, "diverged before the first evaluation")
        XCTAssertTrue(diverged.message?.hasSuffix("then resume: it rolls back to step 0 (where the run started)") == true,
                      diverged.message ?? "")
        trainer.send(.setLearningRate(0.05))
        trainer.send(.resume)
        let rolledBack = try XCTUnwrap(waitFor(trainer) { $0.message?.hasPrefix("rolled back") == true })
        XCTAssertEqual(rolledBack.message, "rolled back to step 0 (where the run started)")
        XCTAssertEqual(rolledBack.step, 0)
        XCTAssertTrue(trainer.waitUntilFinished(timeout: 60))
        let final = try XCTUnwrap(trainer.latestSnapshot)
        XCTAssertEqual(final.state, .finished)
        XCTAssertEqual(log.evaluations.map(\.step), [11, 22])
        XCTAssertTrue(log.evaluations.allSatisfy { $0.trainLoss.isFinite }, "\(log.evaluations.map(\.trainLoss))")
        XCTAssertGreaterThan(try XCTUnwrap(final.testAccuracy), 0.7)
    }
}
