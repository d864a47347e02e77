import Foundation
import SparseKernels
import Training
import XCTest

/// The timing behind every measured speedup: with one BLAS thread it counts this thread's
/// CPU time, so time spent off the core (here: asleep) does not count.
final class InterleavedTimingTests: XCTestCase {
    func testWithOneBLASThreadTimeOffTheCoreDoesNotCount() {
        setBLASThreads(1)
        var sink = 0.0
        let times = InterleavedTiming.medianSeconds([
            { Thread.sleep(forTimeInterval: 0.004) },
            {
                // About a millisecond of arithmetic.
                for i in 0..<400_000 { sink += Double(i & 7) * 1e-9 }
            },
        ], repeats: 3, minimumSecondsPerRepeat: 0.004)
        XCTAssertGreaterThan(sink, 0)
        XCTAssertLessThan(times[0], 0.001, "a 4 ms sleep counted \(times[0]) s")
        XCTAssertGreaterThan(times[1], times[0], "the busy variant took \(times[1]) s, the sleeping one \(times[0]) s")
    }
}
