import Training
import XCTest

final class StructuredMethodTests: XCTestCase {
    private func session(target: Double = 0.5, schedule: SparsitySchedule? = .constant, options: [String: Double] = [:],
                         learningRate: Float = 0.05, epochs: Int = 1) throws -> TrainingSession {
        var config = RunConfig()
        config.epochs = epochs
        config.batchSize = 128
        config.seed = 5
        config.learningRate = learningRate
        config.sparsity = SparsityConfig(method: "structured", target: target, schedule: schedule, options: options)
        return try TrainingSession(config: config, dataset: DatasetLoader.embeddedDigits())
    }

    private func rows(_ values: [Float], count: Int) -> [ArraySlice<Float>] {
        let size = values.count / count
        return (0..<count).map { values[($0 * size)..<(($0 + 1) * size)] }
    }

    func testWholeRowsGoByL1NormAndTheOutputLayerIsUntouched() throws {
        let session = try session()
        let initial = try ModelCatalog.make("lenet300", inputShape: [1, 28, 28], classCount: 10, seed: 5)
        session.trainStep()
        let engine = session.sparsity!
        var liveInputs = Set(0..<784)
        for (l, outputs, removed) in [(0, 300, 150), (1, 100, 50)] {
            let weights = rows(engine.prunable[l].value, count: outputs)
            let zero = weights.indices.filter { weights[$0].allSatisfy { $0 == 0 } }
            XCTAssertEqual(zero.count, removed, "layer \(l)")
            XCTAssertTrue(weights.indices.filter { !zero.contains($0) }.allSatisfy { row in
                weights[row].indices.allSatisfy { (weights[row][$0] != 0) == liveInputs.contains($0 - weights[row].startIndex) }
            }, "layer \(l): kept rows keep exactly the inputs from units still there")
            liveInputs = Set(weights.indices.filter { !zero.contains($0) })
            let norms = rows(initial.prunableParameters[l].value, count: outputs).map { $0.reduce(0) { $0 + abs($1) } }
            let keptMin = weights.indices.filter { !zero.contains($0) }.map { norms[$0] }.min()!
            XCTAssertLessThanOrEqual(zero.map { norms[$0] }.max()!, keptMin, "ranked by L1 norm")
        }
        let outputs = rows(engine.masks[2], count: 10)
        XCTAssertTrue(outputs.allSatisfy { row in row.indices.allSatisfy { (row[$0] != 0) == liveInputs.contains($0 - row.startIndex) } },
                      "output neurons are never removed; they lose only the inputs of removed units")
        XCTAssertEqual(engine.layerTargets(for: 0.5), [0.5, 0.5, 0], "and the per-layer targets shown say so")
        // fc1: 150 of 300 rows; fc2: 50 rows, and 150 columns of the other 50; fc3: 50 columns of 10 rows.
        XCTAssertEqual(engine.measuredSparsity, (117_600.0 + 22_500 + 500) / 266_200, accuracy: 1e-12)
    }

    /// A spiky row (one weight 3) against a flat one (784 × 0.006: L1 4.70, L2 0.17):
    /// L1 keeps the flat row, L2 the spiky one.
    func testL1AndL2RankDifferently() throws {
        func keptRows(norm: Double) throws -> (spiky: Bool, flat: Bool) {
            let session = try session(options: ["norm": norm], learningRate: 1e-9)
            let fc1 = session.sparsity.prunable[0]
            var values = [Float](repeating: 0.001, count: fc1.count)
            for row in 0..<149 { for i in 0..<784 { values[row * 784 + i] = 1 } }
            values[149 * 784] = 3
            for i in 0..<784 { values[150 * 784 + i] = 0.006 }
            fc1.value = values
            try session.sparsity.setTarget(0.5)  // re-prune at the next step
            session.trainStep()
            let mask = session.sparsity.masks[0]
            return (mask[149 * 784] == 1, mask[150 * 784] == 1)
        }
        let l1 = try keptRows(norm: 1), l2 = try keptRows(norm: 2)
        XCTAssertFalse(l1.spiky)
        XCTAssertTrue(l1.flat)
        XCTAssertTrue(l2.spiky)
        XCTAssertFalse(l2.flat)
    }

    func testGradualByDefaultAndTheTargetMetAtTheEnd() throws {
        let session = try session(schedule: nil)
        let engine = session.sparsity!
        guard case .polynomial = engine.schedule else { return XCTFail("expected a gradual schedule, got \(engine.schedule)") }
        XCTAssertEqual(engine.measuredSparsity, 0)
        var seen: [Double] = []
        while !session.isComplete {
            session.trainStep()
            seen.append(engine.measuredLayerSparsities[0])
        }
        XCTAssertGreaterThan(Set(seen).count, 2, "several pruning steps")
        XCTAssertEqual(engine.measuredLayerSparsities, [0.5, 0.75, 0.5], "fc2 and fc3 lose the inputs of removed units too")
    }

    func testBadOptionsAreRefused() {
        for options in [["norm": 0.0], ["norm": 3], ["p": 1]] {
            XCTAssertFalse(SparsityConfig(method: "structured", target: 0.5, options: options).validationErrors().isEmpty)
        }
        XCTAssertEqual(SparsityConfig(method: "structured", target: 0.5, options: ["norm": 2]).validationErrors(), [])
    }
}
