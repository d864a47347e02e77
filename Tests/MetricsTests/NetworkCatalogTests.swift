import Metrics
import Training
import XCTest

/// The layer tables against the forward MACs per sample of the project's independent FLOP-model
/// check (the layer shapes that reproduce the inference FLOP reductions of Raihan & Aamodt 2020,
/// arXiv:2001.01969, Tables 2–5) and against counts that follow from each architecture.
final class NetworkCatalogTests: XCTestCase {
    private func layers(_ name: String) throws -> [LayerShape] { try XCTUnwrap(NetworkCatalog.layers(name), name) }
    private func totalMACs(_ name: String) throws -> Int { try layers(name).reduce(0) { $0 + $1.forwardMACs } }

    func testEveryListedNetworkHasATableAndASummary() throws {
        for name in NetworkCatalog.names {
            XCTAssertFalse(try layers(name).isEmpty, name)
            XCTAssertNotNil(NetworkCatalog.summary(name), name)
        }
        XCTAssertNil(NetworkCatalog.layers("alexnet"))
        XCTAssertNil(NetworkCatalog.summary("alexnet"))
    }

    func testForwardMACsMatchAppendixB() throws {
        let stated: [(String, Double)] = [
            ("vgg16", 332.1e6), ("wrn-16-8", 1548.1e6), ("resnet18", 555.4e6), ("densenet121", 888.4e6),
            ("resnet50", 4.089e9), ("wrn-50-2", 11.398e9),
        ]
        for (name, macs) in stated {
            // The check's totals are rounded to 4 significant digits or 0.1 M.
            XCTAssertEqual(Double(try totalMACs(name)), macs, accuracy: macs >= 4e9 ? 0.5e6 : 0.05e6, name)
        }
    }

    func testTheImageNetStemsShareMatchesAppendixB() throws {
        // ResNet-50 4.089 G (first conv 2.89%), WRN-50-2 11.398 G (first conv 1.04%), from the same check;
        // the dense 2.89% stem is what turns SWAT-U's 80% into the 77.7% inference reduction of Table 3.
        for (name, share) in [("resnet50", 0.0289), ("wrn-50-2", 0.0104)] {
            let table = try layers(name)
            XCTAssertEqual(table[0].forwardMACs, 3 * 64 * 7 * 7 * 112 * 112)
            XCTAssertEqual(Double(table[0].forwardMACs) / Double(try totalMACs(name)), share, accuracy: 0.00005, name)
        }
    }

    func testLayerCountsFollowTheArchitectures() throws {
        // VGG-16: 13 convs + 3 linear. DenseNet-121: stem + 58 bottlenecks x 2 + 3 transitions + fc.
        // ResNet-18: 17 convs + 3 projection shortcuts + fc. ResNet-50: 1 + 16 x 3 + 4 downsamples + fc.
        // WRN-16-8: stem + 3 groups x 2 blocks x 2 convs + 3 shortcuts + fc.
        let expected = ["vgg16": 16, "densenet121": 121, "resnet18": 21, "resnet50": 54, "wrn-50-2": 54, "wrn-16-8": 17]
        for (name, count) in expected { XCTAssertEqual(try layers(name).count, count, name) }
    }

    func testHandCheckedLayers() throws {
        let vgg = try layers("vgg16")
        XCTAssertEqual(vgg[0], .convolution("conv1_1", in: 3, out: 64, kernel: 3, output: 32))
        XCTAssertEqual(vgg[0].forwardMACs, 3 * 64 * 9 * 32 * 32)
        XCTAssertEqual(vgg[12], .convolution("conv5_3", in: 512, out: 512, kernel: 3, output: 2))
        XCTAssertEqual(vgg.suffix(3).map(\.forwardMACs), [512 * 4096, 4096 * 4096, 4096 * 10])

        let dense = try layers("densenet121")
        // The last dense block ends with 512 + 16 x 32 = 1024 channels at 4x4.
        XCTAssertEqual(dense.last, .linear("fc", inputs: 1024, outputs: 10))
        XCTAssertEqual(dense.first { $0.name == "transition1" }, .convolution("transition1", in: 256, out: 128, kernel: 1, output: 32))

        let wide = try layers("wrn-50-2")
        XCTAssertEqual(wide.first { $0.name == "layer1.0.conv2" }, .convolution("layer1.0.conv2", in: 128, out: 128, kernel: 3, output: 56))
        // torchvision v1.5: the stride sits on the 3x3, so the first 1x1 runs at the input resolution.
        let resnet = try layers("resnet50")
        XCTAssertEqual(resnet.first { $0.name == "layer2.0.conv1" }, .convolution("layer2.0.conv1", in: 256, out: 128, kernel: 1, output: 56))
        XCTAssertEqual(resnet.first { $0.name == "layer2.0.conv2" }, .convolution("layer2.0.conv2", in: 128, out: 128, kernel: 3, output: 28))
        XCTAssertEqual(resnet.last, .linear("fc", inputs: 2048, outputs: 1000))
    }

    func testTheLeNetsAreTheTrainersModels() throws {
        let lenet300 = try layers("lenet300")
        XCTAssertEqual(lenet300, [.linear("fc1.weight", inputs: 784, outputs: 300),
                                  .linear("fc2.weight", inputs: 300, outputs: 100),
                                  .linear("fc3.weight", inputs: 100, outputs: 10)])
        let model = try ModelCatalog.make("lenet5", inputShape: [1, 28, 28], classCount: 10, seed: 1)
        let lenet5 = try layers("lenet5")
        XCTAssertEqual(lenet5, LayerShape.shapes(of: model))
        XCTAssertEqual(lenet5[0], .convolution("conv1.weight", in: 1, out: 6, kernel: 5, output: 28))
        XCTAssertEqual(lenet5[1], .convolution("conv2.weight", in: 6, out: 16, kernel: 5, output: 10))
        XCTAssertEqual(lenet5[2], .linear("fc1.weight", inputs: 400, outputs: 120))
        XCTAssertEqual(try totalMACs("lenet5"), model.forwardMACsPerSample)
        // The shapes carry the weight counts of the model's prunable parameters, in order.
        XCTAssertEqual(lenet5.map(\.weightCount), model.prunableParameters.map { $0.shape.reduce(1, *) })
    }
}
