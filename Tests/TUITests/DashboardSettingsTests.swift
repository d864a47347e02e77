import Recipes
import Training
@testable import TUI
import XCTest

final class DashboardSettingsTests: XCTestCase {
    let themes = ["default", "light", "monochrome"]

    private func problems(_ yaml: String) -> [String] {
        do {
            _ = try DashboardSettings.parse(yaml: yaml, path: "config.yaml", themeNames: themes)
            XCTFail("took \(yaml)")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    func testAFullFileBecomesTypedSettings() throws {
        let yaml = """
        # mine
        theme: light
        color: 256
        fps: 10
        pace: 50
        keys: vim
        bind:
          x: quit
          w: layer next
          "3": layer 3
        """
        let settings = try DashboardSettings.parse(yaml: yaml, path: "config.yaml", themeNames: themes)
        XCTAssertEqual(settings.theme, "light")
        XCTAssertEqual(settings.color, .palette256)
        XCTAssertEqual(settings.framesPerSecond, 10)
        XCTAssertEqual(settings.pace, RunPace(stepsPerSecond: 50))
        XCTAssertEqual(settings.keys, .vim)
        XCTAssertEqual(settings.bindings.map(\.key), ["x", "w", "3"])
        XCTAssertEqual(settings.bindings.map(\.command), [.action(.quit), .action(.nextLayer), .action(.selectLayer(2))])
        XCTAssertEqual(try DashboardSettings.parse(yaml: "# only a comment\n  \n", path: "c.yaml", themeNames: themes), DashboardSettings())
    }

    func testProblemsNameTheFileLineKeyAndWhatWasExpected() {
        XCTAssertEqual(problems("theme: neon\nfps: 100\ncolour: 16\n"), [
            "config.yaml:1:8: theme: expected one of default, light, monochrome, found 'neon'",
            "config.yaml:2:6: fps: expected a number in [1, 60], found 100",
            "config.yaml:3:1: colour: unknown setting; expected one of theme, color, fps, pace, keys, panels, bind; did you mean 'color'?",
        ])
        XCTAssertEqual(problems("pace: fast\nkeys: emacs\n"), [
            "config.yaml:1:7: pace: expected 'full' or a number > 0 and <= 100000 (steps a second), found 'fast'",
            "config.yaml:2:7: keys: expected one of default, vim, found 'emacs'",
        ])
        XCTAssertEqual(problems("bind:\n  xy: quit\n  z: targte 0.9\n  c: layer conv3\n"), [
            "config.yaml:2:3: bind.xy: expected a single character key, found 'xy'",
            "config.yaml:3:6: bind.z: expected a command of the : bar; unknown command 'targte'; did you mean 'target'? (help lists them)",
            "config.yaml:4:6: bind.c: expected a command of the : bar; layer: expected next, prev or a layer number from 1 (names need a run), found 'conv3'",
        ])
        XCTAssertEqual(problems("theme: [a, b]\n"), ["config.yaml:1:8: theme: expected a single value, found a list"])
        XCTAssertEqual(problems("- theme\n"), ["config.yaml:1:1: expected a mapping such as 'theme: light'"])
    }

    func testPanelsAreAListOfShortNames() throws {
        func panels(_ yaml: String) throws -> [PanelID]? { try DashboardSettings.parse(yaml: yaml, path: "config.yaml", themeNames: themes).panels }
        XCTAssertEqual(try panels("panels: [loss, sparsity, hill]\n"), [.sparsity, .occamsHill, .loss], "in Tab order")
        XCTAssertEqual(try panels("theme: light\npanels:\n  - knobs\n  - weights\n"), [.weights, .knobs])
        XCTAssertEqual(try panels("panels: [Loss, HILL]\n"), [.occamsHill, .loss], "names in any case, as --panels and :panel take them")
        XCTAssertNil(try panels("theme: light\n"), "unset: every panel")
        let names = "sparsity, weights, hill, speedup, loss, knobs"
        XCTAssertEqual(problems("panels: [sparsity, hil]\n"), ["config.yaml:1:20: panels: unknown panel 'hil'; expected some of \(names); did you mean 'hill'?"])
        XCTAssertEqual(problems("panels:\n  - loss\n  - knobs\n  - loss\n"), ["config.yaml:4:5: panels: 'loss' is listed twice; expected each panel once"])
        XCTAssertEqual(problems("panels: []\n"), ["config.yaml:1:9: panels: expected at least one panel (some of \(names)), found none"])
        XCTAssertEqual(problems("panels: sparsity\n"),
                       ["config.yaml:1:9: panels: expected a list of panels such as [sparsity, hill] (some of \(names)), found a value"])
        XCTAssertEqual(problems("panels: [[loss]]\n"), ["config.yaml:1:10: panels: expected a panel name (\(names)), found a list"])
    }

    /// The options screen writes `panels` as a list in place of the old one, block or not.
    func testSavingPanelsReplacesTheListAndKeepsTheRest() throws {
        var settings = DashboardSettings()
        settings.panels = [.sparsity, .occamsHill]
        let block = "theme: light\npanels:   # for class\n  - loss\n  - knobs\nbind:\n  x: quit\n"
        let saved = SettingsFile.updated(block, with: settings.values)
        XCTAssertEqual(saved, "theme: light\npanels: [sparsity, hill]  # for class\nbind:\n  x: quit\n")
        XCTAssertEqual(try DashboardSettings.parse(yaml: saved, path: "c.yaml", themeNames: themes).panels, [.sparsity, .occamsHill])
        XCTAssertEqual(SettingsFile.updated("panels:\n- loss\n\n- knobs\n\nfps: 5\n", with: settings.values),
                       "panels: [sparsity, hill]\n\nfps: 5\n", "unindented items and the blank lines between them go too")
        XCTAssertEqual(SettingsFile.updated("keys: vim\n", with: settings.values), "keys: vim\npanels: [sparsity, hill]\n", "added when missing")
        settings.panels = nil
        XCTAssertEqual(SettingsFile.updated(block, with: settings.values), block, "unset: left as written")
        // Saved from the options screen: a setting it opened on, put back to its default, loses its
        // line (and its list); one the file gained since the screen opened stays.
        var opened = DashboardSettings()
        opened.keys = .vim
        opened.panels = [.loss]
        let file = "keys: vim  # mine\npanels:\n  - loss\nbind:\n  x: quit\npace: 50\n"
        XCTAssertEqual(SettingsFile.text(of: settings, opened: opened, over: file), "bind:\n  x: quit\npace: 50\n")
        settings.keys = .vim
        settings.theme = "light"
        XCTAssertEqual(SettingsFile.text(of: settings, opened: DashboardSettings(), over: "# my settings\nkeys: default\n"),
                       "# my settings\nkeys: vim\ntheme: light\n")
    }

    func testTheOptionsScreenShowsAndHidesPanels() {
        var options = OptionsScreen(settings: DashboardSettings(), themeNames: themes, path: "/c.yaml")
        for _ in 0..<6 { _ = options.handle(.down) }
        XCTAssertEqual(options.handle(.right), .changed(.panel(.weights)))
        XCTAssertEqual(options.settings.panels, [.sparsity, .occamsHill, .speedup, .loss, .knobs])
        XCTAssertEqual(options.value(.panel(.weights)), "hidden")
        XCTAssertEqual(options.handle(.left), .changed(.panel(.weights)))
        XCTAssertNil(options.settings.panels, "shown again, in its place: every panel, the default (a later version's new panels too)")
        var one = DashboardSettings()
        one.panels = [.loss]
        options = OptionsScreen(settings: one, themeNames: themes, path: "/c.yaml")
        for _ in 0..<9 { _ = options.handle(.down) }
        XCTAssertEqual(options.handle(.right), .refused("Loss is the only panel shown: show another first"))
        XCTAssertEqual(options.settings.panels, [.loss])
        _ = options.handle(.down)
        XCTAssertEqual(options.handle(.right), .changed(.panel(.knobs)))
        XCTAssertEqual(options.shownPanels, [.loss, .knobs])

        var screen = Screen(width: 70, height: 18)
        OptionsView(options).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .ascii)
        XCTAssertEqual(screen.lines, [
            "                                                                      ",
            "   +- Options ----------------------------------------------------+   ",
            "   | theme          < default >                       applies now |   ",
            "   | color          < auto >                   applies next start |   ",
            "   | fps            < 5 >                      applies next start |   ",
            "   | pace           < full >                     applies next run |   ",
            "   | keys           < default >                       applies now |   ",
            "   | panel sparsity < hidden >                        applies now |   ",
            "   | panel weights  < hidden >                        applies now |   ",
            "   | panel hill     < hidden >                        applies now |   ",
            "   | panel speedup  < hidden >                        applies now |   ",
            "   | panel loss     < shown >                         applies now |   ",
            "   | panel knobs    < shown >                         applies now |   ",
            "   |                                                              |   ",
            "   | file: /c.yaml                                                |   ",
            "   | up/down choose  left/right change  Enter saves  Esc closes   |   ",
            "   +--------------------------------------------------------------+   ",
            "                                                                      ",
        ])
        XCTAssertEqual(screen[20, 12].style.background, Theme.fallback.color(.selectedBackground), "the knobs row is selected")
        XCTAssertNotEqual(screen[20, 11].style.background, Theme.fallback.color(.selectedBackground))
    }

    func testThePathFollowsXDG() {
        XCTAssertEqual(DashboardSettings.path(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]), "/x/prunetop/config.yaml")
        XCTAssertEqual(DashboardSettings.path(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/h"]), "/h/.config/prunetop/config.yaml")
        XCTAssertNil(DashboardSettings.path(environment: [:]))
    }

    func testSavingEditsInPlaceKeepingCommentsAndRoundTrips() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/prunetop/config.yaml"
        try FileManager.default.createDirectory(atPath: directory + "/prunetop", withIntermediateDirectories: true)
        try "# my settings\ntheme: default   # the usual\nbind:\n  x: quit\n".write(toFile: path, atomically: true, encoding: .utf8)
        var settings = try DashboardSettings.load(path: path, themeNames: themes)
        let opened = settings
        settings.theme = "light"
        settings.framesPerSecond = 20
        settings.pace = .fullSpeed
        try SettingsFile.save(settings, opened: opened, to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8),
                       "# my settings\ntheme: light  # the usual\nbind:\n  x: quit\nfps: 20\npace: full\n")
        XCTAssertEqual(try DashboardSettings.load(path: path, themeNames: themes), settings)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory + "/prunetop"), ["config.yaml"], "no temporary file left")
        // A missing file is no settings, and saving creates it.
        let fresh = directory + "/new/prunetop/config.yaml"
        XCTAssertEqual(try DashboardSettings.load(path: fresh, themeNames: themes), DashboardSettings())
        try SettingsFile.save(settings, opened: DashboardSettings(), to: fresh)
        settings.bindings = []  // bindings are written by hand; the options screen keeps a file's as they are
        XCTAssertEqual(try DashboardSettings.load(path: fresh, themeNames: themes), settings)
    }

    func testVimKeysAndBindings() {
        let vim = KeyMap(preset: .vim, bindings: [DashboardSettings.KeyBinding(key: "x", command: .action(.quit))])
        XCTAssertEqual(vim.meaning(of: .character("h")), .key(.left))
        XCTAssertEqual(vim.meaning(of: .character("j")), .key(.down))
        XCTAssertEqual(vim.meaning(of: .character("k")), .key(.up))
        XCTAssertEqual(vim.meaning(of: .character("l")), .key(.right))
        XCTAssertEqual(vim.meaning(of: .character("n")), .command(.action(.nextLayer)))
        XCTAssertEqual(vim.meaning(of: .character("N")), .command(.action(.previousLayer)))
        XCTAssertEqual(vim.meaning(of: .character("x")), .command(.action(.quit)))
        XCTAssertEqual(vim.meaning(of: .character("q")), .key(.character("q")))
        XCTAssertEqual(KeyMap().meaning(of: .character("l")), .key(.character("l")), "the default keys keep l for the next layer")
    }

    func testTheOptionsScreenStepsValuesAndDrawsCellByCell() {
        var options = OptionsScreen(settings: DashboardSettings(), themeNames: themes, path: "/home/u/.config/prunetop/config.yaml")
        XCTAssertEqual(options.handle(.right), .changed(.theme))
        XCTAssertEqual(options.settings.theme, "light")
        XCTAssertEqual(options.handle(.down), .editing)
        XCTAssertEqual(options.handle(.left), .changed(.color))
        XCTAssertEqual(options.settings.color, ColorDepth.Choice.none)
        _ = options.handle(.down)
        _ = options.handle(.right)
        XCTAssertEqual(options.settings.framesPerSecond, 10)
        _ = options.handle(.down)
        _ = options.handle(.right)
        XCTAssertEqual(options.settings.pace, RunPace(stepsPerSecond: 1))
        XCTAssertEqual(options.handle(.enter), .save)
        XCTAssertEqual(options.handle(.escape), .closed)

        var screen = Screen(width: 70, height: 18)
        OptionsView(options).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .ascii)
        XCTAssertEqual(screen.lines, [
            "                                                                      ",
            "   +- Options ----------------------------------------------------+   ",
            "   | theme          < light >                         applies now |   ",
            "   | color          < none >                   applies next start |   ",
            "   | fps            < 10 >                     applies next start |   ",
            "   | pace           < 1 >                        applies next run |   ",
            "   | keys           < default >                       applies now |   ",
            "   | panel sparsity < shown >                         applies now |   ",
            "   | panel weights  < shown >                         applies now |   ",
            "   | panel hill     < shown >                         applies now |   ",
            "   | panel speedup  < shown >                         applies now |   ",
            "   | panel loss     < shown >                         applies now |   ",
            "   | panel knobs    < shown >                         applies now |   ",
            "   |                                                              |   ",
            "   | file: /home/u/.config/prunetop/config.yaml                   |   ",
            "   | up/down choose  left/right change  Enter saves  Esc closes   |   ",
            "   +--------------------------------------------------------------+   ",
            "                                                                      ",
        ])
        XCTAssertEqual(screen[5, 5].style.background, Theme.fallback.color(.selectedBackground), "the pace row is selected")
        XCTAssertNotEqual(screen[5, 4].style.background, Theme.fallback.color(.selectedBackground))
        WidgetTestSupport.assertRobust { screen, rect, theme, glyphs in OptionsView(options).render(into: &screen, area: rect, theme: theme, glyphs: glyphs) }
    }
}
