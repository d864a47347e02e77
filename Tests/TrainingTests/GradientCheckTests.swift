import Training
import XCTest

/// Finite-difference checks of every layer's backward pass and of the loss.
final class GradientCheckTests: XCTestCase {
    /// Random values in ±1, kept at least `margin` away from zero (ReLU's kink).
    private func randomTensor(_ shape: [Int], seed: UInt64, margin: Float = 0) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        let values = (0..<shape.reduce(1, *)).map { _ -> Float in
            let v = generator.nextUnitFloat() * 2 - 1
            return v < 0 ? min(v, -margin) : max(v, margin)
        }
        return Tensor(shape: shape, storage: values)
    }

    /// Checks d(sum(layer(x) * r))/dx and /dθ against central differences, in Double.
    private func check(_ layer: any Layer, inputShape: [Int], seed: UInt64, margin: Float = 0,
                       step: Float = 1e-2, tolerance: Double = 2e-3, file: StaticString = #filePath, line: UInt = #line) {
        var input = randomTensor(inputShape, seed: seed, margin: margin)
        let outputShape = [inputShape[0]] + layer.outputShape(for: Array(inputShape.dropFirst()))
        let projection = randomTensor(outputShape, seed: seed + 1)
        func objective() -> Double {
            let y = layer.forward(input, isTraining: false)
            return zip(y.storage, projection.storage).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        _ = layer.forward(input, isTraining: true)
        let inputGradient = layer.backward(projection, needsInputGradient: true)!
        XCTAssertEqual(inputGradient.shape, inputShape, file: file, line: line)

        var generator = SeededGenerator(seed: seed + 2)
        /// Central difference of the objective in one value, compared with `analytic`.
        func compare(_ label: String, analytic: Float, read: () -> Float, write: (Float) -> Void) {
            let original = read()
            write(original + step)
            let plus = objective()
            write(original - step)
            let minus = objective()
            write(original)
            let numeric = (plus - minus) / Double(2 * step)
            XCTAssertEqual(Double(analytic), numeric, accuracy: tolerance * max(1, abs(numeric)), label, file: file, line: line)
        }
        for _ in 0..<min(40, input.count) {
            let i = Int(generator.next() % UInt64(input.count))
            compare("\(layer.name) input[\(i)]", analytic: inputGradient.storage[i],
                    read: { input.storage[i] }, write: { input.storage[i] = $0 })
        }
        for parameter in layer.parameters {
            let analytic = parameter.gradient
            for _ in 0..<min(40, parameter.count) {
                let i = Int(generator.next() % UInt64(parameter.count))
                compare("\(parameter.name)[\(i)]", analytic: analytic[i],
                        read: { parameter.value[i] }, write: { parameter.value[i] = $0 })
            }
        }
    }

    func testDense() {
        check(Dense(name: "fc", inputs: 12, outputs: 7, seed: 1, firstParameterIndex: 0), inputShape: [5, 12], seed: 10)
    }

    func testDenseFlattensImageInput() {
        check(Dense(name: "fc", inputs: 2 * 3 * 3, outputs: 4, seed: 2, firstParameterIndex: 0), inputShape: [3, 2, 3, 3], seed: 11)
    }

    func testConv2DWithPadding() {
        check(Conv2D(name: "conv", inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, seed: 3, firstParameterIndex: 0),
              inputShape: [2, 2, 6, 5], seed: 12)
    }

    func testConv2DWithoutPadding() {
        check(Conv2D(name: "conv", inChannels: 3, outChannels: 4, kernelSize: 5, seed: 4, firstParameterIndex: 0),
              inputShape: [2, 3, 7, 8], seed: 13)
    }

    func testReLU() {
        check(ReLU(name: "relu"), inputShape: [4, 9], seed: 14, margin: 0.05, step: 1e-3)
    }

    func testMaxPool() {
        // Distinct values spaced well beyond the step so no window's maximum changes.
        let pool = MaxPool2D(name: "pool")
        var values = (0..<(2 * 3 * 4 * 6)).map { Float($0) * 0.1 }
        var generator = SeededGenerator(seed: 5)
        values.shuffle(using: &generator)
        let input = Tensor(shape: [2, 3, 4, 6], storage: values)
        let output = pool.forward(input, isTraining: true)
        XCTAssertEqual(output.shape, [2, 3, 2, 3])
        // Each output is the max of its 2x2 window.
        for plane in 0..<6 {
            for oy in 0..<2 {
                for ox in 0..<3 {
                    let window = [(0, 0), (0, 1), (1, 0), (1, 1)].map { values[plane * 24 + (oy * 2 + $0.0) * 6 + ox * 2 + $0.1] }
                    XCTAssertEqual(output.storage[plane * 6 + oy * 3 + ox], window.max())
                }
            }
        }
        check(pool, inputShape: [2, 3, 4, 6], seed: 15, step: 1e-4, tolerance: 5e-3)
    }

    func testFlatten() {
        check(Flatten(name: "flatten"), inputShape: [2, 3, 2, 2], seed: 16)
    }

    func testSoftmaxCrossEntropy() {
        var logits = randomTensor([4, 5], seed: 17)
        let labels: [Int32] = [0, 3, 4, 1]
        func loss() -> Double { labels.withUnsafeBufferPointer { SoftmaxCrossEntropy.evaluate(logits: logits, labels: $0).loss } }
        let gradient = labels.withUnsafeBufferPointer { SoftmaxCrossEntropy.evaluate(logits: logits, labels: $0).gradient }
        let step: Float = 1e-2
        for i in 0..<logits.count {
            let original = logits.storage[i]
            logits.storage[i] = original + step
            let plus = loss()
            logits.storage[i] = original - step
            let minus = loss()
            logits.storage[i] = original
            XCTAssertEqual(Double(gradient.storage[i]), (plus - minus) / Double(2 * step), accuracy: 1e-3, "logit \(i)")
        }
    }

    func testSoftmaxCrossEntropyValueAndAccuracy() {
        // Equal logits: loss = log(classes); a confident right answer: loss near 0.
        let uniform = Tensor(shape: [1, 4], repeating: 0.5)
        let result = [Int32(2)].withUnsafeBufferPointer { SoftmaxCrossEntropy.evaluate(logits: uniform, labels: $0) }
        XCTAssertEqual(result.loss, log(4.0), accuracy: 1e-6)
        let confident = Tensor(shape: [2, 3], storage: [0, 20, 0, 5, 0, 0])
        let scored = [Int32(1), Int32(2)].withUnsafeBufferPointer { SoftmaxCrossEntropy.evaluate(logits: confident, labels: $0) }
        XCTAssertEqual(scored.correct, 1)
    }

    /// The whole LeNet-5 chain (conv, pool, flatten, dense) through Model.backward.
    func testLeNet5EndToEndGradient() throws {
        let model = try ModelCatalog.make("lenet5", inputShape: [1, 12, 12], classCount: 3, seed: 7)
        let input = randomTensor([2, 1, 12, 12], seed: 18)
        let labels: [Int32] = [2, 0]
        func loss() -> Double {
            labels.withUnsafeBufferPointer { SoftmaxCrossEntropy.evaluate(logits: model.forward(input, isTraining: false), labels: $0).loss }
        }
        let result = labels.withUnsafeBufferPointer { SoftmaxCrossEntropy.evaluate(logits: model.forward(input, isTraining: true), labels: $0) }
        model.backward(result.gradient)
        let step: Float = 1e-3
        for parameter in model.parameters {
            let analytic = parameter.gradient
            for i in stride(from: 0, to: parameter.count, by: max(1, parameter.count / 6)) {
                let original = parameter.value[i]
                parameter.value[i] = original + step
                let plus = loss()
                parameter.value[i] = original - step
                let minus = loss()
                parameter.value[i] = original
                let numeric = (plus - minus) / Double(2 * step)
                XCTAssertEqual(Double(analytic[i]), numeric, accuracy: 2e-3 + 2e-2 * abs(numeric), "\(parameter.name)[\(i)]")
            }
        }
    }
}
