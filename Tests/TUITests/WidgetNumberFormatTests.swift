@testable import TUI
import XCTest

final class WidgetNumberFormatTests: XCTestCase {
    /// A FLOP cut of 99.8% read "−100%" in the short form: nothing is cut by 100% unless all is.
    func testPercentNeverRoundsToAllOrNothingWhenItIsNeither() {
        XCTAssertEqual(WidgetNumberFormat.percent(0.998, digits: 0), ">99%")
        XCTAssertEqual(WidgetNumberFormat.percent(0.998), "99.8%")
        XCTAssertEqual(WidgetNumberFormat.percent(0.9996), ">99.9%")
        XCTAssertEqual(WidgetNumberFormat.percent(1, digits: 0), "100%")
        XCTAssertEqual(WidgetNumberFormat.percent(0.002, digits: 0), "<1%")
        XCTAssertEqual(WidgetNumberFormat.percent(0), "0.0%")
        XCTAssertEqual(WidgetNumberFormat.percent(0.9, digits: 0), "90%")
        XCTAssertEqual(WidgetNumberFormat.percent(.nan), "n/a")
    }
}
