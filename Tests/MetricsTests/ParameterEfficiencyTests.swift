import Metrics
import Training
import XCTest

final class ParameterEfficiencyTests: XCTestCase {
    func testAccuracyDensityOfTheSurveysExamples() {
        // Pruned ResNet-50 (66% at ≈281,000 parameters) and MobileNet v1 (68% at ≈423,000) of Hoefler et al.
        // 2021, arXiv:2102.00554, §8.7: 66 / 0.281 -> 234.9; 68 / 0.423 -> 160.8.
        let resnet = ParameterEfficiency.accuracyDensity(accuracyPercent: 66, parameterCount: 281_000)
        let mobilenet = ParameterEfficiency.accuracyDensity(accuracyPercent: 68, parameterCount: 423_000)
        XCTAssertEqual(resnet, 66 / 0.281, accuracy: 1e-9)
        XCTAssertEqual(mobilenet, 68 / 0.423, accuracy: 1e-9)
        XCTAssertEqual([resnet, mobilenet].map { ($0 * 10).rounded() / 10 }, [234.9, 160.8])
        XCTAssertEqual(ParameterEfficiency.accuracyDensity(accuracyPercent: 50, parameterCount: 0), .infinity)
    }

    func testDenseAgainstSparse() {
        // lenet300: 266,610 parameters at 89%; 10% of them left at 88%.
        let comparison = ParameterEfficiency.accuracyDensity(denseAccuracyPercent: 89, parameterCount: 266_610,
                                                             sparseAccuracyPercent: 88, nonzeroCount: 26_661)
        XCTAssertEqual(comparison.dense, 89 / 0.26661, accuracy: 1e-9)
        XCTAssertEqual(comparison.sparse, 88 / 0.026661, accuracy: 1e-9)
    }

    func testParameterCountsOfASnapshotIncludeBiases() {
        let weight = LayerSnapshot(parameter: Parameter(name: "fc.weight", shape: [2, 2], role: .weight, index: 0, value: [1, 2, 3, 4]),
                                   mask: [1, 0, 0, 1])
        let bias = LayerSnapshot(parameter: Parameter(name: "fc.bias", shape: [2], role: .bias, index: 1, value: [0, 0.5]))
        let counts = ParameterEfficiency.parameterCounts([weight, bias])
        XCTAssertEqual(counts.total, 6)
        XCTAssertEqual(counts.nonzero, 3)
    }
}
