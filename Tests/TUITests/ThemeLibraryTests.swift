import Foundation
import TUI
import XCTest

final class ThemeLibraryTests: XCTestCase {
    private var temporary: URL!

    override func setUpWithError() throws {
        temporary = FileManager.default.temporaryDirectory.appendingPathComponent("prunetop-themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: temporary)
    }

    private var repositoryThemes: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("themes")
    }

    func testEmbeddedThemesEqualTheFilesInThemesFolder() throws {
        XCTAssertEqual(ThemeLibrary.bundledNames, ["default", "light", "colorblind", "monochrome"])
        for name in ThemeLibrary.bundledNames {
            let file = try String(contentsOf: repositoryThemes.appendingPathComponent("\(name).theme"), encoding: .utf8)
            XCTAssertEqual(ThemeLibrary.bundledText(named: name), file,
                           "themes/\(name).theme differs from the embedded copy: run scripts/embed-themes.sh")
        }
    }

    func testBundledThemesParseCleanly() throws {
        let library = ThemeLibrary(environment: [:])
        XCTAssertNil(library.userDirectory)
        XCTAssertEqual(library.names, ["default", "light", "colorblind", "monochrome"])
        for name in library.names {
            let file = try library.load(named: name)
            XCTAssertEqual(file.diagnostics, [], name)
            XCTAssertEqual(file.theme.name, name)
        }
        var defaultTheme = try library.load(named: "default").theme
        defaultTheme.name = Theme.fallback.name
        XCTAssertEqual(defaultTheme, Theme.fallback, "themes/default.theme and Theme.fallback should agree")
        XCTAssertTrue(try library.load(named: "monochrome").theme.isMonochrome)
        XCTAssertNotEqual(try library.load(named: "light").theme.colors[.background], Theme.fallback.colors[.background])
    }

    func testUserDirectoryFromXDGOrHome() {
        XCTAssertEqual(ThemeLibrary.userThemeDirectory(environment: ["XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"])?.path,
                       "/x/cfg/prunetop/themes")
        XCTAssertEqual(ThemeLibrary.userThemeDirectory(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/home/u"])?.path,
                       "/home/u/.config/prunetop/themes")
        XCTAssertEqual(ThemeLibrary.userThemeDirectory(environment: ["HOME": "/home/u"])?.path, "/home/u/.config/prunetop/themes")
        XCTAssertNil(ThemeLibrary.userThemeDirectory(environment: [:]))
    }

    func testUserThemesAreListedLoadedAndOverrideBundledOnes() throws {
        let themes = temporary.appendingPathComponent("prunetop/themes")
        try FileManager.default.createDirectory(at: themes, withIntermediateDirectories: true)
        try "theme[main_fg]=\"#01\"\n".write(to: themes.appendingPathComponent("zebra.theme"), atomically: true, encoding: .utf8)
        try "theme[main_fg]=\"#02\"\nbroken\n".write(to: themes.appendingPathComponent("light.theme"), atomically: true, encoding: .utf8)
        try "x".write(to: themes.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try "theme[main_fg]=\"#03\"\n".write(to: themes.appendingPathComponent("amber.theme"), atomically: true, encoding: .utf8)

        let library = ThemeLibrary(environment: ["XDG_CONFIG_HOME": temporary.path, "HOME": "/nonexistent"])
        XCTAssertEqual(library.names, ["default", "light", "colorblind", "monochrome", "amber", "zebra"])
        guard case let .user(url)? = library.entry(named: "light")?.origin else { return XCTFail("light is not the user's") }
        XCTAssertEqual(url.path, themes.appendingPathComponent("light.theme").path)
        let light = try library.load(named: "Light.theme")
        XCTAssertEqual(light.theme.colors[.foreground], Color(2, 2, 2))
        XCTAssertEqual(light.diagnostics.map(\.description), ["\(themes.appendingPathComponent("light.theme").path):2: "
            + "expected theme[key]=\"#RRGGBB\", found `broken`"])
        XCTAssertEqual(try library.load(named: "zebra").theme.colors[.foreground], Color(1, 1, 1))
    }

    func testCycleOrderWrapsAndUnknownNamesSuggest() {
        let library = ThemeLibrary(environment: ["XDG_CONFIG_HOME": temporary.path])
        XCTAssertEqual(library.name(after: "default"), "light")
        XCTAssertEqual(library.name(after: "monochrome"), "default")
        XCTAssertEqual(library.name(after: "no-such"), "default")
        XCTAssertThrowsError(try library.load(named: "ligth")) { error in
            XCTAssertEqual("\(error)", "no theme named \"ligth\"; did you mean \"light\"? "
                + "Available: default, light, colorblind, monochrome")
        }
    }
}
