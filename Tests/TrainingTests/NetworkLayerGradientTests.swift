import Training
import XCTest

/// Finite-difference checks of the layers residual CNNs are made of (strided and bias-free
/// convolutions, batch norm in both modes, residual blocks, global average pooling,
/// overlapping max pooling, dropout), and of a whole ResNet through `Model.backward`.
final class NetworkLayerGradientTests: XCTestCase {
    private func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in generator.nextUnitFloat() * 2 - 1 })
    }

    /// Checks d(sum(layer(x) * r))/dx and /dθ against central differences, in Double. The
    /// objective runs the layer in training mode when `training` (batch statistics, dropout
    /// masks), with its buffers put back before every pass so each sees the same state.
    private func check(_ layer: any Layer, inputShape: [Int], seed: UInt64, training: Bool = false,
                       step: Float = 1e-2, tolerance: Double = 3e-3, file: StaticString = #filePath, line: UInt = #line) {
        var input = randomTensor(inputShape, seed: seed)
        let outputShape = [inputShape[0]] + layer.outputShape(for: Array(inputShape.dropFirst()))
        let projection = randomTensor(outputShape, seed: seed + 1)
        let buffers = layer.buffers.map(\.values)
        func restoreBuffers() { for (buffer, values) in zip(layer.buffers, buffers) { buffer.values = values } }
        func objective() -> Double {
            restoreBuffers()
            let y = layer.forward(input, isTraining: training)
            return zip(y.storage, projection.storage).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        restoreBuffers()
        let output = layer.forward(input, isTraining: true)
        XCTAssertEqual(output.shape, outputShape, file: file, line: line)
        let inputGradient = layer.backward(projection, needsInputGradient: true)!
        XCTAssertEqual(inputGradient.shape, inputShape, file: file, line: line)
        var generator = SeededGenerator(seed: seed + 2)
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
            compare("\(layer.name) input[\(i)]", analytic: inputGradient.storage[i], read: { input.storage[i] }, write: { input.storage[i] = $0 })
        }
        for parameter in layer.parameters {
            let analytic = parameter.gradient
            for _ in 0..<min(40, parameter.count) {
                let i = Int(generator.next() % UInt64(parameter.count))
                compare("\(parameter.name)[\(i)]", analytic: analytic[i], read: { parameter.value[i] }, write: { parameter.value[i] = $0 })
            }
        }
    }

    func testStridedConvolutionWithPadding() {
        let conv = Conv2D(name: "conv", inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, stride: 2, seed: 3, firstParameterIndex: 0)
        XCTAssertEqual(conv.outputShape(for: [2, 7, 6]), [3, 4, 3])
        check(conv, inputShape: [2, 2, 7, 6], seed: 20)
    }

    func testPointwiseStridedConvolutionWithoutBias() {
        let conv = Conv2D(name: "shortcut", inChannels: 3, outChannels: 4, kernelSize: 1, stride: 2, hasBias: false,
                          seed: 4, firstParameterIndex: 0)
        XCTAssertEqual(conv.parameters.map(\.name), ["shortcut.weight"])
        XCTAssertEqual(conv.outputShape(for: [3, 6, 6]), [4, 3, 3])
        check(conv, inputShape: [2, 3, 6, 6], seed: 21)
    }

    /// A strided convolution is the stride-1 one sampled every `stride` positions.
    func testStridedConvolutionSamplesTheUnstridedOne() {
        let strided = Conv2D(name: "a", inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, stride: 2, seed: 9, firstParameterIndex: 0)
        let dense = Conv2D(name: "b", inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, seed: 9, firstParameterIndex: 0)
        let x = randomTensor([2, 2, 7, 7], seed: 22)
        let ys = strided.forward(x, isTraining: false), yd = dense.forward(x, isTraining: false)
        XCTAssertEqual(ys.shape, [2, 3, 4, 4])
        for plane in 0..<6 {
            for oy in 0..<4 {
                for ox in 0..<4 {
                    XCTAssertEqual(ys.storage[plane * 16 + oy * 4 + ox], yd.storage[plane * 49 + 2 * oy * 7 + 2 * ox], accuracy: 1e-5)
                }
            }
        }
    }

    func testBatchNormTrainingModeOverChannels() {
        let norm = BatchNorm(name: "bn", channels: 3, firstParameterIndex: 0)
        norm.scale.value = [0.5, 1.5, -1]
        norm.shift.value = [0.1, -0.2, 0.3]
        check(norm, inputShape: [4, 3, 2, 3], seed: 23, training: true, step: 1e-2, tolerance: 5e-3)
    }

    func testBatchNormOverFeatures() {
        let norm = BatchNorm(name: "bn", channels: 5, firstParameterIndex: 0)
        norm.scale.value = [1, 2, 0.5, -1, 1.2]
        check(norm, inputShape: [6, 5], seed: 24, training: true, step: 1e-2, tolerance: 5e-3)
    }

    func testBatchNormNormalisesAndTracksRunningStatistics() {
        let norm = BatchNorm(name: "bn", channels: 2, firstParameterIndex: 0)
        // Channel 0 holds 1, 3 (mean 2, variance 1); channel 1 holds 10, 10 (variance 0).
        let x = Tensor(shape: [2, 2, 1, 1], storage: [1, 10, 3, 10])
        let y = norm.forward(x, isTraining: true)
        XCTAssertEqual(y.storage[0], -1, accuracy: 1e-4)
        XCTAssertEqual(y.storage[2], 1, accuracy: 1e-4)
        XCTAssertEqual(y.storage[1], 0, accuracy: 1e-4)
        // Running: 0.9 * initial + 0.1 * batch, the variance unbiased (n/(n-1) = 2).
        XCTAssertEqual(norm.runningMean.values[0], 0.2, accuracy: 1e-6)
        XCTAssertEqual(norm.runningMean.values[1], 1.0, accuracy: 1e-6)
        XCTAssertEqual(norm.runningVariance.values[0], 0.9 + 0.1 * 2, accuracy: 1e-6)
        XCTAssertEqual(norm.runningVariance.values[1], 0.9, accuracy: 1e-6)
        // Evaluation uses the running statistics and leaves them alone.
        let evaluated = norm.forward(Tensor(shape: [1, 2, 1, 1], storage: [0.2, 1.0]), isTraining: false)
        XCTAssertEqual(evaluated.storage[0], 0, accuracy: 1e-6)
        XCTAssertEqual(evaluated.storage[1], 0, accuracy: 1e-6)
        XCTAssertEqual(norm.runningMean.values[0], 0.2, accuracy: 1e-6)
    }

    /// Averaging: the running statistics restart and become the plain mean of the passes'
    /// batch means and unbiased variances; switched off, the momentum moves them again.
    func testBatchNormAveragesItsPassesWhenRecalibrating() {
        let norm = BatchNorm(name: "bn", channels: 1, firstParameterIndex: 0)
        norm.runningMean.values = [7]
        norm.runningVariance.values = [9]
        norm.setAveragesRunningStatistics(true)
        XCTAssertEqual([norm.runningMean.values, norm.runningVariance.values], [[0], [0]], "started again from nothing")
        // Batch means 2, 6, 1; unbiased variances 2, 8, 0.
        for batch: [Float] in [[1, 3], [4, 8], [1, 1]] { _ = norm.forward(Tensor(shape: [2, 1], storage: batch), isTraining: true) }
        XCTAssertEqual(norm.runningMean.values[0], 3, accuracy: 1e-6)
        XCTAssertEqual(norm.runningVariance.values[0], 10.0 / 3, accuracy: 1e-6)
        norm.setAveragesRunningStatistics(false)
        _ = norm.forward(Tensor(shape: [2, 1], storage: [13, 13]), isTraining: true)
        XCTAssertEqual(norm.runningMean.values[0], 0.9 * 3 + 0.1 * 13, accuracy: 1e-5, "the momentum again")
    }

    func testBatchNormWithRunningStatisticsInTraining() {
        let norm = BatchNorm(name: "bn", channels: 2, firstParameterIndex: 0)
        norm.runningMean.values = [0.5, -0.5]
        norm.runningVariance.values = [4, 0.25]
        norm.scale.value = [2, -1]
        norm.setNormalizesWithRunningStatistics(true)
        check(norm, inputShape: [1, 2, 2, 2], seed: 25, training: true)
        XCTAssertEqual(norm.runningMean.values, [0.5, -0.5], "running statistics stay as they were")
    }

    func testGlobalAveragePool() {
        let pool = GlobalAveragePool(name: "avgpool")
        let y = pool.forward(Tensor(shape: [1, 2, 1, 2], storage: [1, 3, 5, 9]), isTraining: false)
        XCTAssertEqual(y.shape, [1, 2])
        XCTAssertEqual(y.storage, [2, 7])
        check(pool, inputShape: [3, 4, 3, 2], seed: 26)
    }

    func testOverlappingMaxPool() {
        let pool = MaxPool2D(name: "pool", size: 3, stride: 2)
        XCTAssertEqual(pool.outputShape(for: [2, 7, 5]), [2, 3, 2])
        // Distinct values spaced beyond the step so no window's maximum changes.
        var values = (0..<(2 * 2 * 7 * 5)).map { Float($0) * 0.1 }
        var generator = SeededGenerator(seed: 27)
        values.shuffle(using: &generator)
        let y = pool.forward(Tensor(shape: [2, 2, 7, 5], storage: values), isTraining: false)
        for plane in 0..<4 {
            for oy in 0..<3 {
                for ox in 0..<2 {
                    let window = (0..<3).flatMap { dy in (0..<3).map { dx in values[plane * 35 + (2 * oy + dy) * 5 + 2 * ox + dx] } }
                    XCTAssertEqual(y.storage[plane * 6 + oy * 2 + ox], window.max())
                }
            }
        }
        check(pool, inputShape: [2, 2, 7, 5], seed: 28, step: 1e-4, tolerance: 5e-3)
    }

    func testDropoutScalesKeptValuesAndIsDeterministic() {
        let dropout = Dropout(name: "dropout", rate: 0.25, seed: 7, stream: 1)
        let x = Tensor(shape: [4, 200], repeating: 1)
        let first = dropout.forward(x, isTraining: true)
        XCTAssertTrue(first.storage.allSatisfy { $0 == 0 || abs($0 - 4 / 3) < 1e-6 })
        let dropped = first.storage.filter { $0 == 0 }.count
        XCTAssertEqual(Double(dropped) / 800, 0.25, accuracy: 0.05)
        XCTAssertEqual(dropout.passes.values, [1])
        let second = dropout.forward(x, isTraining: true)
        XCTAssertNotEqual(first.storage, second.storage, "each pass draws its own mask")
        dropout.passes.values = [0]
        XCTAssertEqual(dropout.forward(x, isTraining: true).storage, first.storage, "the counter decides the mask")
        XCTAssertEqual(dropout.forward(x, isTraining: false).storage, x.storage)
        check(dropout, inputShape: [3, 10], seed: 29, training: true)
    }

    func testIdentityResidualBlock() {
        let block = ResidualBlock(name: "block", body: [
            Conv2D(name: "block.conv1", inChannels: 2, outChannels: 2, kernelSize: 3, padding: 1, seed: 5, firstParameterIndex: 0),
            ReLU(name: "block.relu1"),
            Conv2D(name: "block.conv2", inChannels: 2, outChannels: 2, kernelSize: 3, padding: 1, seed: 5, firstParameterIndex: 2),
        ])
        check(block, inputShape: [2, 2, 4, 4], seed: 30)
    }

    func testProjectionResidualBlockWithBatchNorm() {
        let block = ResidualBlock(name: "block", body: [
            Conv2D(name: "block.conv1", inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, stride: 2, hasBias: false,
                   seed: 6, firstParameterIndex: 0),
            BatchNorm(name: "block.bn1", channels: 3, firstParameterIndex: 1),
        ], shortcut: [
            Conv2D(name: "block.shortcut.conv1", inChannels: 2, outChannels: 3, kernelSize: 1, stride: 2, hasBias: false,
                   seed: 6, firstParameterIndex: 3),
        ])
        XCTAssertEqual(block.parameters.map(\.name), ["block.conv1.weight", "block.bn1.scale", "block.bn1.shift", "block.shortcut.conv1.weight"])
        check(block, inputShape: [3, 2, 5, 5], seed: 31, training: true, tolerance: 5e-3)
    }

    /// ResNet-20 at width 1 on a small colour input, end to end through Model.backward with
    /// batch statistics. Twenty layers of ReLUs after batch norm put many values near a kink,
    /// where one-weight differences are noisy (the layers are checked one weight at a time
    /// above), so this checks the derivative along the gradient itself and along a random
    /// direction: (L(θ + εd) − L(θ − εd)) / 2ε against g·d.
    func testResNet20EndToEndGradient() throws {
        let model = try ModelCatalog.make("resnet20", inputShape: [3, 8, 8], classCount: 3, seed: 8)
        let input = randomTensor([4, 3, 8, 8], seed: 32)
        let labels: [Int32] = [2, 0, 1, 1]
        let buffers = model.buffers.map(\.values)
        func loss() -> Double {
            for (buffer, values) in zip(model.buffers, buffers) { buffer.values = values }
            return labels.withUnsafeBufferPointer { SoftmaxCrossEntropy.evaluate(logits: model.forward(input, isTraining: true), labels: $0).loss }
        }
        let result = labels.withUnsafeBufferPointer { SoftmaxCrossEntropy.evaluate(logits: model.forward(input, isTraining: true), labels: $0) }
        model.backward(result.gradient)
        let gradient = model.parameters.map(\.gradient)
        let original = model.parameters.map(\.value)
        var generator = SeededGenerator(seed: 33)
        let random = gradient.map { $0.map { _ in generator.nextUnitFloat() * 2 - 1 } }
        for (label, direction) in [("gradient", gradient), ("random", random)] {
            let norm = direction.joined().reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            let analytic = zip(gradient.joined(), direction.joined()).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } / norm
            let step = 1e-3
            func moved(_ sign: Double) -> Double {
                for (index, parameter) in model.parameters.enumerated() {
                    parameter.value = zip(original[index], direction[index]).map { $0 + Float(sign * step / norm) * $1 }
                }
                return loss()
            }
            let numeric = (moved(1) - moved(-1)) / (2 * step)
            for (index, parameter) in model.parameters.enumerated() { parameter.value = original[index] }
            XCTAssertEqual(analytic, numeric, accuracy: 0.02 * max(abs(numeric), 0.05), label)
        }
        XCTAssertGreaterThan(gradient.joined().reduce(0.0) { $0 + Double($1) * Double($1) }, 1e-4, "a gradient to check")
    }
}
