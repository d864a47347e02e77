import Metrics
import Training
import XCTest

final class WeightHistogramTests: XCTestCase {
    func testNiceCeiling() {
        XCTAssertEqual(StableHistogramRange.niceCeiling(0.13), 0.2, accuracy: 1e-15)
        XCTAssertEqual(StableHistogramRange.niceCeiling(0.2), 0.2, accuracy: 1e-15)
        XCTAssertEqual(StableHistogramRange.niceCeiling(Double(Float(0.2))), 0.2, accuracy: 1e-15)
        XCTAssertEqual(StableHistogramRange.niceCeiling(0.21), 0.5, accuracy: 1e-15)
        XCTAssertEqual(StableHistogramRange.niceCeiling(0.7), 1, accuracy: 1e-15)
        XCTAssertEqual(StableHistogramRange.niceCeiling(1000), 1000, accuracy: 1e-9)
        XCTAssertEqual(StableHistogramRange.niceCeiling(1001), 2000, accuracy: 1e-9)
    }

    func testSmallChangesDoNotMoveTheRange() {
        var range = StableHistogramRange(shrinkAfterFrames: 3)
        range.update(maximumMagnitude: 0.3)
        XCTAssertEqual(range.limit, 0.5)
        // Drifting between 0.13 and 0.5 (more than a quarter of 0.5) never moves it.
        for magnitude in [0.31, 0.29, 0.45, 0.5, 0.2, 0.126, 0.3, 0.126, 0.126] {
            range.update(maximumMagnitude: magnitude)
            XCTAssertEqual(range.limit, 0.5, "at \(magnitude)")
        }
        XCTAssertEqual(range.lowerBound, -0.5)
    }

    func testGrowsAtOnceAndShrinksOnlyAfterNFramesInAQuarter() {
        var range = StableHistogramRange(shrinkAfterFrames: 3)
        range.update(maximumMagnitude: 0.3)
        range.update(maximumMagnitude: 0.51)
        XCTAssertEqual(range.limit, 1)
        range.update(maximumMagnitude: 0.1)   // fits in a quarter: 1 frame
        range.update(maximumMagnitude: 0.1)   // 2 frames
        range.update(maximumMagnitude: 0.3)   // does not fit: the count restarts
        range.update(maximumMagnitude: 0.1)
        range.update(maximumMagnitude: 0.1)
        XCTAssertEqual(range.limit, 1)
        range.update(maximumMagnitude: 0.12)  // third frame in a row: shrink to hold 0.12
        XCTAssertEqual(range.limit, 0.2)
        range.update(maximumMagnitude: .nan)
        XCTAssertEqual(range.limit, 0.2)
    }

    /// Range [-1, 1], 4 bins of 0.5: [-1,-0.5) [-0.5,0) [0,0.5) [0.5,1].
    func testKeptAndPrunedAreCountedSeparately() {
        let values: [Float] = [-1, -0.75, -0.25, 0, 0, 0.25, 0.5, 1, .nan, 3]
        let mask: [Float] = [1, 1, 0, 0, 1, 1, 1, 1, 1, 1]
        let histogram = WeightHistogram(values: values, mask: mask, lowerBound: -1, upperBound: 1, binCount: 4)
        XCTAssertEqual(histogram.kept, [2, 0, 2, 2])
        XCTAssertEqual(histogram.pruned, [0, 1, 1, 0])
        XCTAssertEqual(histogram.total, [2, 1, 3, 2])
        XCTAssertEqual(histogram.nonFinite, 1)
        XCTAssertEqual(histogram.outOfRange, 1)
        XCTAssertEqual(histogram.binRange(1), -0.5..<0)
        XCTAssertEqual(WeightHistogram.scaled([0, 9, 99], .logarithmic), [0, 1, 2])
        XCTAssertEqual(WeightHistogram.scaled([0, 9], .linear), [0, 9])
    }

    func testLayerHistogramKeepsItsBinsAcrossFrames() {
        var range = StableHistogramRange()
        let frame1 = ViewModelFixtures.prunable("w", [4], [-0.25, 0.15, 0, 0.2], mask: [1, 1, 0, 1])
        let frame2 = ViewModelFixtures.prunable("w", [4], [-0.31, 0.12, 0, 0.18], mask: [1, 1, 0, 1])
        let first = WeightHistogram.weights(of: frame1, binCount: 5, range: &range)
        let second = WeightHistogram.weights(of: frame2, binCount: 5, range: &range)
        XCTAssertEqual(first.lowerBound, -0.5)
        XCTAssertEqual(first.upperBound, 0.5)
        XCTAssertEqual(second.lowerBound, first.lowerBound)
        XCTAssertEqual(second.upperBound, first.upperBound)
        // Bins of 0.2 centred on 0: [-0.5,-0.3) [-0.3,-0.1) [-0.1,0.1) [0.1,0.3) [0.3,0.5].
        XCTAssertEqual(first.kept, [0, 1, 0, 2, 0])
        XCTAssertEqual(first.pruned, [0, 0, 1, 0, 0])
        XCTAssertEqual(second.kept, [1, 0, 0, 2, 0])
    }

    /// DropBack: untracked weights hold w0 (distance 0); tracked ones moved.
    func testDistanceFromInitialisation() {
        var range = StableHistogramRange(layout: .nonNegative)
        let layer = ViewModelFixtures.prunable("w", [4], [0.5, -0.25, 0.1, 0.3], mask: [1, 1, 0, 0])
        let initial: [Float] = [0.05, 0.2, 0.1, 0.3]
        let histogram = WeightHistogram.distanceFromInitialisation(of: layer, initial: initial, binCount: 5, range: &range)
        XCTAssertEqual(histogram.lowerBound, 0)
        XCTAssertEqual(histogram.upperBound, 0.5)
        // Distances 0.45 and 0.45 kept; 0 and 0 pruned. Bins of 0.1.
        XCTAssertEqual(histogram.kept, [0, 0, 0, 0, 2])
        XCTAssertEqual(histogram.pruned, [2, 0, 0, 0, 0])
    }
}
