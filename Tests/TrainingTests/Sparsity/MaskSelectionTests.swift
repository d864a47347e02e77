import Training
import XCTest

final class MaskSelectionTests: XCTestCase {
    private func randomScores(_ count: Int, seed: UInt64, levels: Int? = nil) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let u = generator.nextUnitFloat()
            return levels.map { Float(Int(u * Float($0))) } ?? u
        }
    }

    func testTopIndicesMatchASortWithLowerIndexWinningTies() {
        for (count, keep, levels) in [(1000, 100, nil), (1000, 999, nil), (500, 250, 7), (64, 1, 3), (10, 0, nil), (10, 10, nil)] {
            let scores = randomScores(count, seed: UInt64(count + keep), levels: levels)
            let expected = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(keep)
            XCTAssertEqual(Set(MaskSelection.topIndices(scores, keep: keep)), Set(expected), "count \(count) keep \(keep)")
        }
        XCTAssertEqual(MaskSelection.kthLargest([3, 1, 4, 1, 5, 9, 2, 6], k: 3), 5)
        // NaN ranks below everything, and the count is still exact.
        XCTAssertEqual(Set(MaskSelection.topIndices([.nan, 1, .nan, 3, 2], keep: 4)), [1, 3, 4, 0])
    }

    func testGlobalRankingWithMinimumDensity() {
        // Layer 0 has the big scores; a pure global ranking would leave layer 1 empty, but
        // every layer keeps at least its best weight, within the same total.
        let scores: [[Float]] = [(0..<10).map { 10 + Float($0) }, [1, 2, 3, 4]]
        let plain = MaskSelection.masks(scores: scores, shapes: [[10], [4]], granularity: .weights, layerSparsities: nil,
                                        target: 0.5, dense: [], minimumDensity: 0)
        XCTAssertEqual(plain[1], [0, 0, 0, 1], "the layer keeps its best weight")
        XCTAssertEqual(plain[0], [0, 0, 0, 0, 1, 1, 1, 1, 1, 1], "the rest by the global ranking")
        let guarded = MaskSelection.masks(scores: scores, shapes: [[10], [4]], granularity: .weights, layerSparsities: nil,
                                          target: 0.5, dense: [], minimumDensity: 0.5)
        XCTAssertEqual(guarded[1], [0, 0, 1, 1], "the layer keeps its minimum density")
        XCTAssertEqual(guarded.reduce(0) { $0 + $1.reduce(0, +) }, 7, "the total budget is unchanged")
    }

    /// No target empties a layer: at 0.9999999 each layer keeps its best weight (a layer
    /// with none left would cut the network, and no gradient could ever regrow it).
    func testEveryTargetLeavesEachLayerAWeight() {
        XCTAssertEqual(MaskSelection.keepCount(count: 266_200, sparsity: 0.9999999), 1)
        XCTAssertEqual(MaskSelection.keepCount(count: 1000, sparsity: 0.9), 100)
        XCTAssertEqual(MaskSelection.keepCount(count: 0, sparsity: 0.5), 0)
        let scores: [[Float]] = [[5, 1, 9, 2], [3, 8, 1, 0, 2, 2]]
        for layerSparsities in [nil, [0.9999999, 0.9999999]] as [[Double]?] {
            let masks = MaskSelection.masks(scores: scores, shapes: [[2, 2], [2, 3]], granularity: .weights,
                                            layerSparsities: layerSparsities, target: 0.9999999, dense: [], minimumDensity: 0)
            XCTAssertEqual(masks, [[0, 0, 1, 0], [0, 1, 0, 0, 0, 0]], "layer sparsities \(String(describing: layerSparsities))")
        }
        let neurons = MaskSelection.masks(scores: scores, shapes: [[2, 2], [2, 3]], granularity: .neurons,
                                          layerSparsities: nil, target: 0.9999999, dense: [], minimumDensity: 0)
        XCTAssertEqual(neurons[0].reduce(0, +), 2, "one neuron of the hidden layer stays")
    }

    func testNeuronsKeepWholeRowsAndNeverTheOutputLayer() {
        let scores: [[Float]] = [[1, 1, 9, 9, 2, 2, 5, 5], [1, 2, 3, 4]]
        let masks = MaskSelection.masks(scores: scores, shapes: [[4, 2], [2, 2]], granularity: .neurons,
                                        layerSparsities: [0.5, 0.5], target: 0.5, dense: [], minimumDensity: 0)
        XCTAssertEqual(masks[0], [0, 0, 1, 1, 0, 0, 1, 1])
        XCTAssertEqual(masks[1], [1, 1, 1, 1])
    }

    func testARemovedUnitTakesTheNextLayersInputsItFeeds() {
        // Dense 4 -> 3 -> 2: removing unit 0 of the first layer masks column 0 of the second.
        let dense = MaskSelection.masks(scores: [[1, 1, 1, 1, 9, 9, 9, 9, 5, 5, 5, 5], [1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]],
                                        shapes: [[3, 4], [3, 3], [2, 3]], granularity: .neurons,
                                        layerSparsities: [1.0 / 3, 0, 0], target: 0.2, dense: [], minimumDensity: 0)
        XCTAssertEqual(dense[0], [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1])
        XCTAssertEqual(dense[1], [0, 1, 1, 0, 1, 1, 0, 1, 1], "column 0 of every row")
        XCTAssertEqual(dense[2], [1, 1, 1, 1, 1, 1], "nothing removed from the second layer: the output layer keeps all")
        // A conv of 2 filters flattened channel-major into a Dense of 8 inputs (2 channels x 4
        // positions): the removed filter takes its feature map's 4 inputs.
        let conv = MaskSelection.masks(scores: [[1, 1, 9, 9], [Float](repeating: 1, count: 16)], shapes: [[2, 1, 1, 2], [2, 8]],
                                       granularity: .neurons, layerSparsities: [0.5, 0], target: 0.5, dense: [], minimumDensity: 0)
        XCTAssertEqual(conv[0], [0, 0, 1, 1])
        XCTAssertEqual(conv[1], [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1])
    }

    func testNOfMHoldsInEveryGroupOfDenseAndConvWeights() {
        let dense = randomScores(3 * 8, seed: 1)
        let denseMask = MaskSelection.masks(scores: [dense], shapes: [[3, 8]], granularity: .nOfM(n: 2, m: 4),
                                            layerSparsities: [0.5], target: 0.5, dense: [], minimumDensity: 0)[0]
        for group in 0..<6 {
            let members = (group * 4)..<(group * 4 + 4)
            XCTAssertEqual(members.map { denseMask[$0] }.reduce(0, +), 2)
            let kept = members.filter { denseMask[$0] == 1 }.map { dense[$0] }
            let dropped = members.filter { denseMask[$0] == 0 }.map { dense[$0] }
            XCTAssertGreaterThanOrEqual(kept.min()!, dropped.max()!)
        }
        // Conv [out 2, in 4, 3x3]: groups run along the input channels at each (out, y, x).
        let conv = randomScores(2 * 4 * 9, seed: 2)
        let convMask = MaskSelection.masks(scores: [conv], shapes: [[2, 4, 3, 3]], granularity: .nOfM(n: 1, m: 4),
                                           layerSparsities: [0.75], target: 0.75, dense: [], minimumDensity: 0)[0]
        for o in 0..<2 {
            for position in 0..<9 {
                XCTAssertEqual((0..<4).map { convMask[(o * 4 + $0) * 9 + position] }.reduce(0, +), 1)
            }
        }
    }
}
