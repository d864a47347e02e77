import Training
import XCTest

/// A method switch the user can look at first and take back after: the preview leaves the
/// run bitwise as it was, and an undo puts it back where the switch was made, so the run
/// then ends exactly as if the switch had never happened.
final class TrainerMethodSwitchTests: XCTestCase {
    private func config() -> RunConfig {
        var config = RunConfig()
        config.epochs = 3
        config.startPaused = true
        config.sparsity = SparsityConfig(method: "magnitude", target: 0.9,
                                         schedule: .polynomial(initial: 0.5, beginStep: 4, endStep: 20, frequency: 4, exponent: 3))
        return config
    }

    private func waitFor(_ trainer: Trainer, _ condition: (TrainingSnapshot) -> Bool) throws -> TrainingSnapshot {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let snapshot = trainer.latestSnapshot, condition(snapshot) { return snapshot }
            Thread.sleep(forTimeInterval: 0.005)
        }
        throw XCTSkip("timed out")
    }

    private func finish(_ trainer: Trainer) throws -> TrainingSnapshot {
        trainer.send(.resume)
        XCTAssertTrue(trainer.waitUntilFinished(timeout: 120))
        return try XCTUnwrap(trainer.latestSnapshot)
    }

    func testAPreviewChangesNothingAndAnUndoneSwitchLeavesNoTrace() throws {
        let data = DatasetLoader.embeddedDigits()
        let straight = try Trainer(config: config(), dataset: data)
        straight.start()
        _ = try waitFor(straight) { $0.state == .paused }
        let expected = try finish(straight)

        let trainer = try Trainer(config: config(), dataset: data)
        trainer.start()
        _ = try waitFor(trainer) { $0.state == .paused }
        trainer.send(.step(count: 8))
        let before = try waitFor(trainer) { $0.step == 8 && $0.state == .paused }
        XCTAssertGreaterThan(before.sparsity.measured, 0.4, "pruned at steps 4 and 8")

        trainer.send(.previewMethodSwitch("random"))
        let previewed = try waitFor(trainer) { $0.methodSwitchPreview != nil }
        let preview = try XCTUnwrap(previewed.methodSwitchPreview)
        XCTAssertEqual([preview.from, preview.to], ["magnitude", "random"])
        XCTAssertEqual(preview.step, 8)
        XCTAssertGreaterThan(preview.changedMasks, preview.prunableWeights / 10, "random re-draws the masks at once")
        XCTAssertEqual(previewed.sparsity.method, "magnitude", "a preview does not switch")
        XCTAssertEqual(previewed.layers.map(\.weights), before.layers.map(\.weights))
        XCTAssertEqual(previewed.layers.map(\.mask), before.layers.map(\.mask))
        XCTAssertNil(previewed.undoableMethodSwitch)

        trainer.send(.setMethod("random"))
        let switched = try waitFor(trainer) { $0.sparsity.method == "random" }
        XCTAssertEqual(switched.undoableMethodSwitch, UndoableMethodSwitch(from: "magnitude", to: "random", step: 8))
        trainer.send(.step(count: 3))
        _ = try waitFor(trainer) { $0.step == 11 && $0.state == .paused }
        trainer.send(.undoMethodSwitch)
        let undone = try waitFor(trainer) { $0.sparsity.method == "magnitude" }
        XCTAssertEqual(undone.step, 8)
        XCTAssertEqual(undone.message, "undone: random → back to magnitude at step 8 (the 3 steps since dropped)")
        XCTAssertNil(undone.undoableMethodSwitch)
        XCTAssertEqual(undone.layers.map(\.weights), before.layers.map(\.weights))

        trainer.send(.undoMethodSwitch)
        _ = try waitFor(trainer) { $0.message == "refused: there is no method switch to undo" }
        let final = try finish(trainer)
        XCTAssertEqual(final.layers.map(\.weights), expected.layers.map(\.weights), "the run ends as if never switched")
        XCTAssertEqual(final.testAccuracy, expected.testAccuracy)
    }

    func testAPreviewOfAMethodThatCannotTakeOverIsRefused() throws {
        let trainer = try Trainer(config: config(), dataset: DatasetLoader.embeddedDigits())
        trainer.start()
        _ = try waitFor(trainer) { $0.state == .paused }
        trainer.send(.previewMethodSwitch("no-such-method"))
        let refused = try waitFor(trainer) { $0.message?.hasPrefix("refused") == true }
        XCTAssertNil(refused.methodSwitchPreview)
        trainer.send(.stop)
        XCTAssertTrue(trainer.waitUntilFinished(timeout: 30))
    }
}
