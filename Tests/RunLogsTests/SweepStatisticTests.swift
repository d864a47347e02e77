import RunLogs
import XCTest

final class SweepStatisticTests: XCTestCase {
    func testTheDeviationIsTheSampleOneAndEqualValuesHaveNone() throws {
        let two = try XCTUnwrap(SweepStatistic([0.8, 0.9]))
        XCTAssertEqual(two.mean, 0.85, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(two.standardDeviation), 0.1 / 2.0.squareRoot(), accuracy: 1e-15, "n - 1 in the denominator")
        XCTAssertEqual(two.count, 2)
        let same = try XCTUnwrap(SweepStatistic([0.95, 0.95, 0.95]))
        XCTAssertEqual(same.mean, 0.95, "exactly the value, not its sum divided back")
        XCTAssertEqual(same.standardDeviation, 0)
        XCTAssertNil(try XCTUnwrap(SweepStatistic([0.7])).standardDeviation, "one run has no spread to estimate")
        XCTAssertNil(SweepStatistic([]))
    }
}
