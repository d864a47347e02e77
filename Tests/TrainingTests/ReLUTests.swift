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
}
