import SparseKernels
import Training
import XCTest

/// The measured CPU speedup covers every network with a Conv2D or Dense layer the sparse
/// kernel can run; MLPs of lenet300's shape take the whole-network feature-major path.
final class SparseInferenceCoverageTests: XCTestCase {
    private func network(_ layers: [LayerSpec], inputShape: [Int] = [1, 28, 28]) throws -> NetworkDescription {
        try NetworkBuilder.build(Architecture(layers), name: "n", inputShape: inputShape, classCount: 10, seed: 0).description
    }

    func testEveryZooModelIsCoveredAndOnlyPlainMLPsTakeTheMLPPath() throws {
        for name in ModelCatalog.names {
            let description = try ModelCatalog.make(name, inputShape: [1, 28, 28], classCount: 10, seed: 0).description
            XCTAssertNil(sparseInferenceGap(description), name)
            XCTAssertEqual(SparseInferenceNetwork.runs(description), ["lenet300", "mlp"].contains(name), name)
        }
        XCTAssertTrue(SparseInferenceNetwork.runs(try network([.flatten(), .dense(units: .count(32)), .relu(), .dropout(rate: 0.5),
                                                               .dense(units: .classes)])), "dropout is the identity at inference")
        XCTAssertFalse(SparseInferenceNetwork.runs(try network([.dense(units: .count(32)), .batchNorm(), .relu(), .dense(units: .classes)])),
                       "batch norm between the layers is not in the MLP path's plan")
        XCTAssertFalse(SparseInferenceNetwork.runs(try network([.dense(units: .count(32)), .dense(units: .classes)])),
                       "two linear layers without the ReLU the MLP path applies")
        XCTAssertNil(sparseInferenceGap(try network([.dense(units: .count(32)), .batchNorm(), .relu(), .dense(units: .classes)])))
    }

    /// 16-bit column indices: a layer of more than 65,536 inputs per output runs dense.
    func testANetworkWhoseEveryLayerIsTooWideSaysSo() throws {
        XCTAssertEqual(sparseInferenceGap(try network([.dense(units: .classes)], inputShape: [3, 160, 160])),
                       "every layer over 65,536 inputs")
        XCTAssertNil(sparseInferenceGap(try network([.convolution(channels: 4, kernel: 3), .flatten(), .dense(units: .classes)],
                                                    inputShape: [3, 160, 160])), "the conv runs sparse, the linear layer dense")
    }
}
