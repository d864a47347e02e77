import Metrics
import SparseKernels
import Training
import XCTest

/// The sparse kernel against the dense BLAS path on random masks: equal to 1e-5 relative to
/// the largest output of each sample (sums are reordered, so equality is up to rounding).
final class SparseKernelTests: XCTestCase {
    private struct Generator {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        mutating func values(_ count: Int, scale: Double) -> [Float] { (0..<count).map { _ in Float((next() * 2 - 1) * scale) } }
        mutating func mask(_ count: Int, sparsity: Double) -> [Float] { (0..<count).map { _ in next() < sparsity ? 0 : 1 } }
    }

    private func snapshot(_ name: String, shape: [Int], weights: [Float], mask: [Float]?) -> LayerSnapshot {
        let parameter = Parameter(name: name, shape: shape, role: shape.count == 2 ? .weight : .bias, index: 0, value: weights)
        return LayerSnapshot(parameter: parameter, effectiveWeights: mask.map { zip(weights, $0).map { $1 != 0 ? $0 : 0 } }, mask: mask)
    }

    /// A 784-300-100-10 MLP (lenet300's shapes) with random weights and masks.
    private func mlp(sparsity: Double, seed: UInt64, sizes: [Int] = [784, 300, 100, 10]) -> [LayerSnapshot] {
        var random = Generator(state: seed)
        var layers: [LayerSnapshot] = []
        for (index, (inputs, outputs)) in zip(sizes, sizes.dropFirst()).enumerated() {
            let scale = 1 / Double(inputs).squareRoot()
            layers.append(snapshot("fc\(index + 1).weight", shape: [outputs, inputs],
                                   weights: random.values(outputs * inputs, scale: 2 * scale),
                                   mask: random.mask(outputs * inputs, sparsity: sparsity)))
            layers.append(snapshot("fc\(index + 1).bias", shape: [outputs], weights: random.values(outputs, scale: 0.1), mask: nil))
        }
        return layers
    }

    private func assertClose(_ actual: [Float], _ expected: [Float], batch: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        let width = expected.count / max(batch, 1)
        for sample in 0..<batch {
            let rows = (sample * width)..<((sample + 1) * width)
            let scale = max(expected[rows].map(abs).max() ?? 0, Float.leastNormalMagnitude)
            let error = zip(actual[rows], expected[rows]).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(error, 1e-5 * scale, "sample \(sample)", file: file, line: line)
        }
    }

    func testTheCSRKeepsExactlyTheMaskedNonZeroWeights() {
        // W = [[1, 0, 2], [3, 4, 5]], mask drops 2 and 4: row 0 keeps 1; row 1 keeps 3 and 5.
        let matrix = SparseMatrix(weights: [1, 0, 2, 3, 4, 5], mask: [1, 1, 0, 1, 0, 1], rows: 2, columns: 3)
        XCTAssertEqual(matrix.nonzeroCount, 3)
        XCTAssertEqual(matrix.sparsity, 0.5, accuracy: 1e-12)
        var y = [Float](repeating: 0, count: 2)
        let x: [Float] = [10, 100, 1000]
        matrix.multiplyVector(x, bias: [0.5, -0.5], appliesReLU: false, into: &y)
        XCTAssertEqual(y, [10.5, 30 + 5000 - 0.5])
        // Feature-major batch of 2: x0 = (10, 100, 1000), x1 = (-1, -2, -3); ReLU clips sample 1.
        var yT = [Float](repeating: 0, count: 4)
        matrix.multiplyFeatureMajor([10, -1, 100, -2, 1000, -3], batch: 2, bias: nil, appliesReLU: true, into: &yT)
        XCTAssertEqual(yT, [10, 0, 5030, 0])
    }

    func testTheNetworkMatchesTheDensePathAtEverySparsityAndBatch() throws {
        for (position, sparsity) in [0.0, 0.5, 0.9, 0.95, 0.99].enumerated() {
            let network = try SparseInferenceNetwork(layers: mlp(sparsity: sparsity, seed: UInt64(position + 1)))
            XCTAssertEqual(network.layers.map(\.appliesReLU), [true, true, false])
            XCTAssertEqual(network.layers[0].sparsity, sparsity, accuracy: 0.01)
            for batch in [1, 7, 128] {
                var random = Generator(state: UInt64(batch))
                let input = (0..<(batch * 784)).map { _ in Float(random.next()) }
                let dense = network.denseForward(input, batch: batch)
                for plan in [[true, true, true], [true, false, true], [false, true, false]] {
                    assertClose(network.forward(input, batch: batch, useSparse: plan), dense, batch: batch)
                }
            }
        }
    }

    func testADeadRowAndAnEmptyLayerGiveTheBiasExactly() throws {
        var layers = mlp(sparsity: 0.5, seed: 9, sizes: [20, 12, 6, 3])
        // fc1 row 3 all pruned; fc3 (6 -> 3) entirely pruned (masked and, as pruned weights are, zero).
        for column in 0..<20 {
            layers[0].mask![3 * 20 + column] = 0
            layers[0].weights[3 * 20 + column] = 0
        }
        layers[4].mask = [Float](repeating: 0, count: 18)
        layers[4].weights = [Float](repeating: 0, count: 18)
        let network = try SparseInferenceNetwork(layers: layers)
        XCTAssertEqual(network.layers[2].matrix.nonzeroCount, 0)
        XCTAssertEqual(network.layers[2].sparsity, 1)
        for batch in [1, 7, 128] {
            let input = (0..<(batch * 20)).map { Float($0 % 13) / 13 }
            let dense = network.denseForward(input, batch: batch)
            let sparse = network.forward(input, batch: batch, useSparse: [true, true, true])
            assertClose(sparse, dense, batch: batch)
            for sample in 0..<batch { XCTAssertEqual(Array(sparse[(sample * 3)..<(sample * 3 + 3)]), layers[5].weights) }
        }
        // fc1's dead row 3 outputs ReLU(bias) for every sample.
        var y = [Float](repeating: 0, count: 12)
        network.layers[0].matrix.multiplyVector(Array(repeating: 1, count: 20), bias: layers[1].weights, appliesReLU: true, into: &y)
        XCTAssertEqual(y[3], max(layers[1].weights[3], 0))
    }

    /// DropBack's mask marks the stored weights; the untracked ones are still multiplied at
    /// their initial values, so the measured network is the whole one.
    func testWeightsAMaskDoesNotZeroAreMeasuredAsMultiplied() throws {
        var layers = mlp(sparsity: 0.9, seed: 3, sizes: [20, 12, 3])
        var generator = Generator(state: 5)
        layers[0].weights = generator.values(240, scale: 0.1).map { $0 == 0 ? 0.01 : $0 }  // held weights, mask unchanged
        let network = try SparseInferenceNetwork(layers: layers)
        XCTAssertEqual(network.layers[0].matrix.nonzeroCount, 240)
        XCTAssertEqual(network.layers[0].sparsity, 0)
    }

    func testConvolutionsAndBrokenChainsAreRefused() {
        let conv = snapshot("conv1.weight", shape: [6, 1, 5, 5], weights: .init(repeating: 1, count: 150), mask: nil)
        XCTAssertThrowsError(try SparseInferenceNetwork(layers: [conv])) {
            XCTAssertEqual($0 as? SparseInferenceError, .unsupportedTensor(name: "conv1.weight", shape: [6, 1, 5, 5]))
        }
        let first = snapshot("fc1.weight", shape: [4, 3], weights: .init(repeating: 1, count: 12), mask: nil)
        let second = snapshot("fc2.weight", shape: [2, 5], weights: .init(repeating: 1, count: 10), mask: nil)
        XCTAssertThrowsError(try SparseInferenceNetwork(layers: [first, second])) {
            XCTAssertEqual($0 as? SparseInferenceError, .layersDoNotChain(name: "fc2.weight", inputs: 5, previousOutputs: 4))
        }
        XCTAssertThrowsError(try SparseInferenceNetwork(layers: [])) { XCTAssertEqual($0 as? SparseInferenceError, .noDenseLayer) }
    }

    func testGlobalMagnitudeMasksKeepTheLargestWeightsAcrossLayers() {
        let layers = [snapshot("a.weight", shape: [2, 2], weights: [0.1, -0.9, 0.3, 0.0], mask: nil),
                      snapshot("a.bias", shape: [2], weights: [5, 5], mask: nil),
                      snapshot("b.weight", shape: [1, 2], weights: [-0.5, 0.2], mask: nil)]
        // 6 prunable weights at 50%: keep 3, the largest |w|: -0.9, -0.5, 0.3.
        let pruned = GlobalMagnitudeMasks.prune(layers, sparsity: 0.5)
        XCTAssertEqual(pruned[0].mask, [0, 1, 1, 0])
        XCTAssertNil(pruned[1].mask)
        XCTAssertEqual(pruned[2].mask, [1, 0])
        XCTAssertEqual(pruned.map(\.nonzeroCount), [2, 2, 1])
    }

    func testBreakEvenIsInterpolatedAfterTheLastSlowPoint() {
        let points = [(sparsity: 0.0, speedup: 0.2), (sparsity: 0.5, speedup: 0.8), (sparsity: 0.8, speedup: 1.1),
                      (sparsity: 0.6, speedup: 0.9), (sparsity: 0.9, speedup: 2)]
        // Between 0.6 (0.9x) and 0.8 (1.1x): halfway, 0.7.
        XCTAssertEqual(SparseInferenceBenchmark.breakEvenSparsity(points)!, 0.7, accuracy: 1e-12)
        XCTAssertEqual(SparseInferenceBenchmark.breakEvenSparsity([(0.5, 1.2), (0.9, 3)]), 0.5)
        XCTAssertNil(SparseInferenceBenchmark.breakEvenSparsity([(0.5, 0.4), (0.9, 0.9)]))
        XCTAssertNil(SparseInferenceBenchmark.breakEvenSparsity([]))
    }

    func testTheMeasurementFallsBackToDenseAndReportsTheMask() throws {
        let quick = SparseInferenceBenchmark.Settings(repeats: 1, minimumSecondsPerRepeat: 0.0005)
        let measurement = try SparseInferenceBenchmark.measure(layers: mlp(sparsity: 0.9, seed: 4, sizes: [64, 32, 10]),
                                                               batch: 7, settings: quick)
        XCTAssertEqual(measurement.layerNames, ["fc1.weight", "fc2.weight"])
        XCTAssertEqual(measurement.usesSparse.count, 2)
        XCTAssertEqual(measurement.sparsity, 0.9, accuracy: 0.05)
        XCTAssertGreaterThan(measurement.denseSeconds, 0)
        XCTAssertGreaterThanOrEqual(measurement.speedup, 1, "the plan is never slower than dense: it falls back")
        if !measurement.usesSparse.contains(true) { XCTAssertEqual(measurement.sparseSeconds, measurement.denseSeconds) }
    }
}
