import TUI
import XCTest

final class BrailleCanvasTests: XCTestCase {
    func testDotsAndLinesBecomeBrailleCells() {
        var canvas = BrailleCanvas(width: 2, height: 1)
        XCTAssertEqual(canvas.pixelWidth, 4)
        XCTAssertEqual(canvas.pixelHeight, 4)
        canvas.line(from: (x: 0, y: 0), to: (x: 3, y: 3))
        var screen = Screen(width: 2, height: 1)
        canvas.draw(into: &screen, x: 0, y: 0, clip: screen.bounds, glyphs: .unicode)
        XCTAssertEqual(screen.lines, ["⠑⢄"])
        var ascii = Screen(width: 2, height: 1)
        canvas.draw(into: &ascii, x: 0, y: 0, clip: ascii.bounds, glyphs: .ascii)
        XCTAssertEqual(ascii.lines, ["'."])
        XCTAssertEqual(BrailleCanvas.character(0xFF, glyphs: .ascii), ":")
    }

    func testDrawWritesOnlyDottedCellsKeepsBackgroundsAndClips() {
        var canvas = BrailleCanvas(width: 3, height: 2)
        let red = Color(255, 0, 0), blue = Color(0, 0, 255)
        canvas.set(x: 0, y: 0, color: red)
        canvas.set(x: 1, y: 0, color: blue)
        canvas.set(x: 5, y: 7, color: red)
        canvas.set(x: 6, y: 0)
        canvas.set(x: -1, y: 2)
        XCTAssertEqual(canvas.dots(x: 0, y: 0), 0x09)
        var screen = Screen(width: 4, height: 3)
        screen.fill(screen.bounds, with: Cell("x", style: CellStyle(background: Color(1, 2, 3))))
        canvas.draw(into: &screen, x: 1, y: 1, clip: Rect(x: 0, y: 0, width: 3, height: 3), glyphs: .unicode)
        XCTAssertEqual(screen.lines, ["xxxx", "x⠉xx", "xxxx"], "the dot in column 3 is clipped")
        XCTAssertEqual(screen[1, 1].style.foreground, blue, "the last colour set in a cell wins")
        XCTAssertEqual(screen[1, 1].style.background, Color(1, 2, 3))
    }

    func testADegenerateCanvasIsHarmless() {
        var canvas = BrailleCanvas(width: 0, height: -2)
        canvas.line(from: (x: 0, y: 0), to: (x: 5, y: 5))
        WidgetTestSupport.assertDrawsOnlyInside(Rect(x: 1, y: 1, width: 0, height: 0)) { screen, rect in
            canvas.draw(into: &screen, x: rect.x, y: rect.y, clip: rect, glyphs: .unicode)
        }
        var small = BrailleCanvas(width: 2, height: 2)
        small.line(from: (x: 0, y: 0), to: (x: 3, y: 7))
        WidgetTestSupport.assertDrawsOnlyInside(Rect(x: 38, y: 15, width: 2, height: 1)) { screen, rect in
            small.draw(into: &screen, x: rect.x, y: rect.y, clip: rect, glyphs: .ascii)
        }
    }
}
