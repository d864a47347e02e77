import Training
import XCTest

final class DSDMethodTests: XCTestCase {
    private func session(options: [String: Double] = [:]) throws -> TrainingSession {
        var config = RunConfig()
        config.epochs = 2  // 22 steps of 128 on the embedded digits
        config.batchSize = 128
        config.seed = 6
        config.sparsity = SparsityConfig(method: "dsd", target: 0.8, options: options)
        return try TrainingSession(config: config, dataset: DatasetLoader.embeddedDigits())
    }

    func testPhasesSwitchAtTheRightStepsAndTheSparsePhaseMeetsTheTarget() throws {
        let session = try session()
        let engine = session.sparsity!
        XCTAssertEqual(session.totalSteps, 22)
        // Sparse phase: steps [round(22·0.3), round(22·0.7)) = [7, 15).
        XCTAssertEqual(engine.schedule, .oneShot(atStep: 7))
        var prunedDuringSparse: [[Int]] = []
        for step in 0...22 {
            if step > 0 { session.trainStep() }
            let expected: TrainingPhase = step < 7 ? "dense" : step < 15 ? "sparse" : "re-dense"
            XCTAssertEqual(engine.phase, expected, "phase of step \(step)")
            switch expected {
            case "sparse":
                XCTAssertEqual(engine.measuredLayerSparsities, [0.8, 0.8, 0.8], "step \(step)")
                for l in engine.prunable.indices {
                    XCTAssertTrue(zip(engine.prunable[l].value, engine.masks[l]).allSatisfy { $1 == 1 || $0 == 0 })
                }
                XCTAssertEqual(engine.scheduledSparsity(at: engine.step), 0.8)
                prunedDuringSparse = engine.masks.map { mask in mask.indices.filter { mask[$0] == 0 } }
            default:
                XCTAssertEqual(engine.measuredSparsity, 0, "step \(step): all weights active")
            }
            if step == 15 {
                for (l, pruned) in prunedDuringSparse.enumerated() {
                    XCTAssertTrue(pruned.allSatisfy { engine.prunable[l].value[$0] == 0 }, "re-enabled weights restart at 0")
                }
            }
            if step == 16 {
                let moved = prunedDuringSparse[1].filter { engine.prunable[1].value[$0] != 0 }.count
                // Inputs that were zero (ReLU) in the whole batch give no gradient: about half move at once.
                XCTAssertGreaterThan(moved, prunedDuringSparse[1].count / 4, "re-enabled weights train again")
            }
        }
        XCTAssertEqual(engine.measuredSparsity, 0, "the final sparsity of DSD is 0 by design")
    }

    func testPhaseLengthsAreNormalisedFractions() throws {
        let session = try session(options: ["dense": 1, "sparse": 1, "redense": 0])
        let method = session.sparsity.method as! DSDMethod
        XCTAssertEqual(method.sparseStart, 11)
        XCTAssertEqual(method.redenseStart, 22, "no re-dense phase: the run ends sparse")
        XCTAssertEqual(method.phase(ofStep: 10), .dense)
        XCTAssertEqual(method.phase(ofStep: 21), .sparse)
    }

    func testBadOptionsAreRefused() {
        for options in [["dense": -0.1], ["sparse": 0.0], ["redense": 1.5], ["rounds": 2]] {
            XCTAssertFalse(SparsityConfig(method: "dsd", target: 0.5, options: options).validationErrors().isEmpty, "\(options)")
        }
    }
}
