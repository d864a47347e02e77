import Metrics
import Training
import XCTest

final class StorageFormatsTests: XCTestCase {
    /// n_r = n_c = 10^4, so n = 10^8, with m = (1 - sparsity) n and a 1000-wide max gap
    /// (10-bit delta), as in the survey's example (Hoefler et al. 2021, arXiv:2102.00554, §2.2).
    private func surveyExample(sparsity: Double) -> SparseTensorExtent {
        SparseTensorExtent(rows: 10_000, columns: 10_000, nonzeroCount: Int((1e8 * (1 - sparsity)).rounded()), maxGap: 1000)
    }

    func testCeilLog2() {
        XCTAssertEqual([0, 1, 2, 3, 4, 5, 1000, 10_000, 100_000_000].map(StorageFormats.ceilLog2), [0, 0, 1, 2, 2, 3, 10, 14, 27])
    }

    func testTheFormulasAtFullDensity() {
        let extent = surveyExample(sparsity: 0)
        let bits = StorageFormat.allCases.map { StorageFormats.bits($0, extent, valueBits: 8) }
        XCTAssertEqual(bits, [800_000_000, 900_000_000, 800_000_000 + 2_700_000_000, 800_000_000 + 1_000_000_000,
                              800_000_000 + 1_400_000_000 + 10_000 * 27])
    }

    func testTheSurveyTableInMegabytes() {
        // sparsity: dense, bitmap, COO, delta (10 bit), CSR, in MB rounded half to even (the §2.2 example,
        // recomputed from the survey's formulas).
        let table: [(Double, [Double])] = [
            (0, [100, 112, 438, 225, 275]), (0.1, [100, 102, 394, 202, 248]), (0.125, [100, 100, 383, 197, 241]),
            (0.5, [100, 62, 219, 112, 138]), (0.8, [100, 32, 88, 45, 55]), (0.9, [100, 22, 44, 22, 28]),
            (0.95, [100, 18, 22, 11, 14]), (0.99, [100, 14, 4, 2, 3]),
        ]
        for (sparsity, megabytes) in table {
            let costs = StorageFormats.costs(surveyExample(sparsity: sparsity), valueBits: 8)
            XCTAssertEqual(costs.map(\.format), StorageFormat.allCases)
            XCTAssertEqual(costs.map { (Double($0.bits) / 8e6).rounded(.toNearestOrEven) }, megabytes, "at \(sparsity)")
        }
    }

    func testTheCrossoversOfErrata4() {
        // Bitmap ties dense at 12.5% sparsity and wins above it.
        let tie = StorageFormats.costs(surveyExample(sparsity: 0.125), valueBits: 8)
        XCTAssertEqual(tie[1].bits, tie[0].bits)
        XCTAssertEqual(tie[1].compressionRatio, 1)
        XCTAssertEqual(StorageFormats.cheapest(tie).format, .dense, "a tie goes to the simpler format")
        XCTAssertEqual(StorageFormats.cheapest(StorageFormats.costs(surveyExample(sparsity: 0.13), valueBits: 8)).format, .bitmap)
        XCTAssertEqual(StorageFormats.cheapest(StorageFormats.costs(surveyExample(sparsity: 0.12), valueBits: 8)).format, .dense)
        // 10-bit delta ties bitmap at 90% and wins above it.
        let ninety = StorageFormats.costs(surveyExample(sparsity: 0.9), valueBits: 8)
        XCTAssertEqual(ninety[3].bits, ninety[1].bits)
        XCTAssertEqual(StorageFormats.cheapest(ninety).format, .bitmap)
        XCTAssertEqual(StorageFormats.cheapest(StorageFormats.costs(surveyExample(sparsity: 0.91), valueBits: 8)).format, .delta)
        XCTAssertEqual(StorageFormats.cheapest(StorageFormats.costs(surveyExample(sparsity: 0.8), valueBits: 8)).format, .bitmap)
    }

    func testASmallMaskByHand() {
        // Kept positions 1, 8, 9: gaps 2 (from -1), 7, 1.
        let extent = SparseTensorExtent(mask: [0, 1, 0, 0, 0, 0, 0, 0, 1, 1], shape: [2, 5])
        XCTAssertEqual(extent, SparseTensorExtent(rows: 2, columns: 5, nonzeroCount: 3, maxGap: 7))
        // k = 32: dense 320; bitmap 96+10; COO 96+3x4; delta 96+3x3; CSR 96+3x3+2x2.
        let wide = StorageFormats.costs(extent, valueBits: 32)
        XCTAssertEqual(wide.map(\.bits), [320, 106, 108, 105, 109])
        XCTAssertEqual(StorageFormats.cheapest(wide).format, .delta)
        XCTAssertEqual(StorageFormats.cheapest(wide).compressionRatio, 320.0 / 105.0, accuracy: 1e-12)
        XCTAssertEqual(StorageFormats.costs(extent, valueBits: 16).map(\.bits), [160, 58, 60, 57, 61])
        XCTAssertEqual(StorageFormats.costs(extent, valueBits: 8).map(\.bits), [80, 34, 36, 33, 37])
    }

    func testMaxGapCountsTheLeadingRunAndConvShapesAreRowsOfInputsTimesKernel() {
        let trailing = SparseTensorExtent(mask: [0, 0, 0, 0, 0, 0, 0, 1], shape: [8])
        XCTAssertEqual(trailing, SparseTensorExtent(rows: 1, columns: 8, nonzeroCount: 1, maxGap: 8))
        let conv = SparseTensorExtent(mask: [Float](repeating: 1, count: 3 * 2 * 2 * 2), shape: [3, 2, 2, 2])
        XCTAssertEqual(conv, SparseTensorExtent(rows: 3, columns: 8, nonzeroCount: 24, maxGap: 1))
        // A full mask needs no delta bits; the tie with dense goes to dense.
        XCTAssertEqual(StorageFormats.bits(.delta, conv, valueBits: 8), 24 * 8)
        XCTAssertEqual(StorageFormats.cheapest(StorageFormats.costs(conv, valueBits: 8)).format, .dense)
        let empty = SparseTensorExtent(mask: [0, 0, 0, 0], shape: [2, 2])
        XCTAssertEqual(StorageFormats.costs(empty, valueBits: 8).map(\.bits), [32, 4, 0, 0, 0])
    }

    func testWholeModel() {
        let first = SparseTensorExtent(mask: [0, 1, 0, 0, 0, 0, 0, 0, 1, 1], shape: [2, 5])
        let second = SparseTensorExtent(mask: [1, 1, 1, 0], shape: [2, 2])
        // second at k = 8: dense 32, bitmap 28, COO 24+6, delta 24+3x1 (gaps 1,1,1 -> 0 bits; 0), CSR 24+3+2x2.
        XCTAssertEqual(StorageFormats.costs(second, valueBits: 8).map(\.bits), [32, 28, 30, 24, 31])
        let model = StorageFormats.modelCosts([first, second], valueBits: 8)
        XCTAssertEqual(model.map(\.bits), [112, 62, 66, 57, 68])
        XCTAssertEqual(StorageFormats.cheapest(model).format, .delta)
        XCTAssertEqual(model[3].compressionRatio, 112.0 / 57.0, accuracy: 1e-12)
        XCTAssertEqual(StorageFormats.bestPerLayerBits([first, second], valueBits: 8), 33 + 24)
    }

    func testSnapshotExtentCountsOnlyStoredWeights() {
        let parameter = Parameter(name: "fc.weight", shape: [2, 3], role: .weight, index: 0, value: [0.5, 0, -1, 2, 3, 0])
        // Kept by the mask but exactly zero (position 1) is not stored; masked out (3) neither.
        let layer = LayerSnapshot(parameter: parameter, mask: [1, 1, 1, 0, 1, 1])
        let extent = SparseTensorExtent(layer)
        XCTAssertEqual(extent, SparseTensorExtent(rows: 2, columns: 3, nonzeroCount: 3, maxGap: 2))
        XCTAssertEqual(extent.nonzeroCount, layer.nonzeroCount)
    }
}
