import Foundation
import Training
import XCTest

/// Phases are a type; what the dashboard shows, and what logs and checkpoints store, is the
/// display name, which reads back as the same phase.
final class TrainingPhaseTests: XCTestCase {
    private let every: [(TrainingPhase, String)] = [
        (.dense, "dense"), (.pruning, "pruning"), (.fineTune, "fine-tune"), (.sparse, "sparse"),
        (.round(1, of: 5), "round 1/5"), (.round(5, of: 5), "round 5/5"), (.ticket, "ticket"), (.l1Penalty, "L1 penalty"),
        (.frozen, "frozen"), (.redense, "re-dense"),
    ]

    func testEveryPhaseReadsBackFromItsDisplayName() {
        for (phase, name) in every {
            XCTAssertEqual(phase.displayName, name)
            XCTAssertEqual("\(phase)", name)
            XCTAssertEqual(TrainingPhase(displayName: name), phase, name)
        }
    }

    /// A name that is not exactly a known phase's is kept as written, never bent into one.
    func testAnUnknownNameIsKeptAsWritten() {
        for name in ["rewind", "?", "", "Dense", "fine tune", "round 0/5", "round 6/5", "round 1/0", "round 01/5", "round 1/5 ",
                     "round -1/5", "round 1/5/7", "round x/5", "round1/5"] {
            XCTAssertEqual(TrainingPhase(displayName: name), .other(name), name)
            XCTAssertEqual(TrainingPhase(displayName: name).displayName, name)
        }
        XCTAssertEqual(TrainingPhase.unrecorded.displayName, "?")
    }

    func testCodableAsTheDisplayName() throws {
        let phases = every.map(\.0) + [.other("rewind")]
        let data = try JSONEncoder().encode(phases)
        XCTAssertEqual(String(decoding: data, as: UTF8.self),
                       #"["dense","pruning","fine-tune","sparse","round 1\/5","round 5\/5","ticket","L1 penalty","frozen","re-dense","rewind"]"#)
        XCTAssertEqual(try JSONDecoder().decode([TrainingPhase].self, from: data), phases)
    }

    /// The engine's phase under each schedule, as the dashboard shows it.
    func testTheSchedulesPhases() throws {
        var config = RunConfig()
        config.epochs = 2  // 22 steps of 128 on the embedded digits
        config.sparsity = SparsityConfig(method: "magnitude", target: 0.5, schedule: .iterative(rounds: 3, stepsPerRound: 4))
        let session = try TrainingSession(config: config, dataset: DatasetLoader.embeddedDigits())
        let engine = try XCTUnwrap(session.sparsity)
        var seen: [TrainingPhase] = [engine.phase]
        while !session.isComplete {
            session.trainStep()
            if seen.last != engine.phase { seen.append(engine.phase) }
        }
        XCTAssertEqual(seen, [.dense, .round(1, of: 3), .round(2, of: 3), .fineTune])
    }
}
