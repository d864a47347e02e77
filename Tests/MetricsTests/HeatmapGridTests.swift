import Metrics
import Training
import XCTest

final class HeatmapGridTests: XCTestCase {
    /// 3x5 matrix into 2x2 cells: rows split 0..<1 | 1..<3, columns 0..<2 | 2..<5.
    func testUnevenDivisionPutsEveryWeightInExactlyOneCell() {
        let weights: [Float] = [1, -2, 3, 0, 5,
                                6, 0, -8, 9, 0,
                                1, 1, 1, 1, 1]
        let mask: [Float] = [1, 0, 1, 0, 1,
                             1, 0, 0, 1, 0,
                             1, 1, 1, 1, 1]
        let grid = HeatmapGrid(weights: weights, mask: mask, matrixRows: 3, matrixColumns: 5,
                               requestedRows: 2, requestedColumns: 2)
        XCTAssertEqual(grid.rows, 2)
        XCTAssertEqual(grid.columns, 2)
        XCTAssertEqual(grid.weightCount, [2, 3, 4, 6])
        XCTAssertEqual(grid.weightCount.reduce(0, +), 15)
        XCTAssertEqual(grid.keptCount, [1, 2, 3, 4])
        XCTAssertEqual(grid.density, [0.5, 2.0 / 3.0, 0.75, 4.0 / 6.0])
        // Kept |w|: cell 0 {1}, cell 1 {3, 5}, cell 2 {6, 1, 1}, cell 3 {9, 1, 1, 1}.
        XCTAssertEqual(grid.meanKeptMagnitude, [1, 4, 8.0 / 3.0, 3])
        // All |w|: cell 0 {1, 2}, cell 1 {3, 0, 5}, cell 2 {6, 0, 1, 1}, cell 3 {8, 9, 0, 1, 1, 1}.
        XCTAssertEqual(grid.meanMagnitude, [1.5, 8.0 / 3.0, 2, 20.0 / 6.0])
    }

    func testGridLargerThanTheMatrixIsClampedToIt() {
        let grid = HeatmapGrid(weights: [1, 0, 0, 2], mask: nil, matrixRows: 2, matrixColumns: 2,
                               requestedRows: 10, requestedColumns: 3)
        XCTAssertEqual(grid.rows, 2)
        XCTAssertEqual(grid.columns, 2)
        XCTAssertEqual(grid.density, [1, 0, 0, 1])   // no mask: non-zero counts as kept
        XCTAssertEqual(grid.meanKeptMagnitude, [1, 0, 0, 2])
    }

    /// Conv [2 out, 2 in, 1x2]: rows = out, columns = in*kh*kw = 4.
    func testConvolutionIsViewedAsOutByFanIn() throws {
        let conv = ViewModelFixtures.prunable("conv.weight", [2, 2, 1, 2], [1, 1, 0, 0,  1, 0, 1, 0],
                                              mask: [1, 1, 0, 0, 1, 0, 1, 0])
        let grid = try XCTUnwrap(HeatmapGrid(layer: conv, rows: 2, columns: 2))
        XCTAssertEqual(grid.weightCount, [2, 2, 2, 2])
        XCTAssertEqual(grid.density, [1, 0, 0.5, 0.5])
        XCTAssertNil(HeatmapGrid(layer: ViewModelFixtures.prunable("b", [3], [1, 2, 3]), rows: 1, columns: 1))
    }

    /// fc1 [3 outputs, 2x2 image]: pixel (0,0) feeds 3, (0,1) feeds 1 (one masked, one zero),
    /// (1,0) feeds none, (1,1) feeds 2.
    func testInputConnectionMapCountsActiveOutgoingWeightsPerPixel() throws {
        let fc1 = ViewModelFixtures.prunable("fc1.weight", [3, 4], [1, 1, 0, 1,
                                                                  1, 0, 0, 1,
                                                                  1, 2, 0, 0],
                                             mask: [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1])
        let map = try XCTUnwrap(InputConnectionMap(firstLayer: fc1, imageShape: [1, 2, 2]))
        XCTAssertEqual(map.counts, [3, 1, 0, 2])
        XCTAssertEqual(map.count(row: 1, column: 1), 2)
        XCTAssertEqual(map.maximum, 3)
        XCTAssertEqual(map.disconnectedPixels, 1)
        XCTAssertNil(InputConnectionMap(firstLayer: fc1, imageShape: [3, 3]))
    }

    /// fc1 [2 outputs, 3 channels of a 1x2 image], inputs in CHW order (channel c of pixel p
    /// is input c * 2 + p): a pixel's count is its active weights summed over its channels,
    /// so the map stays 1x2. Pixel 0 feeds output 0 by red and green, output 1 by green
    /// (its blue weight masked); pixel 1 feeds output 0 by green and blue, output 1 not at all.
    func testInputConnectionMapSumsAPixelsChannels() throws {
        let fc1 = ViewModelFixtures.prunable("fc1.weight", [2, 6], [1, 0, 1, 1, 0, 2,
                                                                 0, 0, 1, 0, 3, 0],
                                             mask: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1])
        let map = try XCTUnwrap(InputConnectionMap(firstLayer: fc1, imageShape: [3, 1, 2]))
        XCTAssertEqual([map.rows, map.columns], [1, 2])
        XCTAssertEqual(map.counts, [3, 2])
        XCTAssertEqual(map.maximum, 6, "2 outputs x 3 channels")
        XCTAssertEqual(map.disconnectedPixels, 0)
        XCTAssertNil(InputConnectionMap(firstLayer: fc1, imageShape: [1, 1, 2]), "6 inputs are not one channel of 1x2")
        XCTAssertNil(InputConnectionMap(firstLayer: fc1, imageShape: [2, 1, 2]))
    }

    func testInputConnectionMapOfLenet300OnColourImagesIsThePlane() throws {
        let model = try ModelCatalog.make("lenet300", inputShape: [3, 32, 32], classCount: 10, seed: 3)
        let fc1 = LayerSnapshot(parameter: try XCTUnwrap(model.parameter(named: "fc1.weight")))
        let map = try XCTUnwrap(InputConnectionMap(firstLayer: fc1, imageShape: model.inputShape))
        XCTAssertEqual([map.rows, map.columns], [32, 32])
        XCTAssertEqual(map.maximum, 900)
        XCTAssertEqual(map.counts.max(), 900, "every weight of a dense layer is active")
        XCTAssertEqual(map.disconnectedPixels, 0)
    }

    func testInputConnectionMapOfLenet300IsTwentyEightSquare() throws {
        let model = try ModelCatalog.make("lenet300", inputShape: [1, 28, 28], classCount: 10, seed: 3)
        let fc1 = LayerSnapshot(parameter: try XCTUnwrap(model.parameter(named: "fc1.weight")))
        let map = try XCTUnwrap(InputConnectionMap(firstLayer: fc1, imageShape: [28, 28]))
        XCTAssertEqual(map.counts.count, 784)
        XCTAssertEqual(map.maximum, 300)
        XCTAssertEqual(map.disconnectedPixels, 0)
    }
}
