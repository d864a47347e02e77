import SparseKernels
import Training
import XCTest

/// The measured CPU speedup runs the sparse MLP kernel: it says so for networks it would
/// misread instead of timing a different computation.
final class SparseInferenceCoverageTests: XCTestCase {
    private func network(_ layers: [LayerSpec]) throws -> NetworkDescription {
        try NetworkBuilder.build(Architecture(layers), name: "n", inputShape: [1, 28, 28], classCount: 10, seed: 0).description
    }

    func testMLPsAreCoveredAndEverythingElseSaysWhy() throws {
        for name in ["lenet300", "mlp"] {
            XCTAssertNil(sparseInferenceGap(try ModelCatalog.make(name, inputShape: [1, 28, 28], classCount: 10, seed: 0).description), name)
        }
        XCTAssertNil(sparseInferenceGap(try network([.flatten(), .dense(units: .count(32)), .relu(), .dropout(rate: 0.5),
                                                     .dense(units: .classes)])), "dropout is the identity at inference")
        for name in ["lenet5", "vgg-small", "resnet20"] {
            XCTAssertEqual(sparseInferenceGap(try ModelCatalog.make(name, inputShape: [1, 28, 28], classCount: 10, seed: 0).description),
                           "MLPs only", name)
        }
        XCTAssertEqual(sparseInferenceGap(try network([.dense(units: .count(32)), .batchNorm(), .relu(), .dense(units: .classes)])),
                       "MLPs only", "batch norm between the layers is not in the kernel's plan")
        XCTAssertEqual(sparseInferenceGap(try network([.dense(units: .count(32)), .dense(units: .classes)])),
                       "MLPs only", "two linear layers without the ReLU the kernel applies")
    }
}
