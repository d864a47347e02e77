import Metrics
import Training
import XCTest

/// Snapshots of hand-made tensors for the view-model tests.
enum ViewModelFixtures {
    /// A prunable tensor; a nil mask keeps everything.
    static func prunable(_ name: String, _ shape: [Int], _ weights: [Float], mask: [Float]? = nil) -> LayerSnapshot {
        LayerSnapshot(parameter: Parameter(name: name, shape: shape, role: .weight, index: 0, value: weights), mask: mask)
    }
}

private func prunableLayer(_ name: String, _ shape: [Int], _ weights: [Float], mask: [Float]? = nil) -> LayerSnapshot {
    ViewModelFixtures.prunable(name, shape, weights, mask: mask)
}

final class LayerAnalysisTests: XCTestCase {
    /// inputs x0 x1 x2 -> A (h0 h1 h2) -> B (g0 g1) -> C (y0 y1).
    /// - h2 has no incoming active weight (its only weight is masked), so g0 <- h2 is dead.
    /// - g1 has no outgoing weight, so h1 -> g1 is dead, so h1 reaches no output either,
    ///   so x0 -> h1 and x2 -> h1 are dead, so x2 reaches nothing. (RigL's one-layer-ahead
    ///   rule would still keep h1, because h1 -> g1 exists.)
    func testEffectiveSparsityWithDeadNeuronsPropagatesBothWays() throws {
        let a = prunableLayer("A.weight", [3, 3], [0.5, -0.5, 0,    // h0 <- x0, x1
                                                    0.3, 0, 0.8,     // h1 <- x0, x2
                                                    0.9, 0, 0],      // h2 <- x0, but masked
                              mask: [1, 1, 0, 1, 1, 1, 0, 1, 1])
        let bias = LayerSnapshot(parameter: Parameter(name: "A.bias", shape: [3], role: .bias, index: 1, value: [1, 1, 1]))
        let b = prunableLayer("B.weight", [2, 3], [1, 0, 0.7,    // g0 <- h0, h2
                                                    0, 0.2, 0],   // g1 <- h1 (g1.h0 kept but zero)
                              mask: [1, 1, 1, 1, 1, 0])
        let c = prunableLayer("C.weight", [2, 2], [0.4, 0,   // y0 <- g0
                                                    -0.6, 0]) // y1 <- g0
        let analysis = try NetworkAnalysis(layers: [a, bias, b, c])

        XCTAssertEqual(analysis.layers.map(\.name), ["A.weight", "B.weight", "C.weight"])
        XCTAssertEqual(analysis.layers.map(\.parameterCount), [9, 6, 4])
        XCTAssertEqual(analysis.layers.map(\.keptCount), [7, 5, 4])
        XCTAssertEqual(analysis.layers.map(\.activeCount), [4, 3, 2])
        XCTAssertEqual(analysis.layers.map(\.effectiveCount), [2, 1, 2])
        XCTAssertEqual(analysis.layers.map(\.deadUnitCount), [2, 1, 0])   // h1, h2; g1
        XCTAssertEqual(analysis.layers[0].directSparsity, 5.0 / 9.0, accuracy: 1e-12)
        XCTAssertEqual(analysis.layers[0].effectiveSparsity, 7.0 / 9.0, accuracy: 1e-12)
        XCTAssertEqual(analysis.layers[1].effectiveSparsity, 5.0 / 6.0, accuracy: 1e-12)
        XCTAssertEqual(analysis.inputUnitCount, 3)
        XCTAssertEqual(analysis.deadInputCount, 1)
        // Element-weighted: 9 active and 5 effective of 19.
        XCTAssertEqual(analysis.weightSparsity, 10.0 / 19.0, accuracy: 1e-12)
        XCTAssertEqual(analysis.effectiveSparsity, 14.0 / 19.0, accuracy: 1e-12)
        XCTAssertEqual(analysis.deadUnitCount, 3)
    }

    /// conv [2 out, 1 in, 2x2] -> flatten (2 channels x 2 positions) -> dense [2, 4].
    /// Channel 1 has no active kernel weight, so the dense columns 2 and 3 it feeds are
    /// dead, and y1, fed only by them, is dead too.
    func testConvChannelsMapToFlattenedColumns() throws {
        let conv = prunableLayer("conv.weight", [2, 1, 2, 2], [1, 0, 0, 2,  0, 0, 0, 0])
        let dense = prunableLayer("fc.weight", [2, 4], [0.5, 0, 0.3, 0,
                                                        0, 0, 0, 0.4])
        let analysis = try NetworkAnalysis(layers: [conv, dense])
        XCTAssertEqual(analysis.layers.map(\.activeCount), [2, 3])
        XCTAssertEqual(analysis.layers.map(\.effectiveCount), [2, 1])
        XCTAssertEqual(analysis.layers.map(\.deadUnitCount), [1, 1])
        XCTAssertEqual(analysis.effectiveSparsity, 13.0 / 16.0, accuracy: 1e-12)
        XCTAssertEqual(analysis.deadInputCount, 0)
    }

    /// conv1 channel 0 feeds nothing in conv2, so its kernel is dead.
    func testConvToConvChannelsPropagateBackward() throws {
        let conv1 = prunableLayer("conv1.weight", [2, 1, 1, 1], [1, 1])
        let conv2 = prunableLayer("conv2.weight", [1, 2, 1, 1], [0, 3])
        let dense = prunableLayer("fc.weight", [1, 2], [1, 1])
        let analysis = try NetworkAnalysis(layers: [conv1, conv2, dense])
        XCTAssertEqual(analysis.layers.map(\.effectiveCount), [1, 1, 2])
        XCTAssertEqual(analysis.layers.map(\.deadUnitCount), [1, 0, 0])
    }

    func testDenseZooModelsHaveNothingDeadThroughTheirLinks() throws {
        for name in ModelCatalog.names {
            let model = try ModelCatalog.make(name, inputShape: [1, 28, 28], classCount: 10, seed: 1)
            let analysis = try NetworkAnalysis(layers: model.parameters.map { LayerSnapshot(parameter: $0) }, links: model.description.unitLinks)
            XCTAssertEqual(analysis.parameterCount, model.prunableParameters.reduce(0) { $0 + $1.count }, name)
            XCTAssertEqual(analysis.layers.map(\.effectiveCount), analysis.layers.map(\.activeCount), name)
            XCTAssertEqual(analysis.deadUnitCount, 0, name)
        }
    }

    func testShapesThatDoNotChainAreReported() {
        let a = prunableLayer("a.weight", [3, 2], [Float](repeating: 1, count: 6))
        let b = prunableLayer("b.weight", [1, 4], [Float](repeating: 1, count: 4))
        XCTAssertThrowsError(try NetworkAnalysis(layers: [a, b])) { error in
            XCTAssertEqual(error as? LayerChainError, .mismatch(from: "a.weight", to: "b.weight", outputs: 3, inputs: 4))
        }
        XCTAssertThrowsError(try NetworkAnalysis(layers: []))
    }

    /// Drops index 1, grows index 2: Hamming distance 2 over 3 kept.
    func testMaskChurnOnHandMasks() {
        let earlier = [prunableLayer("w", [5], [1, 2, 3, 4, 5], mask: [1, 1, 0, 0, 1]),
                       prunableLayer("v", [2], [1, 1], mask: [1, 0])]
        let later = [prunableLayer("w", [5], [1, 0, 3, 4, 5], mask: [1, 0, 1, 0, 1]),
                     prunableLayer("v", [2], [1, 1], mask: [1, 0])]
        let churn = MaskChurn.layers(from: earlier, to: later)
        XCTAssertEqual(churn, [MaskChurn(name: "w", grown: 1, dropped: 1, keptCount: 3),
                               MaskChurn(name: "v", grown: 0, dropped: 0, keptCount: 1)])
        XCTAssertEqual(churn[0].hammingDistance, 2)
        XCTAssertEqual(churn[0].rate, 2.0 / 3.0, accuracy: 1e-12)
        let network = MaskChurn.network(churn)
        XCTAssertEqual(network.rate, 2.0 / 4.0, accuracy: 1e-12)
        XCTAssertEqual(MaskChurn(name: "x", grown: 0, dropped: 2, keptCount: 0).rate, .infinity)
    }

    func testActivationSparsityIsElementWeighted() {
        let relu1 = ActivationSparsity(name: "relu1", activations: [0, 1.5, 0, 0, 2, 0, 0, 0])  // 6 of 8
        let relu2 = ActivationSparsity(name: "relu2", elementCount: 2, zeroCount: 0)
        XCTAssertEqual(relu1.zeroCount, 6)
        XCTAssertEqual(relu1.sparsity, 0.75)
        XCTAssertEqual(relu2.sparsity, 0)
        // 6 zeros of 10 elements, not the mean 0.375 of the two ratios.
        XCTAssertEqual(ActivationSparsity.networkAverage([relu1, relu2]), 0.6, accuracy: 1e-12)
        XCTAssertEqual(ActivationSparsity.networkAverage([]), 0)
    }
}

/// Effective sparsity and dead units through a residual sum, from the network description's links.
final class ResidualConnectivityTests: XCTestCase {
    /// stem conv (4 channels) -> relu -> [block: conv 4 + identity] -> relu -> avgpool -> fc.
    private func network() throws -> Model {
        try NetworkBuilder.build(Architecture([
            .convolution(channels: 4, kernel: 3, padding: 1), .relu(),
            .residual(body: [.convolution(channels: 4, kernel: 3, padding: 1)]), .relu(),
            .globalAveragePool(), .dense(units: .classes),
        ]), name: "tiny", inputShape: [1, 6, 6], classCount: 3, seed: 1)
    }

    func testLinksFollowTheIdentityShortcut() throws {
        let links = try network().description.unitLinks
        XCTAssertEqual(links, [.init(sources: [], inputsPerSourceUnit: 1), .init(sources: [0], inputsPerSourceUnit: 1),
                               .init(sources: [0, 1], inputsPerSourceUnit: 1)],
                       "fc reads the sum of the stem's and the block's channels")
    }

    /// The block's conv pruned away entirely: the identity still carries the stem's channels
    /// to the classifier, so the stem and fc stay effective. Read as a chain, the stem would
    /// seem to feed only the dead conv, and everything after it would count as cut off.
    func testAPrunedAwayBlockLeavesTheShortcutLive() throws {
        let model = try network()
        let (stem, block, fc) = (model.prunableParameters[0], model.prunableParameters[1], model.prunableParameters[2])
        let snapshots = [LayerSnapshot(parameter: stem), LayerSnapshot(parameter: block, mask: [Float](repeating: 0, count: block.count)),
                         LayerSnapshot(parameter: fc)]
        let linked = try NetworkAnalysis(layers: snapshots, links: model.description.unitLinks)
        XCTAssertEqual(linked.layers.map(\.effectiveCount), [stem.count, 0, fc.count])
        XCTAssertEqual(linked.layers.map(\.deadUnitCount), [0, 4, 0])
        let chain = try NetworkAnalysis(layers: snapshots)
        XCTAssertEqual(chain.layers.map(\.effectiveCount), [0, 0, 0], "what the chain reading gets wrong")

        // The stem pruned away instead: nothing reaches the sum but through the block's
        // conv, whose inputs are all dead, so nothing is effective.
        let noStem = [LayerSnapshot(parameter: stem, mask: [Float](repeating: 0, count: stem.count)),
                      LayerSnapshot(parameter: block), LayerSnapshot(parameter: fc)]
        let dead = try NetworkAnalysis(layers: noStem, links: model.description.unitLinks)
        XCTAssertEqual(dead.layers.map(\.effectiveCount), [0, 0, 0])
        XCTAssertEqual(dead.deadInputCount, 1, "the image's one channel feeds nothing live")
    }

    func testLinksThatDoNotFitAreRefused() throws {
        let model = try network()
        let snapshots = model.prunableParameters.map { LayerSnapshot(parameter: $0) }
        XCTAssertThrowsError(try NetworkAnalysis(layers: snapshots, links: [.init(sources: [], inputsPerSourceUnit: 1)])) {
            XCTAssertEqual("\($0)", "3 prunable layers but links for 1")
        }
        XCTAssertThrowsError(try NetworkAnalysis(layers: snapshots, links: [
            .init(sources: [], inputsPerSourceUnit: 1), .init(sources: [0], inputsPerSourceUnit: 2), .init(sources: [1], inputsPerSourceUnit: 1)])) {
            XCTAssertEqual("\($0)", "conv1.weight has 8 outputs, which do not feed the 4 inputs of block1.conv1.weight")
        }
    }
}
