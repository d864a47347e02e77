import Training
import XCTest

final class HeldOutSplitTests: XCTestCase {
    /// 40 training images of 2x2, each filled with its index; 10 test images filled with 200 + index.
    let original = ImageDataset(name: "toy", source: "memory", rows: 2, columns: 2, classCount: 10,
                                trainImages: (0..<40).flatMap { [UInt8](repeating: UInt8($0), count: 4) },
                                trainLabels: (0..<40).map { UInt8($0 % 10) },
                                testImages: (0..<10).flatMap { [UInt8](repeating: UInt8(200 + $0), count: 4) },
                                testLabels: (0..<10).map { UInt8($0) })

    func testTheSliceComesFromTheTrainingImagesOnlyAndLeavesThem() {
        let split = HeldOutSplit(original, heldOut: 8, seed: 3)
        XCTAssertEqual(split.heldOutIndices.count, 8)
        XCTAssertEqual(split.heldOutIndices, split.heldOutIndices.sorted())
        XCTAssertEqual(split.dataset.testCount, 8)
        XCTAssertEqual(split.dataset.trainCount, 32)
        let evaluated = (0..<8).map { Int(split.dataset.testImage($0).first!) }
        XCTAssertEqual(evaluated, split.heldOutIndices, "the evaluation images are the held-out training images")
        XCTAssertEqual((0..<8).map { split.dataset.testLabels[$0] }, split.heldOutIndices.map { UInt8($0 % 10) })
        let trained = Set((0..<32).map { Int(split.dataset.trainImage($0).first!) })
        XCTAssertTrue(trained.isDisjoint(with: split.heldOutIndices), "trained on none of them")
        XCTAssertEqual(trained.union(split.heldOutIndices), Set(0..<40), "and on every other training image")
        let everything = split.dataset.trainImages + split.dataset.testImages
        XCTAssertFalse(everything.contains { $0 >= 200 }, "no test image anywhere")
    }

    func testTheSliceIsDeterminedByTheSeed() {
        XCTAssertEqual(HeldOutSplit(original, heldOut: 8, seed: 3).heldOutIndices, HeldOutSplit(original, heldOut: 8, seed: 3).heldOutIndices)
        XCTAssertNotEqual(HeldOutSplit(original, heldOut: 8, seed: 3).heldOutIndices, HeldOutSplit(original, heldOut: 8, seed: 4).heldOutIndices)
    }
}
