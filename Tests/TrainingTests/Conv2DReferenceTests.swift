import Training
import XCTest

/// The convolution against the definition, in Double: forward, weight, bias and input
/// gradients, over batches that span several chunks, a smaller batch after a larger one (the
/// workspaces are reused), and an evaluation pass between a training forward and its
/// backward (backward pads the training input again, or rebuilds its columns).
final class Conv2DReferenceTests: XCTestCase {
    private struct Reference {
        let inC: Int, outC: Int, k: Int, pad: Int, h: Int, w: Int
        var stride = 1
        var outH: Int { (h + 2 * pad - k) / stride + 1 }
        var outW: Int { (w + 2 * pad - k) / stride + 1 }

        func pixel(_ x: [Float], _ n: Int, _ c: Int, _ y: Int, _ xx: Int) -> Double {
            guard y >= 0, y < h, xx >= 0, xx < w else { return 0 }
            return Double(x[((n * inC + c) * h + y) * w + xx])
        }

        func forward(_ x: [Float], batch: Int, weight: [Float], bias: [Float]) -> [Double] {
            var out = [Double](repeating: 0, count: batch * outC * outH * outW)
            for n in 0..<batch { for o in 0..<outC { for y in 0..<outH { for xx in 0..<outW {
                var sum = Double(bias[o])
                for c in 0..<inC { for ky in 0..<k { for kx in 0..<k {
                    sum += Double(weight[((o * inC + c) * k + ky) * k + kx]) * pixel(x, n, c, y * stride + ky - pad, xx * stride + kx - pad)
                } } }
                out[((n * outC + o) * outH + y) * outW + xx] = sum
            } } } }
            return out
        }

        /// (dW, db, dx) for output gradient `g`.
        func backward(_ x: [Float], _ g: [Float], batch: Int, weight: [Float]) -> ([Double], [Double], [Double]) {
            var dw = [Double](repeating: 0, count: outC * inC * k * k), db = [Double](repeating: 0, count: outC)
            var dx = [Double](repeating: 0, count: batch * inC * h * w)
            for n in 0..<batch { for o in 0..<outC { for y in 0..<outH { for xx in 0..<outW {
                let gradient = Double(g[((n * outC + o) * outH + y) * outW + xx])
                db[o] += gradient
                for c in 0..<inC { for ky in 0..<k { for kx in 0..<k {
                    let iy = y * stride + ky - pad, ix = xx * stride + kx - pad
                    let wi = ((o * inC + c) * k + ky) * k + kx
                    dw[wi] += gradient * pixel(x, n, c, iy, ix)
                    if iy >= 0, iy < h, ix >= 0, ix < w { dx[((n * inC + c) * h + iy) * w + ix] += gradient * Double(weight[wi]) }
                } } }
            } } } }
            return (dw, db, dx)
        }
    }

    private func random(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in generator.nextUnitFloat() * 2 - 1 }
    }

    private func assertClose(_ actual: [Float], _ expected: [Double], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        let scale = max(expected.map(abs).max() ?? 1, 1)
        let worst = zip(actual, expected).map { abs(Double($0) - $1) }.max() ?? 0
        XCTAssertLessThan(worst, 1e-5 * scale, "\(what): largest difference \(worst) (values up to \(scale))", file: file, line: line)
    }

    /// Both algorithms, stride 1 and 2. By im2col, stride 2's patch 72 x 16 x 17 output
    /// positions is 13 samples a chunk (256 K floats), so 37 samples are chunks of 13, 13 and 11.
    func testBatchesMatchTheDefinitionOnBothPaths() {
        for algorithm in [ConvolutionAlgorithm.taps, .columns] {
            for (stride, height, width) in [(1, 16, 17), (2, 32, 34)] {
                var reference = Reference(inC: 8, outC: 5, k: 3, pad: 1, h: height, w: width)
                reference.stride = stride
                let layer = Conv2D(name: "conv", inChannels: 8, outChannels: 5, kernelSize: 3, padding: 1, stride: stride,
                                   seed: 7, firstParameterIndex: 0)
                layer.algorithm = algorithm
                layer.bias!.value = random(5, seed: 1)
                for (batch, seed) in [(37, UInt64(10)), (5, 20), (16, 30)] {
                    let what = "\(algorithm), stride \(stride), batch \(batch)"
                    let x = random(batch * 8 * height * width, seed: seed)
                    let input = Tensor(shape: [batch, 8, height, width], storage: x)
                    let y = layer.forward(input, isTraining: true)
                    assertClose(y.storage, reference.forward(x, batch: batch, weight: layer.weight.value, bias: layer.bias!.value), "forward, \(what)")
                    // An evaluation of another batch between the training forward and its backward.
                    _ = layer.forward(Tensor(shape: [3, 8, height, width], storage: random(3 * 8 * height * width, seed: seed + 1)),
                                      isTraining: false)
                    let g = random(y.count, seed: seed + 2)
                    let dx = layer.backward(Tensor(shape: y.shape, storage: g), needsInputGradient: true)!
                    let (dw, db, dxExpected) = reference.backward(x, g, batch: batch, weight: layer.weight.value)
                    assertClose(layer.weight.gradient, dw, "weight gradient, \(what)")
                    assertClose(layer.bias!.gradient, db, "bias gradient, \(what)")
                    assertClose(dx.storage, dxExpected, "input gradient, \(what)")
                }
            }
        }
    }

    func testWithoutPaddingAndWithoutTheInputGradient() {
        let reference = Reference(inC: 6, outC: 16, k: 5, pad: 0, h: 14, w: 14)
        let layer = Conv2D(name: "conv2", inChannels: 6, outChannels: 16, kernelSize: 5, seed: 3, firstParameterIndex: 0)
        let batch = 50, x = random(batch * 6 * 14 * 14, seed: 40)
        let y = layer.forward(Tensor(shape: [batch, 6, 14, 14], storage: x), isTraining: true)
        assertClose(y.storage, reference.forward(x, batch: batch, weight: layer.weight.value, bias: layer.bias!.value), "forward")
        let g = random(y.count, seed: 41)
        XCTAssertNil(layer.backward(Tensor(shape: y.shape, storage: g), needsInputGradient: false))
        let (dw, db, _) = reference.backward(x, g, batch: batch, weight: layer.weight.value)
        assertClose(layer.weight.gradient, dw, "weight gradient")
        assertClose(layer.bias!.gradient, db, "bias gradient")
    }

    /// Every layout, by both algorithms: padded rows (stride 1, padding up to kernel − 1, with 0
    /// to 4 extra columns a row: 1x1, 3x3 pad 1, 5x5 pad 2, 3x3 unpadded) and phase planes
    /// (stride 2, 1x1 stride 2 keeping one phase, and padding wider than kernel − 1), with and
    /// without bias.
    func testEveryPathMatchesTheDefinition() {
        let cases: [(k: Int, pad: Int, stride: Int, bias: Bool)] = [
            (1, 0, 1, false), (3, 1, 1, false), (5, 2, 1, true), (3, 0, 1, true), (3, 1, 2, false), (1, 0, 2, false), (1, 1, 1, true),
        ]
        for algorithm in [ConvolutionAlgorithm.taps, .columns] {
            for (index, shape) in cases.enumerated() {
                var reference = Reference(inC: 4, outC: 6, k: shape.k, pad: shape.pad, h: 9, w: 11)
                reference.stride = shape.stride
                let what = "\(algorithm), kernel \(shape.k), padding \(shape.pad), stride \(shape.stride)"
                let layer = Conv2D(name: "conv", inChannels: 4, outChannels: 6, kernelSize: shape.k, padding: shape.pad, stride: shape.stride,
                                   hasBias: shape.bias, seed: UInt64(index), firstParameterIndex: 0)
                layer.algorithm = algorithm
                layer.bias?.value = random(6, seed: 90)
                let bias = layer.bias?.value ?? [Float](repeating: 0, count: 6)
                let batch = 3, x = random(batch * 4 * 9 * 11, seed: UInt64(100 + index))
                let y = layer.forward(Tensor(shape: [batch, 4, 9, 11], storage: x), isTraining: true)
                XCTAssertEqual(y.shape, [batch, 6, reference.outH, reference.outW], what)
                assertClose(y.storage, reference.forward(x, batch: batch, weight: layer.weight.value, bias: bias), "forward, \(what)")
                let g = random(y.count, seed: UInt64(200 + index))
                let dx = layer.backward(Tensor(shape: y.shape, storage: g), needsInputGradient: true)!
                let (dw, db, dxExpected) = reference.backward(x, g, batch: batch, weight: layer.weight.value)
                assertClose(layer.weight.gradient, dw, "weight gradient, \(what)")
                if let bias = layer.bias { assertClose(bias.gradient, db, "bias gradient, \(what)") }
                assertClose(dx.storage, dxExpected, "input gradient, \(what)")
            }
        }
    }

    /// With two threads each takes a share of the samples and its own workspace; the gradients
    /// match the definition, and a second pass over the same data gives the same bits.
    func testTwoThreadsSplitTheSamples() throws {
        let lenet5 = try ModelCatalog.make("lenet5", inputShape: [1, 28, 28], classCount: 10, seed: 0)
        ComputeThreads.use(2, for: lenet5)
        defer { ComputeThreads.use(1, for: lenet5) }
        XCTAssertEqual(ComputeThreads.convolutionWorkers, 2)
        for stride in [1, 2] {
            var reference = Reference(inC: 8, outC: 5, k: 3, pad: 1, h: 12, w: 13)
            reference.stride = stride
            let layer = Conv2D(name: "conv", inChannels: 8, outChannels: 5, kernelSize: 3, padding: 1, stride: stride,
                               seed: 7, firstParameterIndex: 0)
            layer.algorithm = .taps
            layer.bias!.value = random(5, seed: 1)
            for batch in [1, 7] {
                let what = "stride \(stride), batch \(batch)"
                let x = random(batch * 8 * 12 * 13, seed: 50)
                var passes: [[Float]] = []
                for _ in 0..<2 {
                    let y = layer.forward(Tensor(shape: [batch, 8, 12, 13], storage: x), isTraining: true)
                    assertClose(y.storage, reference.forward(x, batch: batch, weight: layer.weight.value, bias: layer.bias!.value), "forward, \(what)")
                    let g = random(y.count, seed: 51)
                    let dx = layer.backward(Tensor(shape: y.shape, storage: g), needsInputGradient: true)!
                    let (dw, db, dxExpected) = reference.backward(x, g, batch: batch, weight: layer.weight.value)
                    assertClose(layer.weight.gradient, dw, "weight gradient, \(what)")
                    assertClose(layer.bias!.gradient, db, "bias gradient, \(what)")
                    assertClose(dx.storage, dxExpected, "input gradient, \(what)")
                    passes.append(y.storage + layer.weight.gradient + layer.bias!.gradient + dx.storage)
                }
                XCTAssertEqual(passes[0], passes[1], "two passes, \(what)")
            }
        }
        let lenet300 = try ModelCatalog.make("lenet300", inputShape: [1, 28, 28], classCount: 10, seed: 0)
        ComputeThreads.use(2, for: lenet300)
        XCTAssertEqual(ComputeThreads.convolutionWorkers, 1, "a dense network gives its threads to BLAS")
    }

    /// Taps wherever OpenBLAS has small-matrix kernels; elsewhere im2col below 8 input channels.
    func testTheAlgorithmFollowsTheKernelAndTheChannels() {
        XCTAssertEqual(ConvolutionAlgorithm.preferred(inChannels: 1, smallMatrixKernels: true), .taps)
        XCTAssertEqual(ConvolutionAlgorithm.preferred(inChannels: 1, smallMatrixKernels: false), .columns)
        XCTAssertEqual(ConvolutionAlgorithm.preferred(inChannels: 7, smallMatrixKernels: false), .columns)
        XCTAssertEqual(ConvolutionAlgorithm.preferred(inChannels: 8, smallMatrixKernels: false), .taps)
    }
}
