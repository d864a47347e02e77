import Metrics
import Training
import XCTest

final class SparsityStatisticsTests: XCTestCase {
    private func layer(_ name: String, _ values: [Float], prunable: Bool = true) -> LayerSnapshot {
        LayerSnapshot(parameter: Parameter(name: name, shape: [values.count], role: prunable ? .weight : .bias, index: 0, value: values))
    }

    func testCountsSparsityAndCompressionOverPrunableTensorsOnly() {
        let layers = [
            layer("fc1.weight", [0, 1, 0, 2, 0, 0, 3, 0]),   // 3 of 8 non-zero
            layer("fc1.bias", [0, 0, 0], prunable: false),    // not prunable: ignored
            layer("fc2.weight", [1, -1, 0, 0]),               // 2 of 4 non-zero
        ]
        let stats = SparsityStatistics.prunableLayers(of: layers)
        XCTAssertEqual(stats.map(\.name), ["fc1.weight", "fc2.weight"])
        XCTAssertEqual(stats.map(\.nonzeroCount), [3, 2])
        XCTAssertEqual(stats[0].sparsity, 0.625)
        XCTAssertEqual(stats[1].sparsity, 0.5)
        // Element-weighted: 5 non-zero of 12.
        XCTAssertEqual(SparsityStatistics.overallSparsity(stats), 7.0 / 12.0, accuracy: 1e-12)
        XCTAssertEqual(SparsityStatistics.compression(stats), 12.0 / 5.0, accuracy: 1e-12)
    }

    func testEmptyAndAllZero() {
        XCTAssertEqual(SparsityStatistics.overallSparsity([]), 0)
        let zero = SparsityStatistics.prunableLayers(of: [layer("w", [0, 0])])
        XCTAssertEqual(SparsityStatistics.overallSparsity(zero), 1)
        XCTAssertEqual(SparsityStatistics.compression(zero), .infinity)
    }
}
