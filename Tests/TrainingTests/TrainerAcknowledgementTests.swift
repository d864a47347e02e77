import Training
import XCTest

/// Every command is acknowledged once, under the id `send` returned, after the trainer has
/// applied or refused it: the snapshot it published for it is already the latest.
final class TrainerAcknowledgementTests: XCTestCase {
    private func pausedTrainer() throws -> Trainer {
        var config = RunConfig()
        config.epochs = 1
        config.startPaused = true
        let trainer = try Trainer(config: config, dataset: DatasetLoader.embeddedDigits())
        trainer.start()
        return trainer
    }

    func testAnAppliedKnobIsAcknowledgedWithItsMessageAndSnapshot() throws {
        let trainer = try pausedTrainer()
        let id = trainer.send(.setTargetSparsity(0.8))
        let acknowledgement = try XCTUnwrap(trainer.awaitAcknowledgement(of: id, timeout: 30))
        XCTAssertEqual(acknowledgement.id, id)
        XCTAssertEqual(acknowledgement.outcome, .applied)
        XCTAssertEqual(acknowledgement.message?.hasPrefix("target sparsity"), true)
        XCTAssertEqual(trainer.latestSnapshot?.sparsity.target, 0.8)
        XCTAssertEqual(trainer.latestSnapshot?.message, acknowledgement.message)
        XCTAssertTrue(trainer.takeAcknowledgements().isEmpty, "the awaited one is taken")
        trainer.send(.stop)
        XCTAssertTrue(trainer.waitUntilFinished(timeout: 30))
    }

    func testARefusalAndASilentCommandAreAcknowledgedInOrder() throws {
        let trainer = try pausedTrainer()
        let silent = trainer.send(.pause)
        let refused = trainer.send(.undoMethodSwitch)
        XCTAssertEqual(trainer.awaitAcknowledgement(of: refused, timeout: 30),
                       CommandAcknowledgement(id: refused, outcome: .refused, message: "refused: there is no method switch to undo"))
        XCTAssertEqual(trainer.takeAcknowledgements(), [CommandAcknowledgement(id: silent, outcome: .applied, message: nil)])
        XCTAssertNotEqual(silent, refused)
        trainer.send(.stop)
        XCTAssertTrue(trainer.waitUntilFinished(timeout: 30))
    }

    func testWaitingGivesUpWithoutAnAcknowledgement() throws {
        let trainer = try pausedTrainer()
        trainer.send(.stop)
        XCTAssertTrue(trainer.waitUntilFinished(timeout: 30))
        let late = trainer.send(.pause)
        let start = Date()
        XCTAssertNil(trainer.awaitAcknowledgement(of: late, timeout: 0.05), "a finished trainer takes no more commands")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }
}
