import Training
import XCTest

/// Every zoo model on greyscale 28x28 and colour 32x32 input: its size, its description,
/// and a training step through it.
final class ZooTests: XCTestCase {
    /// Parameters and forward MACs per sample of the same networks built in PyTorch 2.13
    /// (`scripts/zoo_counts_torch.py`: nn.Conv2d, nn.BatchNorm2d, nn.Linear, counted by
    /// `numel` and by forward hooks), an independent count of what prunetop builds.
    private let pytorchCounts: [String: (parameters: Int, macs: Int)] = [
        "lenet300 [1, 28, 28]": (266_610, 266_200), "lenet300 [3, 32, 32]": (953_010, 952_600),
        "lenet5 [1, 28, 28]": (61_706, 416_520), "lenet5 [3, 32, 32]": (83_126, 886_440),
        "mlp [1, 28, 28]": (535_818, 535_040), "mlp [3, 32, 32]": (1_707_274, 1_706_496),
        "vgg-small [1, 28, 28]": (288_170, 29_128_448), "vgg-small [3, 32, 32]": (288_746, 38_634_752),
        "resnet20 [1, 28, 28]": (272_186, 31_021_952), "resnet20 [3, 32, 32]": (272_474, 40_813_184),
    ]

    func testParameterAndMACCountsMatchPyTorch() throws {
        for name in ModelCatalog.names {
            for shape in [[1, 28, 28], [3, 32, 32]] {
                let model = try ModelCatalog.make(name, inputShape: shape, classCount: 10, seed: 0)
                let expected = try XCTUnwrap(pytorchCounts["\(name) \(shape)"], "\(name) \(shape)")
                XCTAssertEqual(model.parameters.reduce(0) { $0 + $1.count }, expected.parameters, "\(name) \(shape) parameters")
                XCTAssertEqual(model.description.parameterCount, expected.parameters, "\(name) \(shape) described parameters")
                XCTAssertEqual(model.forwardMACsPerSample, expected.macs, "\(name) \(shape) MACs")
                XCTAssertEqual(model.description.prunableLayers.map(\.weight), model.prunableParameters.map(\.name), name)
                XCTAssertEqual(model.outputShape, [10])
            }
        }
    }

    func testResNet20DescriptionNamesBlocksTiesAndActivations() throws {
        let model = try ModelCatalog.make("resnet20", inputShape: [3, 32, 32], classCount: 10, seed: 0)
        let layers = model.description.layers
        XCTAssertEqual(model.description.prunableLayers.count, 22, "19 convs, 2 projections, 1 linear")
        let conv = try XCTUnwrap(layers.first { $0.name == "layer2.0.conv1" })
        XCTAssertEqual(conv.block, "layer2.0")
        XCTAssertEqual(conv.geometry, .init(inChannels: 16, outChannels: 32, kernel: 3, stride: 2, padding: 1))
        XCTAssertEqual(conv.inputShape, [16, 32, 32])
        XCTAssertEqual(conv.outputShape, [32, 16, 16])
        XCTAssertEqual(conv.activation, "layer1.2.relu", "the previous block's ReLU feeds it")
        XCTAssertEqual(conv.initialization?.fanIn, 144)
        let shortcut = try XCTUnwrap(layers.first { $0.name == "layer2.0.shortcut.conv1" })
        XCTAssertEqual(shortcut.activation, "layer1.2.relu", "the shortcut sees the block's input")
        // The first block of a stage ties its conv2 to the projection; the next ones add
        // the identity, so they tie in everything the stage's first sum was made of.
        XCTAssertEqual(layers.first { $0.name == "layer2.0.add" }?.tiedWeights,
                       ["layer2.0.conv2.weight", "layer2.0.shortcut.conv1.weight"])
        XCTAssertEqual(layers.first { $0.name == "layer2.1.add" }?.tiedWeights,
                       ["layer2.0.conv2.weight", "layer2.0.shortcut.conv1.weight", "layer2.1.conv2.weight"])
        XCTAssertEqual(layers.first { $0.name == "layer1.0.add" }?.tiedWeights, ["conv1.weight", "layer1.0.conv2.weight"])
        XCTAssertEqual(layers.last?.name, "fc")
        XCTAssertEqual(layers.last?.activation, "layer3.2.relu", "through the average pooling")
        XCTAssertEqual(model.buffers.count, 2 * 21, "running mean and variance of 21 batch norms")
    }

    func testEveryZooModelTrainsAStepOnColourImages() throws {
        for name in ModelCatalog.names {
            let model = try ModelCatalog.make(name, inputShape: [3, 32, 32], classCount: 10, seed: 1)
            var generator = SeededGenerator(seed: 2)
            let input = Tensor(shape: [4, 3, 32, 32], storage: (0..<(4 * 3072)).map { _ in generator.nextUnitFloat() })
            let labels: [Int32] = [0, 3, 9, 1]
            let result = labels.withUnsafeBufferPointer { SoftmaxCrossEntropy.evaluate(logits: model.forward(input, isTraining: true), labels: $0) }
            model.backward(result.gradient)
            XCTAssertTrue(result.loss.isFinite, name)
            for parameter in model.prunableParameters {
                XCTAssertTrue(parameter.gradient.contains { $0 != 0 }, "\(name): \(parameter.name) has a gradient")
            }
        }
    }

    func testOptionsAreCheckedAndChangeTheNetwork() throws {
        let wide = try ModelCatalog.make("resnet20", options: .init(width: 2), inputShape: [1, 28, 28], classCount: 10, seed: 0)
        XCTAssertEqual(wide.description.layers.first?.geometry?.outChannels, 32)
        let mlp = try ModelCatalog.make("mlp", options: .init(widths: [64, 32, 16]), inputShape: [1, 28, 28], classCount: 10, seed: 0)
        XCTAssertEqual(mlp.prunableParameters.map(\.shape), [[64, 784], [32, 64], [16, 32], [10, 16]])
        XCTAssertThrowsError(try ModelCatalog.make("lenet5", options: .init(width: 2), inputShape: [1, 28, 28], classCount: 10, seed: 0)) {
            XCTAssertEqual("\($0)", "lenet5: width must be given to vgg-small or resnet20 only")
        }
        XCTAssertThrowsError(try ModelCatalog.make("mlp", options: .init(widths: []), inputShape: [1, 28, 28], classCount: 10, seed: 0))
    }

    func testArchitectureErrorsNameTheLayerAndBothShapes() {
        let tooDeep = Architecture([.convolution(channels: 4, kernel: 3), .maxPool(), .convolution(channels: 4, kernel: 7), .flatten(), .dense(units: .classes)])
        XCTAssertThrowsError(try NetworkBuilder.build(tooDeep, name: "mine", inputShape: [1, 10, 10], classCount: 3, seed: 0)) {
            XCTAssertEqual($0 as? ArchitectureError, .shapeMismatch(model: "mine", path: [2], ShapeMismatch(
                layer: "conv2", expected: "[4, height, width] with height and width at least 7", found: [4, 4, 4])))
            XCTAssertEqual("\($0)", "mine: conv2 expects [4, height, width] with height and width at least 7, got [4, 4, 4]")
        }
        let mismatchedSum = Architecture([.convolution(channels: 4, kernel: 3, padding: 1),
                                          .residual(body: [.convolution(channels: 8, kernel: 3, padding: 1)]),
                                          .globalAveragePool(), .dense(units: .classes)])
        XCTAssertThrowsError(try NetworkBuilder.build(mismatchedSum, name: "mine", inputShape: [1, 6, 6], classCount: 3, seed: 0)) {
            XCTAssertEqual("\($0)", "mine: block1 expects an input for which its body and shortcut agree (body gives [8, 6, 6], shortcut [4, 6, 6]), got [4, 6, 6]")
        }
        XCTAssertThrowsError(try NetworkBuilder.build(Architecture([.dense(units: .count(5))]), name: "mine", inputShape: [1, 4, 4], classCount: 3, seed: 0)) {
            XCTAssertEqual("\($0)", "mine ends in [5], expected [3] (one output per class); end with a dense layer of `classes` units")
        }
    }
}
