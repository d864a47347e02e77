import Metrics
import XCTest

final class NMComplianceTests: XCTestCase {
    func testDenseRowsGroupAlongTheInputs() {
        // 2 rows of 8 inputs: two groups of 4 each. Row 0 keeps 2 and 2; row 1 keeps 3 in its first group.
        let mask: [Float] = [1, 0, 1, 0, 0, 1, 1, 0,
                             1, 1, 1, 0, 0, 0, 0, 1]
        let compliance = NMCompliance.measure(mask: mask, shape: [2, 8], n: 2, m: 4)
        XCTAssertEqual(compliance, NMCompliance(n: 2, m: 4, groupCount: 4, compliantGroupCount: 3))
        XCTAssertFalse(compliance.isCompliant)
        XCTAssertEqual(compliance.fraction, 0.75)
        XCTAssertEqual(compliance.pattern, "2:4")
        XCTAssertTrue(NMCompliance.measure(mask: mask, shape: [2, 8], n: 3, m: 4).isCompliant)
    }

    func testConvolutionGroupsRunAlongInputChannelsAtEachTap() {
        // [out 1, in 4, 1x2]: index = (i * 2 + tap). Tap 0 keeps channels 0,1 (complies); tap 1 keeps 0,1,2 (does not).
        var mask = [Float](repeating: 0, count: 8)
        for channel in [0, 1] { mask[channel * 2] = 1 }
        for channel in [0, 1, 2] { mask[channel * 2 + 1] = 1 }
        XCTAssertEqual(NMCompliance.measure(mask: mask, shape: [1, 4, 1, 2], n: 2, m: 4),
                       NMCompliance(n: 2, m: 4, groupCount: 2, compliantGroupCount: 1))
    }

    func testShortLastGroupAndZeroGroups() {
        // 6 inputs: groups of 4 and 2; the short one keeps 2, which complies with 2:4.
        XCTAssertEqual(NMCompliance.measure(mask: [1, 1, 0, 0, 1, 1], shape: [1, 6], n: 2, m: 4),
                       NMCompliance(n: 2, m: 4, groupCount: 2, compliantGroupCount: 2))
        XCTAssertEqual(NMCompliance.measure(mask: [], shape: [0, 4], n: 2, m: 4).fraction, 1)
    }
}
