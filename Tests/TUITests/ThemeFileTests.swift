import Foundation
import TUI
import XCTest

final class ThemeFileTests: XCTestCase {
    private func parse(_ text: String, name: String = "x") throws -> ThemeFile {
        try ThemeFile(text: text, name: name, source: "themes/x.theme")
    }

    func testEveryColourFormAndComments() throws {
        let file = try parse("""
            # a comment
               # an indented comment

            theme[main_fg]="#1A2b3C"
            theme[title]="#ff"
            theme[hi_fg]="10 20 255"
            theme[kept_fg] = "#00"   # trailing comment
            theme[pruned_fg]=#123456
            theme[loss_fg]="  7   8\t9 "
            """)
        XCTAssertEqual(file.diagnostics, [])
        let colors = file.theme.colors
        XCTAssertEqual(colors[.foreground], Color(0x1A, 0x2B, 0x3C))
        XCTAssertEqual(colors[.title], Color(255, 255, 255))
        XCTAssertEqual(colors[.highlight], Color(10, 20, 255))
        XCTAssertEqual(colors[.kept], Color(0, 0, 0))
        XCTAssertEqual(colors[.pruned], Color(0x12, 0x34, 0x56))
        XCTAssertEqual(colors[.loss], Color(7, 8, 9))
        // Keys the file leaves out keep the fallback's colours.
        XCTAssertEqual(colors[.accuracy], Theme.fallback.colors[.accuracy])
        XCTAssertEqual(file.theme.gradients, Theme.fallback.gradients)
        XCTAssertFalse(file.theme.isMonochrome)
    }

    func testEmptyMainBackgroundMeansTerminalDefaultAndMonochromeFlag() throws {
        let file = try parse("theme[main_bg]=\"\"\r\ntheme[monochrome]=\"true\"\r\n")
        XCTAssertEqual(file.diagnostics, [])
        XCTAssertNil(file.theme.colors[.background])
        XCTAssertTrue(file.theme.isMonochrome)
        XCTAssertNil(file.theme.color(.foreground))
    }

    func testGradientsWithAndWithoutMiddle() throws {
        let file = try parse("""
            theme[density_start]="#00"
            theme[density_mid]="#80"
            theme[density_end]="#ff"
            theme[magnitude_start]="#000000"
            theme[magnitude_mid]=""
            theme[magnitude_end]="#ffffff"
            theme[accuracy_start]="255 0 0"
            theme[accuracy_mid]=""
            theme[accuracy_end]=""
            """)
        XCTAssertEqual(file.diagnostics, [])
        let density = try XCTUnwrap(file.theme.gradient(.density))
        XCTAssertEqual(density, Theme.Gradient(start: Color(0, 0, 0), middle: Color(128, 128, 128), end: Color(255, 255, 255)))
        XCTAssertEqual(density.color(at: 0.25), Color(64, 64, 64))
        let magnitude = try XCTUnwrap(file.theme.gradient(.magnitude))
        XCTAssertNil(magnitude.middle)
        XCTAssertEqual(magnitude.color(at: 0.5), Color(128, 128, 128))
        // Start alone: a single colour.
        XCTAssertEqual(file.theme.gradient(.accuracy)?.color(at: 0.7), Color(255, 0, 0))
    }

    func testSeveralBadLinesReportedWithLineNumbersWhileGoodLinesLoad() throws {
        let file = try parse("""
            # header
            theme[main_fg]="#zzzzzz"
            theme[title]="#ee"
            this is not a theme line
            theme[hi_fg]="300 0 0"
            theme[kept_fg]="#4fc3f7
            theme[pruned_fg]="#abc"
            """)
        XCTAssertEqual(file.diagnostics.map(\.line), [2, 4, 5, 6, 7])
        XCTAssertEqual(file.diagnostics[1].description,
                       "themes/x.theme:4: expected theme[key]=\"#RRGGBB\", found `this is not a theme line`")
        XCTAssertTrue(file.diagnostics[0].description.hasPrefix("themes/x.theme:2: expected \"#RRGGBB\" or \"#GG\""),
                      file.diagnostics[0].description)
        XCTAssertTrue(file.diagnostics[2].message.contains("0 to 255"), file.diagnostics[2].message)
        XCTAssertTrue(file.diagnostics[3].message.contains("quoted value"), file.diagnostics[3].message)
        XCTAssertEqual(file.theme.colors[.title], Color(0xEE, 0xEE, 0xEE))
        XCTAssertEqual(file.theme.colors[.foreground], Theme.fallback.colors[.foreground])
    }

    func testUnknownKeySuggestsCloseKeyAndBtopKeysAreAccepted() throws {
        let file = try parse("""
            theme[kept_fgg]="#ff"
            theme[densty_start]="#ff"
            theme[zzzzzzzzzzzz]="#ff"
            theme[cpu_box]="#556d59"
            theme[temp_start]="#4897d4"
            """)
        XCTAssertEqual(file.diagnostics.map(\.line), [1, 2, 3])
        XCTAssertEqual(file.diagnostics[0].message, "unknown key `kept_fgg`; did you mean `kept_fg`?")
        XCTAssertEqual(file.diagnostics[1].message, "unknown key `densty_start`; did you mean `density_start`?")
        XCTAssertEqual(file.diagnostics[2].message, "unknown key `zzzzzzzzzzzz`")
    }

    func testDuplicateKeyAndLoneGradientEndAreReported() throws {
        let file = try parse("theme[title]=\"#10\"\ntheme[title]=\"#20\"\ntheme[density_end]=\"#ff\"\n")
        XCTAssertEqual(file.diagnostics.map(\.line), [2, 3])
        XCTAssertEqual(file.theme.colors[.title], Color(0x20, 0x20, 0x20))
        XCTAssertEqual(file.theme.gradients[.density], Theme.fallback.gradients[.density])
    }

    func testFilesOverTheSizeLimitAreRefused() throws {
        let big = String(repeating: "# padding padding padding padding padding padding padding padding\n", count: 1100)
        XCTAssertGreaterThan(big.utf8.count, ThemeFile.maximumBytes)
        XCTAssertThrowsError(try parse(big)) { error in
            guard case ThemeFile.LoadError.tooLarge(source: "themes/x.theme", bytes: big.utf8.count) = error else {
                return XCTFail("\(error)")
            }
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("prunetop-big-\(getpid()).theme")
        try Data(big.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try ThemeFile(contentsOf: url, source: "big.theme")) { error in
            XCTAssertEqual("\(error)", "big.theme: \(big.utf8.count) bytes is too large for a theme file (limit 65536 bytes)")
        }
    }

    func testNamesAndEchoedTextAreFreeOfControlCharacters() throws {
        let file = try ThemeFile(text: "theme[\u{1B}[31m]=\"x\"\nbad\u{1B}]0;title\u{07} line\n", name: "evil\u{1B}[2J\u{9B}name",
                                 source: "x.theme")
        XCTAssertEqual(file.theme.name, "evil[2Jname")
        XCTAssertEqual(file.diagnostics.count, 2)
        for diagnostic in file.diagnostics {
            XCTAssertFalse(diagnostic.description.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) },
                           diagnostic.description)
        }
    }

    func testBtopThemeLoadsWithItsStandardKeysMapped() throws {
        // An excerpt in the style of btop's themes/nord.theme, including keys prunetop ignores.
        let file = try parse("""
            #Bashtop theme with nord palette
            theme[main_bg]="#2E3440"
            theme[main_fg]="#D8DEE9"
            theme[title]="#8FBCBB"
            theme[hi_fg]="#5E81AC"
            theme[selected_bg]="#4C566A"
            theme[selected_fg]="#ECEFF4"
            theme[inactive_fg]="#4C566A"
            theme[proc_misc]="#5E81AC"
            theme[div_line]="#4C566A"
            theme[cpu_start]="#81A1C1"
            theme[cpu_mid]=""
            theme[cpu_end]="#ECEFF4"
            """, name: "nord")
        XCTAssertEqual(file.diagnostics, [])
        XCTAssertEqual(file.theme.name, "nord")
        XCTAssertEqual(file.theme.colors[.background], Color(0x2E, 0x34, 0x40))
        XCTAssertEqual(file.theme.colors[.highlight], Color(0x5E, 0x81, 0xAC))
        XCTAssertEqual(file.theme.colors[.selectedBackground], Color(0x4C, 0x56, 0x6A))
        XCTAssertEqual(file.theme.colors[.frame], Color(0x4C, 0x56, 0x6A))
        XCTAssertEqual(file.theme.colors[.kept], Theme.fallback.colors[.kept])
    }
}
