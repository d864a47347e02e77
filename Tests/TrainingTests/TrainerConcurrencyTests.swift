import Foundation
import Training
import XCTest

/// The trainer/UI boundary under load: while a run trains, two other threads send knob
/// changes and read snapshots as fast as they can. Run under ThreadSanitizer by
/// `scripts/tsan.sh`; in the normal suite it checks that every command is applied or
/// refused and snapshots stay consistent.
final class TrainerConcurrencyTests: XCTestCase {
    func testKnobsAndSnapshotReadersHammerARunningTrainer() throws {
        var config = RunConfig()
        config.epochs = 200
        config.batchSize = 32
        config.evaluateEverySteps = 25
        config.snapshotIntervalSeconds = 0.001
        config.sparsity = SparsityConfig(method: "magnitude", target: 0.5, schedule: .constant)
        let trainer = try Trainer(config: config, dataset: DatasetLoader.embeddedDigits())
        let announcements = Counter()
        trainer.start { event in
            if case .commandApplied = event { announcements.increment() }
        }
        // Until 40 knob changes have been applied (however slow the build: debug, TSan), or 2 minutes.
        let target = 40, limit = Date().addingTimeInterval(120)
        @Sendable func going() -> Bool { announcements.value < target + 2 && Date() < limit }
        // Knob changes as fast as the trainer takes them: at most 4 waiting at a time (it
        // applies every pending command, and publishes a snapshot for each, before its next
        // step; a flood would only queue up), with a pause, single steps and a resume now
        // and then.
        trainer.send(.setMethod("random"))
        trainer.send(.setLayerBudget(LayerBudget(.uniform)))
        let sent = Counter(), reads = Counter()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            var index = 0
            while going() {
                if sent.value - announcements.value > 4 {
                    usleep(100)
                    continue
                }
                // Mostly learning-rate changes (cheap to apply); a re-prune every 25th.
                trainer.send(index % 25 == 24 ? .setTargetSparsity(index % 50 == 24 ? 0.6 : 0.5)
                                              : .setLearningRate(0.03 + Float(index % 7) * 0.001))
                sent.increment()
                if index % 10 == 9 {
                    trainer.send(.pause)
                    trainer.send(.step(count: 2))
                    trainer.send(.resume)
                }
                index += 1
            }
        }
        DispatchQueue.global().async(group: group) {
            var lastStep = -1
            while going() {
                guard let snapshot = trainer.latestSnapshot else { continue }
                XCTAssertGreaterThanOrEqual(snapshot.step, lastStep, "steps never go back")
                lastStep = snapshot.step
                XCTAssertEqual(snapshot.layers.count, 6)
                reads.increment()
            }
        }
        var mainReads = 0
        while going() {
            if let snapshot = trainer.latestSnapshot { mainReads += snapshot.sparsity.measured >= 0 ? 1 : 0 }
        }
        group.wait()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, (trainer.latestSnapshot?.step ?? 0) < 20 { usleep(1_000) }
        trainer.send(.stop)
        XCTAssertTrue(trainer.waitUntilFinished(timeout: 60))
        XCTAssertGreaterThanOrEqual(sent.value, target)
        XCTAssertGreaterThan(reads.value + mainReads, 1_000)
        XCTAssertGreaterThanOrEqual(announcements.value, sent.value - 5, "every knob change was applied")
        XCTAssertGreaterThanOrEqual(trainer.latestSnapshot?.step ?? 0, 20)
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
