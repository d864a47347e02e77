import Foundation
import TUI
import XCTest

final class TooSmallViewTests: XCTestCase {
    func testOneLineWhenWideEnough() {
        var screen = Screen(width: 79, height: 23)
        TooSmallView().render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        let message = "resize to at least 80x24 (now 79x23)"
        XCTAssertEqual(screen.text(row: 11), String(repeating: " ", count: 21) + message + String(repeating: " ", count: 22))
        XCTAssertEqual(screen.lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count, 1)
        XCTAssertEqual(screen[21, 11].style.foreground, Theme.fallback.color(.warning))
        XCTAssertTrue(screen[21, 11].style.bold)
    }

    func testWrapsAndCentresInTenByFive() {
        var screen = Screen(width: 10, height: 5)
        TooSmallView().render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.lines, [
            "resize to ",
            " at least ",
            "80x24 (now",
            "  10x5)   ",
            "          ",
        ])
    }

    func testShorterWordingsDownToOneByOne() {
        XCTAssertEqual(TooSmallView.lines(width: 12, height: 1), ["need 80x24"])
        XCTAssertEqual(TooSmallView.lines(width: 5, height: 1), ["80x24"])
        var tiny = Screen(width: 1, height: 1)
        TooSmallView().render(into: &tiny, area: tiny.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(tiny.lines, ["!"])
        var empty = Screen(width: 0, height: 0)
        TooSmallView().render(into: &empty, area: empty.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(empty.lines, [])
    }

    func testMonochromeKeepsBold() {
        var screen = Screen(width: 40, height: 3)
        let mono = Theme(name: "mono", isMonochrome: true, colors: Theme.fallback.colors, gradients: [:])
        TooSmallView().render(into: &screen, area: screen.bounds, theme: mono, glyphs: .unicode)
        XCTAssertNil(screen[2, 1].style.foreground)
        XCTAssertTrue(screen[2, 1].style.bold)
    }
}
