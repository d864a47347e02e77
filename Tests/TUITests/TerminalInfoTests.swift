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
}
