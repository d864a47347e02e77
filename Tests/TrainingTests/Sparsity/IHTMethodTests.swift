import Training
import XCTest

final class IHTMethodTests: XCTestCase {
    private func session(options: [String: Double]) throws -> TrainingSession {
        var config = RunConfig()
        config.epochs = 2  // 22 steps of 128 on the embedded digits
        config.batchSize = 128
        config.seed = 7
        config.sparsity = SparsityConfig(method: "iht", target: 0.75, options: options)
        return try TrainingSession(config: config, dataset: DatasetLoader.embeddedDigits())
    }

    func testPhasesAlternateAlignedToEndSparse() throws {
        let session = try session(options: ["sparse_steps": 3, "dense_steps": 2])
        let engine = session.sparsity!
        // Laid out from the end (22 steps, cycles of 2 dense + 3 sparse): dense 0-3 (2 + the
        // 2 left over), sparse 4-6, dense 7-8, sparse 9-11, dense 12-13, sparse 14-16, dense 17-18, sparse 19-21.
        let sparseSteps: Set<Int> = [4, 5, 6, 9, 10, 11, 14, 15, 16, 19, 20, 21]
        XCTAssertEqual(engine.schedule, .oneShot(atStep: 4))
        var pruned: [Int] = []
        for step in 0...22 {
            if step > 0 { session.trainStep() }
            let sparse = step == 22 || sparseSteps.contains(step)
            XCTAssertEqual(engine.phase, sparse ? "sparse" : "dense", "step \(step)")
            if sparse {
                XCTAssertEqual(engine.measuredLayerSparsities, [0.75, 0.75, 0.75], "step \(step)")
                XCTAssertTrue(zip(engine.prunable[1].value, engine.masks[1]).allSatisfy { $1 == 1 || $0 == 0 })
                pruned = engine.masks[1].indices.filter { engine.masks[1][$0] == 0 }
            } else {
                XCTAssertEqual(engine.measuredSparsity, 0, "step \(step)")
                if sparseSteps.contains(step - 1) {
                    XCTAssertTrue(pruned.allSatisfy { engine.prunable[1].value[$0] == 0 }, "re-enabled at 0")
                }
            }
        }
        let method = engine.method as! IHTMethod
        XCTAssertEqual(method.sparsePhasesBegun(by: 3), 0)
        XCTAssertEqual(method.sparsePhasesBegun(by: 4), 1)
        XCTAssertEqual(method.sparsePhasesBegun(by: 13), 2)
        XCTAssertEqual(method.sparsePhasesBegun(by: 21), 4)
        XCTAssertEqual(engine.measuredSparsity, 0.75, "the run ends at the target")
    }

    func testDefaultLengthsAreAnEighthOfTheRun() throws {
        let session = try session(options: [:])
        let method = session.sparsity.method as! IHTMethod
        XCTAssertEqual(method.sparseSteps, 2)
        XCTAssertEqual(method.denseSteps, 2)
        XCTAssertTrue(method.isSparse(step: 21))
        XCTAssertTrue(method.isSparse(step: 20))
        XCTAssertFalse(method.isSparse(step: 19))
        XCTAssertFalse(method.isSparse(step: 0), "training starts dense")
        XCTAssertEqual(session.sparsity.schedule, .oneShot(atStep: 4), "the target shown is 0 until the first prune")
    }

    func testBadOptionsAreRefused() {
        for options in [["sparse_steps": -1.0], ["dense_steps": -5], ["steps": 3]] {
            XCTAssertFalse(SparsityConfig(method: "iht", target: 0.5, options: options).validationErrors().isEmpty, "\(options)")
        }
    }
}
