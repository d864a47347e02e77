import Metrics
import XCTest

final class ClassAccuracyTests: XCTestCase {
    func testPerClassAccuracyByHand() {
        let perClass = ClassAccuracy.perClass(labels: [0, 0, 1, 1, 1, 2], predictions: [0, 1, 1, 1, 0, 7], classCount: 4)
        XCTAssertEqual(perClass, [ClassAccuracy(label: 0, correct: 1, total: 2),
                                  ClassAccuracy(label: 1, correct: 2, total: 3),
                                  ClassAccuracy(label: 2, correct: 0, total: 1),
                                  ClassAccuracy(label: 3, correct: 0, total: 0)])
        XCTAssertEqual(perClass.map(\.accuracy), [0.5, 2.0 / 3.0, 0, nil])
    }

    func testChangesAgainstTheDenseModel() {
        let dense = [ClassAccuracy(label: 0, correct: 9, total: 10), ClassAccuracy(label: 1, correct: 8, total: 10),
                     ClassAccuracy(label: 2, correct: 0, total: 0)]
        let sparse = [ClassAccuracy(label: 0, correct: 9, total: 10), ClassAccuracy(label: 1, correct: 5, total: 10),
                      ClassAccuracy(label: 2, correct: 1, total: 1)]
        let changes = ClassAccuracy.changes(from: dense, to: sparse)
        XCTAssertEqual(changes.count, 2)
        XCTAssertEqual(changes[0], 0)
        XCTAssertEqual(try XCTUnwrap(changes[1]), -0.3, accuracy: 1e-12)
    }
}
