import TUI
import XCTest

final class HelpOverlayTests: XCTestCase {
    private func render(width: Int = 80, height: Int = 24, glyphs: Glyphs = .unicode) -> Screen {
        var screen = Screen(width: width, height: height)
        screen.fill(screen.bounds, with: Cell("~"))
        HelpOverlay().render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: glyphs)
        return screen
    }

    func testEveryKeyOfTheIssueIsListed() {
        let keys = KeyBindings.help(.unicode).map(\.keys)
        XCTAssertEqual(keys, ["q", "? h", "space", "s", "Tab S-Tab", "arrows", "↑/↓", "+ - ←/→", "Enter", "< >", "m u", "l L 1-9",
                              "e", "g", "d", "i", "r", "t", "S", "mouse"])
        let screen = render()
        let text = screen.lines.joined(separator: "\n")
        for entry in KeyBindings.help(.unicode) {
            XCTAssertTrue(screen.lines.contains { $0.contains(entry.keys) && $0.contains(entry.action) }, "\(entry.keys) \(entry.action)")
        }
        for phrase in ["quit", "help", "pause / resume", "single step", "method / undo switch", "layer next, back, 1-9", "input-pixel map", "error / accuracy",
                       "log histogram", "rewind", "cycle theme", "save checkpoint", "click picks, wheel turns", "slower / faster (pace)"] {
            XCTAssertTrue(text.contains(phrase), phrase)
        }
    }

    func testAReplayListsItsOwnKeysNotTheLiveRunsKnobs() {
        var screen = Screen(width: 80, height: 24)
        HelpOverlay(replay: true).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        let text = screen.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Help (replay)"))
        XCTAssertTrue(screen.lines.contains { $0.contains("< > + -") && $0.contains("slower / faster") })
        XCTAssertTrue(screen.lines.contains { $0.contains("s ") && $0.contains("next recorded moment") })
        for live in ["Enter", "undo switch", "rewind", "save checkpoint"] { XCTAssertFalse(text.contains(live), live) }
    }

    func testCentredFramedBoxFitsEightyByTwentyFour() {
        let screen = render()
        let box = HelpOverlay.frame(in: screen.bounds, glyphs: .unicode)
        XCTAssertEqual(box, Rect(x: 20, y: 0, width: 39, height: 24))
        XCTAssertEqual(screen.text(row: 0), String(repeating: "~", count: 20) + "╭─ Help " + String(repeating: "─", count: 30) + "╮" + String(repeating: "~", count: 21))
        XCTAssertEqual(screen.text(row: 1), String(repeating: "~", count: 20) + "│ q          quit (asks if running)   │" + String(repeating: "~", count: 21))
        XCTAssertEqual(screen.text(row: 22), String(repeating: "~", count: 20) + "│    : commands b layers o options    │" + String(repeating: "~", count: 21))
        XCTAssertEqual(screen.text(row: 23).filter { $0 != "~" }.first, "╰")
        XCTAssertEqual(screen[22, 1].style.foreground, Theme.fallback.color(.highlight), "keys are highlighted")
        XCTAssertTrue(screen[22, 1].style.bold)
    }

    func testBiggerScreensCentreAndShortOnesUseTwoColumns() {
        let big = HelpOverlay.frame(in: Rect(x: 0, y: 0, width: 200, height: 60), glyphs: .unicode)
        XCTAssertEqual(big, Rect(x: 80, y: 18, width: 39, height: 24))
        let short = render(width: 100, height: 16, glyphs: .ascii)
        let box = HelpOverlay.frame(in: short.bounds, glyphs: .ascii)
        XCTAssertEqual(box.height, 14)
        XCTAssertTrue(short.lines.contains { $0.contains("| q               quit") && $0.contains(" m u             method / undo switch") })
        XCTAssertTrue(short.lines.contains { $0.contains("| + - left/right  change the selected knob") })
    }

    func testTinyAreasDoNotCrashOrSpill() {
        for size in [(1, 1), (5, 3), (20, 6)] {
            let screen = render(width: size.0, height: size.1, glyphs: .ascii)
            XCTAssertEqual(screen.width, size.0)
        }
    }
}
