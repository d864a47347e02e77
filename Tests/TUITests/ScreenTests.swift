import TUI
import XCTest

final class ScreenTests: XCTestCase {
    func testPutClipsToTheRectAndTheScreen() {
        var screen = Screen(width: 10, height: 3)
        let end = screen.put("hello world", x: 2, y: 1, style: CellStyle(bold: true), clip: Rect(x: 0, y: 0, width: 8, height: 3))
        XCTAssertEqual(screen.lines, ["          ", "  hello   ", "          "])
        XCTAssertEqual(end, 8)
        XCTAssertTrue(screen[2, 1].style.bold)
        XCTAssertFalse(screen[1, 1].style.bold)
        screen.put("x", x: 99, y: 99)
        screen.put("abc", x: -1, y: 0)
        XCTAssertEqual(screen.text(row: 0), "bc        ")
    }

    func testControlAndEscapeCharactersCannotReachTheTerminal() {
        var screen = Screen(width: 8, height: 1)
        screen.put("a\u{1B}[2Jb\u{7}", x: 0, y: 0)
        XCTAssertEqual(screen.text(row: 0), "a\u{FFFD}[2Jb\u{FFFD} ")
    }

    func testPanelFrameTitleAndInnerRect() {
        var screen = Screen(width: 14, height: 4)
        PanelFrame(title: "Weights").render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        let inner = PanelFrame.inner(of: screen.bounds)
        XCTAssertEqual(screen.lines, ["╭─ Weights ──╮", "│            │", "│            │", "╰────────────╯"])
        XCTAssertEqual(inner, Rect(x: 1, y: 1, width: 12, height: 2))
        var ascii = Screen(width: 14, height: 3)
        PanelFrame(title: "Loss", focused: true).render(into: &ascii, area: ascii.bounds, theme: .fallback, glyphs: .ascii)
        XCTAssertEqual(ascii.lines, ["+- Loss -----+", "|            |", "+------------+"])
        XCTAssertEqual(ascii[0, 0].style.foreground, Theme.fallback.color(.highlight), "the focused frame is highlighted")
    }

    func testRectSplitsAndGradients() {
        let rect = Rect(x: 2, y: 3, width: 10, height: 6)
        XCTAssertEqual(rect.splitColumns(leftWidth: 4).right, Rect(x: 6, y: 3, width: 6, height: 6))
        XCTAssertEqual(rect.splitRows(topHeight: 9).bottom.height, 0)
        XCTAssertEqual(Color(hex: "#ff8000"), Color(255, 128, 0))
        XCTAssertEqual(Color(hex: "#40"), Color(64, 64, 64))
        XCTAssertNil(Color(hex: "#12345"))
        let gradient = Theme.Gradient(start: Color(0, 0, 0), middle: Color(100, 100, 100), end: Color(200, 0, 0))
        XCTAssertEqual(gradient.color(at: 0.25), Color(50, 50, 50))
        XCTAssertEqual(gradient.color(at: 1), Color(200, 0, 0))
        XCTAssertEqual(Glyphs.unicode.braille(0xFF), "⣿")
        XCTAssertEqual(Glyphs.unicode.braille(Glyphs.brailleBit(column: 1, row: 3)), "⢀")
    }
}
