import Training
import XCTest

/// ReLU's forward pass over whole lanes and a tail, and its zero count in evaluation.
final class ReLUTests: XCTestCase {
    func testRectifiesAndCountsZerosInLanesAndTheTail() {
        // 21 values: two lanes of eight and a tail of five, negatives, exact zeros and
        // positives in each.
        let values: [Float] = [-1, 2, 0, 3, -0.5, 4, 5, -6, 0, 1, 1, -2, 7, 0, -3, 8, -1, 0, 2, -4, 9]
        let input = Tensor(shape: [3, 7], storage: values)
        let relu = ReLU(name: "relu")
        let output = relu.forward(input, isTraining: false)
        XCTAssertEqual(output.storage, values.map { max($0, 0) })
        XCTAssertEqual(relu.lastEvaluationZeros, values.filter { $0 <= 0 }.count)
        XCTAssertEqual(relu.lastEvaluationElements, 21)
        // A training pass counts nothing and leaves the last evaluation's count alone.
        _ = relu.forward(Tensor(shape: [1, 3], storage: [-1, -1, -1]), isTraining: true)
        XCTAssertEqual(relu.lastEvaluationZeros, 11)
    }

    /// A NaN passes through (so a diverging run shows as NaN, not as a silent zero); so does
    /// infinity, and −∞ becomes 0, in a run long enough for the vectorised loop and its tail.
    func testNaNAndInfinitiesInTrainingAndEvaluation() {
        var values = (0..<37).map { Float($0 % 5) - 2 }
        values[3] = .nan
        values[20] = .infinity
        values[33] = -.infinity
        for isTraining in [true, false] {
            let output = ReLU(name: "relu").forward(Tensor(shape: [1, 37], storage: values), isTraining: isTraining).storage
            XCTAssertTrue(output[3].isNaN, "training: \(isTraining)")
            XCTAssertEqual(output[20], .infinity)
            XCTAssertEqual(output[33], 0)
            for i in 0..<37 where ![3, 20, 33].contains(i) { XCTAssertEqual(output[i], max(values[i], 0), "value \(i)") }
        }
    }
}
