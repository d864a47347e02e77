import TUI
import XCTest

final class ColorDepthTests: XCTestCase {
    private func terminal(_ colors: TerminalInfo.ColorSupport, noColor: Bool = false) -> TerminalInfo {
        TerminalInfo(term: "xterm", isTerminal: true, columns: 80, rows: 24, characterEncoding: "UTF-8",
                     colors: colors, noColorRequested: noColor)
    }

    func testPalette256MapsToCubeAndGreyRamp() {
        XCTAssertEqual(ColorDepth.nearestPalette256(Color(0, 0, 0)), 16)
        XCTAssertEqual(ColorDepth.nearestPalette256(Color(255, 255, 255)), 231)
        XCTAssertEqual(ColorDepth.nearestPalette256(Color(255, 0, 0)), 196)
        XCTAssertEqual(ColorDepth.nearestPalette256(Color(0, 0x87, 0xFF)), 33)
        XCTAssertEqual(ColorDepth.nearestPalette256(Color(0x80, 0x80, 0x80)), 244)  // grey 128
        XCTAssertEqual(ColorDepth.nearestPalette256(Color(0x12, 0x12, 0x12)), 233)  // grey 18
        XCTAssertEqual(ColorDepth.nearestPalette256(Color(0xE5, 0x73, 0x73)), 167)  // (215, 95, 95)
        // Every palette entry maps to itself or to an entry of the same colour.
        for index in 16...255 {
            let color = ColorDepth.palette256Color(index)!
            XCTAssertEqual(ColorDepth.palette256Color(ColorDepth.nearestPalette256(color)), color, "index \(index)")
        }
        XCTAssertNil(ColorDepth.palette256Color(7))
    }

    func testBasic16MapsByHueAndLightness() {
        XCTAssertEqual(ColorDepth.nearestBasic16(Color(0x10, 0x12, 0x18)), 0)   // near black
        XCTAssertEqual(ColorDepth.nearestBasic16(Color(0x50, 0x58, 0x68)), 8)   // dark grey
        XCTAssertEqual(ColorDepth.nearestBasic16(Color(0xCC, 0xCC, 0xCC)), 7)
        XCTAssertEqual(ColorDepth.nearestBasic16(Color(0xFF, 0xFF, 0xFF)), 15)
        XCTAssertEqual(ColorDepth.nearestBasic16(Color(0xCD, 0, 0)), 1)
        XCTAssertEqual(ColorDepth.nearestBasic16(Color(0xE5, 0x73, 0x73)), 9)    // salmon: bright red, not grey
        XCTAssertEqual(ColorDepth.nearestBasic16(Color(0x4F, 0xC3, 0xF7)), 14)   // light blue: bright cyan
        XCTAssertEqual(ColorDepth.nearestBasic16(Color(0x1E, 0x88, 0xE5)), 4)
        XCTAssertEqual(ColorDepth.nearestBasic16(Color(0x00, 0x80, 0x00)), 2)
        XCTAssertEqual(ColorDepth.nearestBasic16(Color(0xFF, 0xB7, 0x4D)), 11)   // orange: bright yellow
        XCTAssertEqual(ColorDepth.nearestBasic16(Color(0x8E, 0x24, 0xAA)), 5)
        XCTAssertEqual(ColorDepth.nearestBasic16(Color(0xE5, 0x73, 0xE5)), 13)
        XCTAssertEqual(ColorDepth.nearestBasic16(Color(0xFF, 0x00, 0x20)), 9)    // hue near 360: red
    }

    func testTerminalColourPerDepth() {
        let salmon = Color(0xE5, 0x73, 0x73)
        XCTAssertEqual(ColorDepth.truecolor.terminalColor(for: salmon), .rgb(salmon))
        XCTAssertEqual(ColorDepth.palette256.terminalColor(for: salmon), .indexed(167))
        XCTAssertEqual(ColorDepth.basic16.terminalColor(for: salmon), .indexed(9))
        XCTAssertNil(ColorDepth.none.terminalColor(for: salmon))
        XCTAssertNil(ColorDepth.truecolor.terminalColor(for: nil))
    }

    func testColourChoiceAndNoColor() {
        XCTAssertEqual(ColorDepth.Choice(argument: "auto"), .auto)
        XCTAssertEqual(ColorDepth.Choice(argument: "256"), .palette256)
        XCTAssertEqual(ColorDepth.Choice(argument: "16"), .basic16)
        XCTAssertEqual(ColorDepth.Choice(argument: "TrueColor"), .truecolor)
        XCTAssertEqual(ColorDepth.Choice(argument: "none"), ColorDepth.Choice.none)
        XCTAssertNil(ColorDepth.Choice(argument: "8"))

        XCTAssertEqual(ColorDepth.resolve(.auto, terminal: terminal(.truecolor)), .truecolor)
        XCTAssertEqual(ColorDepth.resolve(.auto, terminal: terminal(.palette256)), .palette256)
        XCTAssertEqual(ColorDepth.resolve(.auto, terminal: terminal(.basic16)), .basic16)
        XCTAssertEqual(ColorDepth.resolve(.auto, terminal: terminal(.none)), ColorDepth.none)
        XCTAssertEqual(ColorDepth.resolve(.auto, terminal: terminal(.truecolor, noColor: true)), ColorDepth.none)
        // An explicit flag wins over NO_COLOR and over what the terminal declares.
        XCTAssertEqual(ColorDepth.resolve(.palette256, terminal: terminal(.truecolor, noColor: true)), .palette256)
        XCTAssertEqual(ColorDepth.resolve(.truecolor, terminal: terminal(.basic16)), .truecolor)
        XCTAssertEqual(ColorDepth.resolve(.none, terminal: terminal(.truecolor)), ColorDepth.none)
    }

    func testNoColourDepthMakesThemesMonochrome() {
        XCTAssertTrue(ColorDepth.none.adapting(.fallback).isMonochrome)
        XCTAssertFalse(ColorDepth.basic16.adapting(.fallback).isMonochrome)
    }
}
