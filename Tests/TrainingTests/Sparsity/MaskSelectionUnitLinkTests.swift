import Training
import XCTest

/// `.neurons` masks follow the network's unit links (`NetworkDescription.unitLinks`): a
/// removed unit takes the inputs it feeds in the tensors that read it, and a channel of a
/// residual sum only when every tensor feeding the sum removed it.
final class MaskSelectionUnitLinkTests: XCTestCase {
    private func neuronMasks(_ scores: [[Float]], _ shapes: [[Int]], _ sparsities: [Double],
                             links: [NetworkDescription.UnitLink]? = nil) -> [[Float]] {
        MaskSelection.masks(scores: scores, shapes: shapes, granularity: .neurons, layerSparsities: sparsities, target: 0.5,
                            dense: [], minimumDensity: 0, unitLinks: links)
    }

    /// The zoo's chains describe themselves as the chain the bare shapes imply, so the
    /// engine's masks on them are the ones MaskSelection gives without links.
    func testChainNetworksLinkAsTheirShapesDo() throws {
        for name in ["lenet300", "lenet5", "mlp", "vgg-small"] {
            let model = try ModelCatalog.make(name, inputShape: [1, 28, 28], classCount: 10, seed: 1)
            let shapes = model.prunableParameters.map(\.shape)
            XCTAssertEqual(model.description.unitLinks, NetworkDescription.UnitLink.chain(shapes: shapes), name)
        }
        // lenet5's conv2 (16 filters, 5x5 maps) flattens into fc1's 400 inputs, 25 per filter.
        let lenet5 = try ModelCatalog.make("lenet5", inputShape: [1, 28, 28], classCount: 10, seed: 1)
        XCTAssertEqual(lenet5.description.unitLinks[2], NetworkDescription.UnitLink(sources: [1], inputsPerSourceUnit: 25))
    }

    /// A stem feeding a residual sum with a block's second conv, read by a classifier:
    /// a channel the stem removed but the block kept stays in the sum and in fc's inputs.
    func testASummedChannelGoesOnlyWhenEveryFeedingTensorRemovedIt() {
        // 0: stem [4, 1]; 1: block conv1 [4, 4] reads the stem; 2: block conv2 [4, 4] reads
        // conv1; 3: fc [2, 4] reads stem + conv2 (identity shortcut).
        let shapes = [[4, 1], [4, 4], [4, 4], [2, 4]]
        let links = [
            NetworkDescription.UnitLink(sources: [], inputsPerSourceUnit: 1),
            NetworkDescription.UnitLink(sources: [0], inputsPerSourceUnit: 1),
            NetworkDescription.UnitLink(sources: [1], inputsPerSourceUnit: 1),
            NetworkDescription.UnitLink(sources: [0, 2], inputsPerSourceUnit: 1),
        ]
        // Stem keeps units 2, 3; conv1 keeps 0, 1; conv2 keeps 1, 2 (removes 0 and 3).
        let scores: [[Float]] = [[1, 1, 9, 9], [Float](repeating: 9, count: 8) + [Float](repeating: 1, count: 8),
                                 [1, 1, 1, 1, 9, 9, 9, 9, 9, 9, 9, 9, 1, 1, 1, 1], [Float](repeating: 1, count: 8)]
        let masks = neuronMasks(scores, shapes, [0.5, 0.5, 0.5, 0], links: links)
        XCTAssertEqual(masks[0], [0, 0, 1, 1])
        // conv1 reads the stem alone: its inputs 0 and 1 are gone from the rows it keeps.
        XCTAssertEqual(masks[1], [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
        // conv2 reads conv1 (kept 0, 1): inputs 2 and 3 go.
        XCTAssertEqual(masks[2], [0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0])
        // fc: only channel 0 was removed by both the stem and conv2.
        XCTAssertEqual(masks[3], [0, 1, 1, 1, 0, 1, 1, 1])
        // Read as a chain, fc would lose every input conv2 removed (0 and 3).
        XCTAssertEqual(neuronMasks(scores, shapes, [0.5, 0.5, 0.5, 0])[3], [0, 1, 1, 0, 0, 1, 1, 0])
    }

    /// Links name their sources; a consumer need not follow its source in the list (a
    /// projection shortcut comes after the body it is summed with), and a flattened
    /// source feeds blocks of inputs.
    func testLinksSkipOverTensorsAndMapBlocksOfInputs() {
        // 0: conv [2, 1, 1, 1]; 1: an unrelated Dense [3, 5]; 2: Dense [2, 8] reads conv 0
        // flattened, 4 positions per channel.
        let shapes = [[2, 1, 1, 1], [3, 5], [2, 8]]
        let links = [
            NetworkDescription.UnitLink(sources: [], inputsPerSourceUnit: 1),
            NetworkDescription.UnitLink(sources: [], inputsPerSourceUnit: 1),
            NetworkDescription.UnitLink(sources: [0], inputsPerSourceUnit: 4),
        ]
        let masks = neuronMasks([[1, 9], [Float](repeating: 1, count: 15), [Float](repeating: 1, count: 16)], shapes,
                                [0.5, 0, 0], links: links)
        XCTAssertEqual(masks[0], [0, 1])
        XCTAssertEqual(masks[1], [Float](repeating: 1, count: 15), "not a reader of tensor 0")
        XCTAssertEqual(masks[2], [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1])
    }
}
