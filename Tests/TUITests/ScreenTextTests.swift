import TUI
import XCTest

/// The one-shot frames' serializer, cell by cell: glyphs, styles at each depth, wide characters,
/// braille, trailing blanks.
final class ScreenTextTests: XCTestCase {
    private let red = Color(255, 0, 0), blue = Color(0, 0, 255)

    func testPlainTextKeepsEveryGlyphAndTrimsTrailingSpaces() {
        var screen = Screen(width: 8, height: 3)
        screen.put("╭─ ab", x: 0, y: 0, style: CellStyle(foreground: red, bold: true))
        screen[7, 1] = Cell("\u{2847}")  // braille: one column
        screen.put("x  ", x: 2, y: 2)
        XCTAssertEqual(ScreenText.plain(screen), "╭─ ab\n       \u{2847}\n  x\n")
    }

    func testAWideCharacterCoversTheCellAfterIt() {
        var screen = Screen(width: 6, height: 1)
        screen.put("a界bc", x: 0, y: 0)  // the widget wrote 界 into one cell and b into the next
        XCTAssertEqual(ScreenText.plain(screen), "a界c\n", "b sits under 界's second column, as on a terminal")
        var edge = Screen(width: 3, height: 1)
        edge.put("ab界", x: 0, y: 0)
        XCTAssertEqual(ScreenText.plain(edge), "ab界\n", "a wide character in the last column is written")
    }

    func testANSIWritesOneEscapePerChangeOfStyleAndResetsEachRow() {
        var screen = Screen(width: 5, height: 2)
        screen.put("ab", x: 0, y: 0, style: CellStyle(foreground: red))
        screen.put("c", x: 2, y: 0, style: CellStyle(foreground: red, background: blue, bold: true, underline: true))
        screen.put("d", x: 0, y: 1, style: CellStyle(dim: true, reverse: true))
        XCTAssertEqual(ScreenText.ansi(screen, depth: .truecolor),
                       "\u{1B}[0;38;2;255;0;0mab\u{1B}[0;1;4;38;2;255;0;0;48;2;0;0;255mc\u{1B}[0m\n"
                       + "\u{1B}[0;2;7md\u{1B}[0m\n")
        XCTAssertEqual(ScreenText.ansi(screen, depth: .palette256).split(separator: "\n").first,
                       "\u{1B}[0;38;5;196mab\u{1B}[0;1;4;38;5;196;48;5;21mc\u{1B}[0m")
        // Basic 16: 30-37 and 90-97 (bright) for the foreground, 40-47 and 100-107 for the background.
        XCTAssertEqual(ScreenText.ansi(screen, depth: .basic16).split(separator: "\n").first,
                       "\u{1B}[0;91mab\u{1B}[0;1;4;91;104mc\u{1B}[0m", "pure red and blue are the bright ones")
        XCTAssertEqual(ScreenText.ansi(screen, depth: .none).split(separator: "\n").first,
                       "\u{1B}[0mab\u{1B}[0;1;4mc\u{1B}[0m", "no colour: attributes only")
    }

    func testANSIKeepsTrailingBlanksThatShowSomething() {
        var screen = Screen(width: 6, height: 3)
        screen.put("a", x: 0, y: 0)
        screen.fill(Rect(x: 0, y: 1, width: 6, height: 1), with: Cell(" ", style: CellStyle(background: blue)))
        screen.put("b", x: 0, y: 2, style: CellStyle(reverse: true))
        screen.put(" ", x: 1, y: 2, style: CellStyle(reverse: true))
        let rows = ScreenText.ansi(screen, depth: .truecolor).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(rows[0], "\u{1B}[0ma\u{1B}[0m", "plain trailing spaces trimmed")
        XCTAssertEqual(rows[1], "\u{1B}[0;48;2;0;0;255m      \u{1B}[0m", "a background shows: kept")
        XCTAssertEqual(rows[2], "\u{1B}[0;7mb \u{1B}[0m", "a reversed blank shows: kept")
        XCTAssertEqual(ScreenText.ansi(screen, depth: .none).split(separator: "\n", omittingEmptySubsequences: false)[1], "",
                       "without colour the background shows nothing: trimmed, no escape for an empty row")
    }

    func testFrameColoringFollowsStdoutNoColorAndTheChoice() {
        func terminal(_ colors: TerminalInfo.ColorSupport, noColor: Bool = false) -> TerminalInfo {
            TerminalInfo(term: "xterm", isTerminal: true, columns: 80, rows: 24, characterEncoding: "UTF-8", colors: colors,
                         noColorRequested: noColor)
        }
        XCTAssertEqual(FrameColoring.resolve(.auto, stdoutIsTerminal: true, terminal: terminal(.palette256)), .ansi(.palette256))
        XCTAssertEqual(FrameColoring.resolve(.auto, stdoutIsTerminal: false, terminal: terminal(.truecolor)), .plain, "a pipe")
        XCTAssertEqual(FrameColoring.resolve(.auto, stdoutIsTerminal: true, terminal: terminal(.truecolor, noColor: true)), .plain)
        XCTAssertEqual(FrameColoring.resolve(.always, stdoutIsTerminal: false, terminal: terminal(.truecolor, noColor: true)),
                       .ansi(.truecolor), "an explicit flag wins over NO_COLOR")
        XCTAssertEqual(FrameColoring.resolve(.always, stdoutIsTerminal: false, terminal: terminal(.none)), .ansi(.palette256))
        XCTAssertEqual(FrameColoring.resolve(.never, stdoutIsTerminal: true, terminal: terminal(.truecolor)), .plain)
        XCTAssertEqual(FrameColoring.resolve(.basic16, stdoutIsTerminal: false, terminal: terminal(.none)), .ansi(.basic16))
        XCTAssertEqual(FrameColoring.plain.dashboardChoice, .none, "a plain frame is drawn in the monochrome theme")
        XCTAssertEqual(FrameColoring.ansi(.palette256).dashboardChoice, .palette256)
    }
}
