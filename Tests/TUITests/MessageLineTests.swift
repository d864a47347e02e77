import TUI
import XCTest

final class MessageLineTests: XCTestCase {
    func testMessageIsShownAndTruncatedToTheWidth() {
        var screen = Screen(width: 30, height: 1)
        MessageLine("target sparsity 0.90 → 0.95 at step 12,345")
            .render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.text(row: 0), " target sparsity 0.90 → 0.95 …")
        XCTAssertEqual(screen[1, 0].style.foreground, Theme.fallback.color(.highlight))
        MessageLine("short\nline").render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .ascii)
        XCTAssertEqual(screen.text(row: 0), " short line" + String(repeating: " ", count: 19))
        XCTAssertEqual(MessageLine.truncated("abcdefgh", width: 6, glyphs: .ascii), "abc...")
        MessageLine(nil).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .ascii)
        XCTAssertEqual(screen.text(row: 0), String(repeating: " ", count: 30))
    }
}
