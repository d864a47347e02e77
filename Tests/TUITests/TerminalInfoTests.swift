import TUI
import XCTest

final class TerminalInfoTests: XCTestCase {
    func testColourSupportFromTerminfoAndCOLORTERM() {
        XCTAssertEqual(TerminalInfo.colorSupport(terminfoColors: 256, environment: ["COLORTERM": "truecolor"]), .truecolor)
        XCTAssertEqual(TerminalInfo.colorSupport(terminfoColors: 8, environment: ["COLORTERM": "24bit"]), .truecolor)
        XCTAssertEqual(TerminalInfo.colorSupport(terminfoColors: 256, environment: [:]), .palette256)
        XCTAssertEqual(TerminalInfo.colorSupport(terminfoColors: 8, environment: [:]), .basic16)
        XCTAssertEqual(TerminalInfo.colorSupport(terminfoColors: -1, environment: [:]), .none)
    }

    func testReadsTheRealTerminfoDatabase() {
        // xterm-256color and vt100 ship with ncurses-base on every Debian system.
        XCTAssertEqual(TerminalInfo.current(environment: ["TERM": "xterm-256color"]).colors, .palette256)
        XCTAssertEqual(TerminalInfo.current(environment: ["TERM": "vt100"]).colors, .none)
        XCTAssertEqual(TerminalInfo.current(environment: ["TERM": "no-such-terminal-type"]).colors, .none)
        XCTAssertTrue(TerminalInfo.current(environment: ["TERM": "xterm", "NO_COLOR": "1"]).noColorRequested)
        XCTAssertFalse(TerminalInfo.current(environment: ["TERM": "xterm", "NO_COLOR": ""]).noColorRequested)
    }

    /// The dashboard draws only where terminfo can move the cursor (ncurses-base ships dumb,
    /// vt100 and xterm-256color); elsewhere it says why and what to do instead.
    func testTheDashboardIsRefusedOnATerminalThatCannotMoveTheCursor() throws {
        XCTAssertNil(TerminalInfo.dashboardRefusal(term: "xterm-256color"))
        XCTAssertNil(TerminalInfo.dashboardRefusal(term: "vt100"))
        let dumb = try XCTUnwrap(TerminalInfo.dashboardRefusal(term: "dumb"))
        XCTAssertTrue(dumb.hasPrefix("TERM=dumb cannot move the cursor, which the dashboard needs; set TERM"), dumb)
        XCTAssertTrue(dumb.contains("`prunetop run`"), dumb)
        XCTAssertTrue(try XCTUnwrap(TerminalInfo.dashboardRefusal(term: "no-such-terminal-type")).hasPrefix(
            "TERM=no-such-terminal-type has no terminfo entry"))
        XCTAssertTrue(try XCTUnwrap(TerminalInfo.dashboardRefusal(term: nil)).hasPrefix("the dashboard needs TERM"))
        XCTAssertNotNil(TerminalInfo.dashboardRefusal(term: ""))
    }
}
