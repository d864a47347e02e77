import Recipes
import Training
@testable import TUI
import XCTest

final class CommandParserTests: XCTestCase {
    let context = CommandContext(layerNames: ["conv1.weight", "layer1.0.conv1.weight", "fc.weight"], themeNames: ["default", "light"],
                                 stepsPerEpoch: 100)

    private func parse(_ line: String) -> Result<DashboardCommand, CommandError> { CommandParser.parse(line, context: context) }

    private func error(_ line: String, file: StaticString = #filePath, line number: UInt = #line) -> String {
        guard case let .failure(error) = parse(line) else {
            XCTFail("'\(line)' was taken", file: file, line: number)
            return ""
        }
        return error.description
    }

    func testValuesBecomeTypedCommands() {
        XCTAssertEqual(parse("target 0.95"), .success(.setTarget(0.95)))
        XCTAssertEqual(parse("  lr   0.01 "), .success(.setLearningRate(0.01)))
        XCTAssertEqual(parse("method rigl"), .success(.setMethod("rigl")))
        XCTAssertEqual(parse("budget erk"), .success(.setBudget(.erdosRenyiKernel)))
        XCTAssertEqual(parse("pace 200"), .success(.setPace(RunPace(stepsPerSecond: 200))))
        XCTAssertEqual(parse("pace full"), .success(.setPace(.fullSpeed)))
        XCTAssertEqual(parse("theme light"), .success(.setTheme("light")))
        XCTAssertEqual(parse("focus knobs"), .success(.focusPanel(.knobs)))
    }

    func testScheduleArgumentsAreEpochsLikeARecipe() {
        // 100 steps an epoch: prune from epoch 2 to 8 every quarter epoch, AGP's cubic.
        XCTAssertEqual(parse("schedule agp 2 8 0.25"),
                       .success(.setSchedule(.polynomial(initial: 0, beginStep: 200, endStep: 800, frequency: 25, exponent: 3))))
        XCTAssertEqual(parse("schedule agp 0 1 0.5 2"),
                       .success(.setSchedule(.polynomial(initial: 0, beginStep: 0, endStep: 100, frequency: 50, exponent: 2))))
        XCTAssertEqual(parse("schedule oneshot 1.5"), .success(.setSchedule(.oneShot(atStep: 150))))
        XCTAssertEqual(parse("schedule iterative 3 2"), .success(.setSchedule(.iterative(rounds: 3, stepsPerRound: 200))))
        XCTAssertEqual(parse("schedule constant"), .success(.setSchedule(.constant)))
        XCTAssertEqual(error("schedule agp 8 2 1"), "schedule: need 0 <= begin <= end, got begin 800, end 200")
        XCTAssertEqual(error("schedule agp 2 8"), "schedule: expected agp BEGIN END EVERY [EXPONENT] (lengths in epochs), found 'agp 2 8'")
        XCTAssertEqual(error("schedule cubic"), "schedule: expected one of agp, oneshot, iterative, constant, found 'cubic'")
    }

    func testEveryKeyActionHasACommand() {
        XCTAssertEqual(parse("quit"), .success(.action(.quit)))
        XCTAssertEqual(parse("step"), .success(.action(.step)))
        XCTAssertEqual(parse("toggle"), .success(.action(.togglePause)))
        XCTAssertEqual(parse("pause"), .success(.pause))
        XCTAssertEqual(parse("save"), .success(.action(.saveCheckpoint)))
        XCTAssertEqual(parse("knob up"), .success(.action(.increaseKnob)))
        XCTAssertEqual(parse("pace slower"), .success(.action(.changePace(-1))))
        XCTAssertEqual(parse("focus left"), .success(.action(.moveFocus(.left))))
        XCTAssertEqual(parse("method next"), .success(.action(.cycleMethod)))
        XCTAssertEqual(parse("help"), .success(.listCommands))
        // Each action a key gives (bar mouse-only ones and closing help) is some command's.
        let nineLayers = CommandContext(layerNames: (1...9).map { "fc\($0).weight" })
        let commandActions = CommandTable.names.flatMap { name -> [DashboardAction] in
            let arguments = ["", " next", " prev", " up", " down", " edit", " left", " right", " faster", " slower"] + (1...9).map { " \($0)" }
            return arguments.compactMap { if case let .success(.action(action)) = CommandParser.parse(name + $0, context: nineLayers) { action } else { nil } }
        }
        let keys: [Character] = Array("q?h slLeg dirtS:b123456789") + ["\t"]
        for key in keys {
            guard let action = KeyBindings.action(for: key), action != .openCommandBar else { continue }
            XCTAssertTrue(commandActions.contains(action), "key '\(key)' (\(action)) has no command")
        }
        for event in [KeyEvent.character("+"), .character("-"), .character("<"), .character(">"), .character("m"), .character("u"), .enter] {
            guard let action = DashboardPanels.all.lazy.compactMap({ $0.action(for: event) }).first else { continue }
            XCTAssertTrue(commandActions.contains(action), "\(event) (\(action)) has no command")
        }
    }

    func testLayersByOneBasedIndexOrName() {
        XCTAssertEqual(parse("layer 2"), .success(.action(.selectLayer(1))))
        XCTAssertEqual(parse("layer layer1.0.conv1"), .success(.action(.selectLayer(1))))
        XCTAssertEqual(parse("layer fc.weight"), .success(.action(.selectLayer(2))))
        XCTAssertEqual(error("layer 4"), "layer: expected a layer from 1 to 3, found 4")
        XCTAssertEqual(error("layer fx"), "layer: no prunable layer 'fx'; did you mean 'fc'?")
    }

    func testUnknownCommandsAndStrayArgumentsAreNamed() {
        XCTAssertEqual(error("targte 0.9"), "unknown command 'targte'; did you mean 'target'? (help lists them)")
        XCTAssertEqual(error("step 3"), "step: takes no arguments, found '3'")
        XCTAssertEqual(error("target"), "target: expected target X")
        XCTAssertEqual(error("theme neon"), "theme: expected one of default, light, found 'neon'")
        XCTAssertEqual(error("pace 0"), "pace: expected 'full' or a number > 0 and <= 100000 (steps a second), found '0'")
    }

    /// The bar and the recipe loader say the same thing about the same bad value.
    func testBadValuesGetTheRecipesWords() throws {
        func recipeMessage(_ yaml: String) -> String? {
            do {
                _ = try RecipeLoader.parse(yaml: yaml, path: "r.yaml")
                return nil
            } catch {
                return error.diagnostics.first?.message
            }
        }
        let cases: [(bar: String, recipe: String)] = [
            ("target 1.2", "schedule:\n  final: 1.2\n"),
            ("target abc", "schedule:\n  final: abc\n"),
            ("lr -1", "optimizer:\n  lr: -1\n"),
            ("method rigel", "method: rigel\n"),
            ("budget erkk", "budget: erkk\n"),
            ("budget ERK", "budget: ERK\n"),
            ("budget manual", "budget: manual\n"),
        ]
        for (bar, recipe) in cases {
            guard case let .failure(error) = parse(bar) else { return XCTFail("'\(bar)' was taken") }
            let expected = try XCTUnwrap(recipeMessage(recipe), "the recipe took \(recipe)")
            XCTAssertEqual(error.message, expected, bar)
        }
        XCTAssertEqual(error("target 1.2"), "target: expected a number in [0, 1), found 1.2")
        XCTAssertEqual(error("budget erkk"), "budget: expected one of global, uniform, er, erk, manual, found 'erkk'; did you mean 'erk'?")
        XCTAssertEqual(error("budget manual"), "budget: manual needs a mapping with `layers`")
    }

    /// `:help` lists every command with what it takes and does, one row each.
    func testHelpListsEveryCommand() {
        var screen = Screen(width: 160, height: 48)
        HelpOverlay(commands: true).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertTrue(screen.lines.contains { $0.contains("Commands (type : then one)") })
        for spec in CommandTable.all {
            let text = spec.arguments.isEmpty ? spec.summary : "\(spec.arguments)  \(spec.summary)"
            let row = screen.lines.first { $0.contains("│ \(spec.name.padding(toLength: 10, withPad: " ", startingAt: 0))\(text)") }
            XCTAssertNotNil(row, spec.name)
        }
        XCTAssertTrue(CommandParser.bare.keys.allSatisfy { name in CommandTable.all.contains { $0.name == name && $0.arguments.isEmpty } },
                      "every command without arguments is in the table")
    }
}
