import Training
import XCTest

/// The batched, chunked convolution against the definition, in Double: forward, weight,
/// bias and input gradients, over batches that span several chunks, a smaller batch after
/// a larger one (the workspaces are reused), and an evaluation pass between a training
/// forward and its backward (backward rebuilds its columns from the training input).
final class Conv2DReferenceTests: XCTestCase {
    private struct Reference {
        let inC: Int, outC: Int, k: Int, pad: Int, h: Int, w: Int
        var outH: Int { h + 2 * pad - k + 1 }
        var outW: Int { w + 2 * pad - k + 1 }

        func pixel(_ x: [Float], _ n: Int, _ c: Int, _ y: Int, _ xx: Int) -> Double {
            guard y >= 0, y < h, xx >= 0, xx < w else { return 0 }
            return Double(x[((n * inC + c) * h + y) * w + xx])
        }

        func forward(_ x: [Float], batch: Int, weight: [Float], bias: [Float]) -> [Double] {
            var out = [Double](repeating: 0, count: batch * outC * outH * outW)
            for n in 0..<batch { for o in 0..<outC { for y in 0..<outH { for xx in 0..<outW {
                var sum = Double(bias[o])
                for c in 0..<inC { for ky in 0..<k { for kx in 0..<k {
                    sum += Double(weight[((o * inC + c) * k + ky) * k + kx]) * pixel(x, n, c, y + ky - pad, xx + kx - pad)
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
                    let iy = y + ky - pad, ix = xx + kx - pad
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

    func testChunkedBatchesMatchTheDefinition() {
        // patch 27 x positions 156: 15 samples a chunk, so 37 samples are chunks of 15, 15 and 7.
        let reference = Reference(inC: 3, outC: 5, k: 3, pad: 1, h: 12, w: 13)
        let layer = Conv2D(name: "conv", inChannels: 3, outChannels: 5, kernelSize: 3, padding: 1, seed: 7, firstParameterIndex: 0)
        layer.bias!.value = random(5, seed: 1)
        for (batch, seed) in [(37, UInt64(10)), (5, 20), (16, 30)] {
            let x = random(batch * 3 * 12 * 13, seed: seed)
            let input = Tensor(shape: [batch, 3, 12, 13], storage: x)
            let y = layer.forward(input, isTraining: true)
            assertClose(y.storage, reference.forward(x, batch: batch, weight: layer.weight.value, bias: layer.bias!.value), "forward, batch \(batch)")
            // An evaluation of another batch between the training forward and its backward.
            _ = layer.forward(Tensor(shape: [3, 3, 12, 13], storage: random(3 * 3 * 12 * 13, seed: seed + 1)), isTraining: false)
            let g = random(y.count, seed: seed + 2)
            let dx = layer.backward(Tensor(shape: y.shape, storage: g), needsInputGradient: true)!
            let (dw, db, dxExpected) = reference.backward(x, g, batch: batch, weight: layer.weight.value)
            assertClose(layer.weight.gradient, dw, "weight gradient, batch \(batch)")
            assertClose(layer.bias!.gradient, db, "bias gradient, batch \(batch)")
            assertClose(dx.storage, dxExpected, "input gradient, batch \(batch)")
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
}
