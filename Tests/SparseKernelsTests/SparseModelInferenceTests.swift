import Metrics
import SparseKernels
import Training
import XCTest

/// The sparse plan of a whole network against the network's own evaluation pass, on global
/// magnitude masks. Equal up to float rounding: the CSR sums a row's kept products in SIMD
/// lanes in index order, BLAS in its own blocking, so each conv or linear output differs in
/// its last bits, and batch norm (a scale up to 1/sqrt(var + eps)) and 20 layers carry
/// that on. The bound, 1e-4 of the sample's largest |logit|, is ~1,000 float32 ulps: a wrong
/// tap, channel, padding or bias is off by far more (tens of percent of a logit).
final class SparseModelInferenceTests: XCTestCase {
    private struct Generator {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Double(state >> 11) / Double(1 << 53))
        }
        mutating func values(_ count: Int, in range: ClosedRange<Float>) -> [Float] {
            (0..<count).map { _ in range.lowerBound + next() * (range.upperBound - range.lowerBound) }
        }
    }

    /// A zoo model with non-trivial biases, batch-norm scales, shifts and running statistics
    /// (fresh ones are 0 and 1, which would hide a wrong inference form), pruned to `sparsity`.
    private func inference(_ name: String, inputShape: [Int], sparsity: Double, seed: UInt64) throws -> SparseModelInference {
        let model = try ModelCatalog.make(name, inputShape: inputShape, classCount: 10, seed: seed)
        var random = Generator(state: seed)
        for parameter in model.parameters where parameter.role != .weight {
            parameter.value = random.values(parameter.count, in: parameter.role == .scale ? 0.5...1.5 : -0.2...0.2)
        }
        var buffers: [String: [Float]] = [:]
        for buffer in model.buffers where buffer.name.hasSuffix("running_mean") || buffer.name.hasSuffix("running_var") {
            buffers[buffer.name] = random.values(buffer.values.count, in: buffer.name.hasSuffix("running_var") ? 0.5...2 : -0.3...0.3)
        }
        let pruned = GlobalMagnitudeMasks.prune(model.parameters.map { LayerSnapshot(parameter: $0) }, sparsity: sparsity)
        return try SparseModelInference(model: model, layers: pruned, buffers: buffers)
    }

    private func input(batch: Int, shape: [Int], seed: UInt64) -> Tensor {
        var random = Generator(state: seed)
        return Tensor(shape: [batch] + shape, storage: random.values(batch * shape.reduce(1, *), in: 0...1))
    }

    private func assertClose(_ actual: Tensor, _ expected: Tensor, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.shape, expected.shape, label, file: file, line: line)
        let width = expected.sampleSize
        for sample in 0..<expected.batchSize {
            let rows = (sample * width)..<((sample + 1) * width)
            let scale = max(expected.storage[rows].map(abs).max() ?? 0, Float.leastNormalMagnitude)
            let error = zip(actual.storage[rows], expected.storage[rows]).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(error, 1e-4 * scale, "\(label), sample \(sample)", file: file, line: line)
        }
    }

    private func assertPlansMatchTheNetwork(_ name: String, inputShape: [Int], sparsities: [Double] = [0.5, 0.9, 0.98],
                                            file: StaticString = #filePath, line: UInt = #line) throws {
        for (position, sparsity) in sparsities.enumerated() {
            let network = try inference(name, inputShape: inputShape, sparsity: sparsity, seed: UInt64(position + 1))
            let count = network.kernels.count
            for batch in [1, 5] {
                let x = input(batch: batch, shape: inputShape, seed: UInt64(batch))
                let dense = network.forwardDense(x)
                let label = "\(name) at \(sparsity), batch \(batch)"
                assertClose(network.forward(x, useSparse: [Bool](repeating: true, count: count)), dense, "\(label), all sparse",
                            file: file, line: line)
                assertClose(network.forward(x, useSparse: (0..<count).map { $0 % 2 == 0 }), dense, "\(label), every other layer",
                            file: file, line: line)
                XCTAssertEqual(network.forward(x, useSparse: [Bool](repeating: false, count: count)), dense,
                               "\(label): the all-dense plan is the network's own pass", file: file, line: line)
            }
        }
    }

    /// Convs with bias and 2-pixel padding, max pooling, a flatten into three linear layers.
    func testLeNet5() throws { try assertPlansMatchTheNetwork("lenet5", inputShape: [1, 28, 28]) }

    /// Bias-free padded 3x3 convs with batch norm, three channels in.
    func testVGGSmall() throws { try assertPlansMatchTheNetwork("vgg-small", inputShape: [3, 32, 32], sparsities: [0.9]) }

    /// Residual sums, stride-2 3x3 convs and stride-2 1x1 projection shortcuts, global average pooling.
    func testResNet20() throws { try assertPlansMatchTheNetwork("resnet20", inputShape: [1, 28, 28], sparsities: [0.5, 0.95]) }

    /// Every Conv2D and Dense layer is a kernel, residual blocks' included, in network order.
    func testTheKernelsAreTheNetworksMultiplyLayers() throws {
        let network = try inference("resnet20", inputShape: [3, 32, 32], sparsity: 0.9, seed: 3)
        let weights = network.model.prunableParameters.map { String($0.name.dropLast(".weight".count)) }
        XCTAssertEqual(network.kernels.map(\.name), weights)
        XCTAssertEqual(network.kernels.count, 22)
        XCTAssertTrue(network.kernels.contains { $0.name == "layer2.0.shortcut.conv1" })
    }

    /// Geometries the zoo lacks, on a non-square input whose edges strides 2 and 3 leave
    /// ragged, with bias, over several batch sizes: stride 1 (one phase image) with padding
    /// 0, 1 and 2, strides 2 and 3 (4 and 9 phase images) with and without padding.
    func testDirectConvolutionsOfEveryStrideOnANonSquareInput() throws {
        for (stride, padding, kernelSize) in [(1, 0, 3), (1, 1, 3), (1, 2, 5), (1, 0, 1), (2, 1, 3), (2, 0, 1), (2, 2, 5), (3, 1, 3)] {
            let conv = Conv2D(name: "c", inChannels: 3, outChannels: 5, kernelSize: kernelSize, padding: padding, stride: stride,
                              seed: 7, firstParameterIndex: 0)
            var random = Generator(state: 9)
            conv.bias!.value = random.values(5, in: -1...1)
            conv.weight.value = conv.weight.value.map { random.next() < 0.7 ? 0 : $0 }
            let kernel = SparseConvolution(conv)
            for batch in [1, 4, 300] {
                let x = input(batch: batch, shape: [3, 9, 12], seed: UInt64(batch))
                assertClose(kernel.forward(x), conv.forward(x, isTraining: false),
                            "stride \(stride), padding \(padding), kernel \(kernelSize), batch \(batch)")
            }
            let other = input(batch: 2, shape: [3, 6, 5], seed: 11)
            assertClose(kernel.forward(other), conv.forward(other, isTraining: false), "another input size after the first")
        }
    }

    func testASnapshotTensorTheModelDoesNotHaveIsRefused() throws {
        let model = try ModelCatalog.make("lenet5", inputShape: [1, 28, 28], classCount: 10, seed: 0)
        var stray = LayerSnapshot(parameter: model.parameters[0])
        stray.name = "conv9.weight"
        XCTAssertThrowsError(try SparseModelInference(model: model, layers: [stray])) {
            XCTAssertEqual($0 as? SparseInferenceError, .snapshotDoesNotMatch(name: "conv9.weight", shape: [6, 1, 5, 5]))
        }
    }

    /// The plan is whatever measured faster, per layer and as a whole, and falls back to the
    /// network's own pass (speedup exactly 1) when it is not faster: never slower by choice.
    func testTheMeasuredPlanIsNeverSlowerThanDense() throws {
        let network = try inference("lenet5", inputShape: [1, 28, 28], sparsity: 0.95, seed: 5)
        let quick = SparseInferenceBenchmark.Settings(repeats: 1, minimumSecondsPerRepeat: 0.0005)
        for batch in [1, 6] {
            let m = SparseInferenceBenchmark.measure(inference: network, batch: batch, settings: quick)
            XCTAssertEqual(m.layerNames, ["conv1", "conv2", "fc1", "fc2", "fc3"])
            XCTAssertEqual(m.usesSparse.count, 5)
            XCTAssertNotNil(m.allSparseSeconds)
            XCTAssertGreaterThanOrEqual(m.speedup, 1)
            if !m.usesSparse.contains(true) { XCTAssertEqual(m.sparseSeconds, m.denseSeconds) }
        }
        // Above every layer's sparsity (a global prune empties fc1 here): nothing is tried, so
        // the plan is the dense pass whatever the timings.
        var untried = quick
        let sparsest = try XCTUnwrap(SparseInferenceBenchmark.measure(inference: network, batch: 1, settings: quick).layerSparsities.max())
        untried.minimumSparsityTried = sparsest.nextUp
        untried.timesEveryLayerSparse = false
        let m = SparseInferenceBenchmark.measure(inference: network, batch: 1, settings: untried)
        XCTAssertEqual(m.usesSparse, [false, false, false, false, false], "layers under the sparsity tried run dense, untimed")
        XCTAssertEqual(m.speedup, 1)
        XCTAssertNil(m.allSparseSeconds)
    }
}
