import TUI
import XCTest

/// Shared checks for the data widgets: they draw only inside their rect, survive tiny
/// rects, and work with every glyph set and the monochrome theme.
enum WidgetTestSupport {
    static let monochrome = Theme(name: "mono", isMonochrome: true, colors: Theme.fallback.colors,
                                  gradients: Theme.fallback.gradients)
    static let sentinel = Cell("~", style: CellStyle(underline: true))
    static let variants: [(Theme, Glyphs)] = [(.fallback, .unicode), (.fallback, .ascii), (monochrome, .unicode), (monochrome, .ascii)]

    /// Draws into a screen filled with a sentinel and fails on any changed cell outside `rect`.
    static func assertDrawsOnlyInside(_ rect: Rect, screenWidth: Int = 40, screenHeight: Int = 16,
                                      file: StaticString = #filePath, line: UInt = #line,
                                      draw: (inout Screen, Rect) -> Void) {
        var screen = Screen(width: screenWidth, height: screenHeight)
        screen.fill(screen.bounds, with: sentinel)
        draw(&screen, rect)
        for y in 0..<screenHeight {
            for x in 0..<screenWidth where !rect.contains(x: x, y: y) && screen[x, y] != sentinel {
                XCTFail("drew at (\(x), \(y)) outside \(rect)", file: file, line: line)
                return
            }
        }
    }

    /// Every variant at tiny sizes (0x0 up to 3x3, at an offset and at the screen's edge)
    /// and a normal one: no crash and nothing outside.
    static func assertRobust(file: StaticString = #filePath, line: UInt = #line,
                             draw: (inout Screen, Rect, Theme, Glyphs) -> Void) {
        var rects = [Rect(x: 3, y: 2, width: 30, height: 10), Rect(x: 35, y: 12, width: 10, height: 10)]
        for width in 0...3 { for height in 0...3 { rects.append(Rect(x: 5, y: 4, width: width, height: height)) } }
        for (theme, glyphs) in variants {
            for rect in rects {
                assertDrawsOnlyInside(rect, file: file, line: line) { screen, rect in draw(&screen, rect, theme, glyphs) }
            }
        }
    }

    /// Rows of the screen's text inside `rect`.
    static func text(_ screen: Screen, _ rect: Rect) -> [String] {
        (rect.y..<rect.maxY).map { y in String((rect.x..<rect.maxX).map { screen[$0, y].character }) }
    }
}
