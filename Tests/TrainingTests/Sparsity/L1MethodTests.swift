import Training
import XCTest

final class L1MethodTests: XCTestCase {
    private func session(options: [String: Double], target: Double = 0.8) throws -> TrainingSession {
        var config = RunConfig()
        config.epochs = 2  // 22 steps of 128 on the embedded digits
        config.batchSize = 128
        config.seed = 8
        config.sparsity = SparsityConfig(method: "l1", target: target, options: options)
        return try TrainingSession(config: config, dataset: DatasetLoader.embeddedDigits())
    }

    func testProximalStepOnHandValues() {
        var w: [Float] = [0.5, -0.5, 0.00005, -0.0001, 0, 0.00025, -3]
        let zeros = L1Method.proximalShrink(&w, by: 0.0001)
        XCTAssertEqual(zeros, 3)
        let expected: [Float] = [0.4999, -0.4999, 0, 0, 0, 0.00015, -2.9999]
        for (value, want) in zip(w, expected) {
            if want == 0 { XCTAssertEqual(value, 0) } else { XCTAssertEqual(value, want, accuracy: 1e-7) }
        }
    }

    func testShrinkUsesTheLearningRateOfEachStep() throws {
        let session = try session(options: ["lambda": 0.01])
        let method = session.sparsity.method as! L1Method
        for step in 0..<3 {
            let rate = session.learningRate
            session.trainStep()
            XCTAssertEqual(method.lastShrink, rate * 0.01, "step \(step)")
        }
        XCTAssertLessThan(session.learningRate, 0.05, "the cosine schedule moved the rate")
    }

    func testALargePenaltyZeroesEveryWeightAndIsCounted() throws {
        let session = try session(options: ["lambda": 10])  // shrink 0.5 per step, above every |w|
        session.trainStep()
        let engine = session.sparsity!
        XCTAssertTrue(engine.prunable.allSatisfy { $0.value.allSatisfy { $0 == 0 } })
        XCTAssertEqual(engine.measuredSparsity, 0, "zeroed by the penalty, not pruned: the masks are all ones")
        XCTAssertEqual(engine.snapshot.statistics.first { $0.name == "zeroed by L1" }?.value, 1)
    }

    func testTargetMetAtTheEndAfterTheOneShotPrune() throws {
        let session = try session(options: ["lambda": 0.05, "threshold_fraction": 0.5])
        let engine = session.sparsity!
        XCTAssertEqual(engine.schedule, .oneShot(atStep: 11))
        var zeroedBeforePrune = 0.0
        while !session.isComplete {
            session.trainStep()
            if engine.step < 11 {
                XCTAssertEqual(engine.measuredSparsity, 0)
                XCTAssertEqual(engine.phase, "L1 penalty")
                zeroedBeforePrune = engine.snapshot.statistics.first { $0.name == "zeroed by L1" }!.value
            }
        }
        XCTAssertGreaterThan(zeroedBeforePrune, 0, "the penalty alone drove weights to exactly zero")
        XCTAssertEqual(engine.phase, "fine-tune")
        XCTAssertEqual(engine.measuredSparsity, 0.8, accuracy: 1e-6)
        let zeros = engine.prunable.reduce(0) { $0 + $1.value.filter { $0 == 0 }.count }
        XCTAssertEqual(Double(zeros) / 266_200, 0.8, accuracy: 1e-6, "masked weights are zero and no kept weight was shrunk to 0")
    }

    func testBadOptionsAreRefused() {
        for options in [["lambda": -1.0], ["threshold_fraction": 1.5], ["mu": 1]] {
            XCTAssertFalse(SparsityConfig(method: "l1", target: 0.5, options: options).validationErrors().isEmpty, "\(options)")
        }
    }
}
