import DashboardModel
import XCTest

final class FramePacingTests: XCTestCase {
    func testCheapFramesKeepTheRateAndCostlyOnesKeepTheirShare() {
        var pacing = FramePacing(framesPerSecond: 5, maximumShare: 0.1)
        XCTAssertTrue(pacing.isDue(at: 0), "the first frame is due at once")
        pacing.computed(startedAt: 10, cost: 0.002)
        XCTAssertFalse(pacing.isDue(at: 10.19))
        XCTAssertTrue(pacing.isDue(at: 10.2), "a 2 ms frame: the next one 0.2 s later (5 frames/s)")
        pacing.computed(startedAt: 20, cost: 0.4)
        XCTAssertFalse(pacing.isDue(at: 23.99))
        XCTAssertTrue(pacing.isDue(at: 24), "a 0.4 s frame: the next 4 s later, so frames take a tenth of the time")
        XCTAssertEqual(pacing.lastCost, 0.4)
        XCTAssertEqual(pacing.interval(afterFrameOf: 0.05), 0.5, accuracy: 1e-12)
    }
}
