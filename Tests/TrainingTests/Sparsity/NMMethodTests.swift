import Training
import XCTest

final class NMMethodTests: XCTestCase {
    private func config(model: String = "lenet300", target: Double = 0, schedule: SparsitySchedule? = nil,
                        options: [String: Double] = [:], batch: Int = 128) -> RunConfig {
        var config = RunConfig()
        config.model = model
        config.epochs = 1
        config.batchSize = batch
        config.seed = 4
        config.sparsity = SparsityConfig(method: "nm", target: target, schedule: schedule, options: options)
        return config
    }

    /// Checks every group of M consecutive inputs of every tensor: min(N, group size) kept,
    /// and the kept ones have the largest |reference| in their group.
    private func assertNOfM(_ masks: [[Float]], shapes: [[Int]], reference: [[Float]], n: Int, m: Int,
                            file: StaticString = #filePath, line: UInt = #line) {
        for (l, shape) in shapes.enumerated() {
            let inputs = shape[1], lanes = shape.dropFirst(2).reduce(1, *)
            for o in 0..<shape[0] {
                for offset in 0..<lanes {
                    for start in stride(from: 0, to: inputs, by: m) {
                        let members = (start..<min(start + m, inputs)).map { (o * inputs + $0) * lanes + offset }
                        let kept = members.filter { masks[l][$0] == 1 }
                        XCTAssertEqual(kept.count, min(n, members.count), "tensor \(l) group at \(members[0])", file: file, line: line)
                        let dropped = members.filter { masks[l][$0] == 0 }
                        if let low = kept.map({ abs(reference[l][$0]) }).min(), let high = dropped.map({ abs(reference[l][$0]) }).max() {
                            XCTAssertGreaterThanOrEqual(low, high, "tensor \(l): magnitude chooses", file: file, line: line)
                        }
                    }
                }
            }
        }
    }

    func testTwoOfFourInEveryGroupChosenByMagnitude() throws {
        let config = config(target: 0.9, schedule: .constant)  // N:M from the first step
        let session = try TrainingSession(config: config, dataset: DatasetLoader.embeddedDigits())
        let initial = try ModelCatalog.make("lenet300", inputShape: [1, 28, 28], classCount: 10, seed: 4)
        let engine = session.sparsity!
        assertNOfM(engine.masks, shapes: engine.shapes, reference: initial.prunableParameters.map(\.value), n: 2, m: 4)
        XCTAssertEqual(engine.target, 0.5, "the target shown is what 2:4 realises, whatever --sparsity said")
        XCTAssertEqual(engine.measuredSparsity, 0.5)
        session.trainStep()
        for l in engine.prunable.indices {
            XCTAssertTrue(zip(engine.prunable[l].value, engine.masks[l]).allSatisfy { $1 == 1 || $0 == 0 }, "pruned weights are zero")
        }
        XCTAssertEqual(engine.snapshot.statistics.first { $0.name == "N:M groups ok" }?.value, 1)
    }

    func testDefaultScheduleIsDenseThenOneShotAtHalfTheRun() throws {
        let session = try TrainingSession(config: config(options: ["n": 1, "m": 4]), dataset: DatasetLoader.embeddedDigits())
        let engine = session.sparsity!
        XCTAssertEqual(session.totalSteps, 11)
        XCTAssertEqual(engine.schedule, .oneShot(atStep: 5))
        XCTAssertEqual(engine.granularity, .nOfM(n: 1, m: 4), "the granularity follows the options")
        XCTAssertEqual(engine.target, 0.75)
        for _ in 0..<4 { session.trainStep() }
        XCTAssertEqual(engine.measuredSparsity, 0, "dense training first")
        XCTAssertEqual(engine.phase, "dense")
        session.trainStep()
        XCTAssertEqual(engine.measuredSparsity, 0.75)
        XCTAssertEqual(engine.phase, "fine-tune")
        XCTAssertEqual(engine.scheduledSparsity(at: engine.step), engine.measuredSparsity, "target shown = measured")
        for _ in 0..<6 { session.trainStep() }
        assertNOfM(engine.masks, shapes: engine.shapes, reference: engine.prunable.map(\.value), n: 1, m: 4)
        XCTAssertEqual(engine.measuredSparsity, 0.75)
    }

    /// LeNet-5's conv1 has one input channel: every group is that one weight, which is
    /// kept, so conv1 stays dense; conv2 (6 channels) keeps 2 of 4 and 2 of 2.
    func testSingleInputChannelConvStaysDenseAndTheTargetIsWhatNMRealises() throws {
        let session = try TrainingSession(config: config(model: "lenet5", schedule: .constant, batch: 8),
                                          dataset: DatasetLoader.embeddedDigits())
        let engine = session.sparsity!
        XCTAssertEqual(engine.shapes[0], [6, 1, 5, 5])
        XCTAssertEqual(engine.masks[0].reduce(0, +), 150)
        XCTAssertEqual(engine.masks[1].reduce(0, +), 1600)
        let kept = 150.0 + 1600 + 24000 + 5040 + 420
        XCTAssertEqual(engine.target, 1 - kept / 61470, accuracy: 1e-12)
        XCTAssertEqual(engine.measuredSparsity, engine.target, accuracy: 1e-12)
        XCTAssertEqual(engine.layerTargets(for: engine.target), engine.measuredLayerSparsities, "per-layer targets shown = measured")
        XCTAssertEqual(engine.measuredLayerSparsities[1], 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(NMMethod.realisedSparsity(shapes: [[4, 10]], n: 2, m: 4), 1 - 6.0 / 10)  // groups 4, 4, 2
    }

    func testBadOptionsAreRefused() {
        for options in [["n": 0.0], ["m": 0], ["m": 65], ["k": 2]] {
            XCTAssertFalse(SparsityConfig(method: "nm", options: options).validationErrors().isEmpty, "\(options)")
        }
        XCTAssertEqual(SparsityConfig(method: "nm", options: ["n": 4, "m": 8]).validationErrors(), [])
    }
}
