@testable import TUI
import XCTest

/// The dashboard with some panels hidden (`panels:` in the config file, `--panels`,
/// `:panel`): the layout gives their room to the others, and focus, keys and help see only
/// the shown ones.
final class ShownPanelsTests: XCTestCase {
    typealias PanelID = DashboardViewState.PanelID

    private func layout(_ width: Int, _ height: Int, _ shown: [PanelID]) throws -> DashboardLayout {
        var state = DashboardViewState()
        state.show(shown)
        return try XCTUnwrap(state.layout(width: width, height: height))
    }

    /// Only Sparsity and Occam's hill, for a class: the empty bands' room goes to theirs.
    func testTwoPanelsFillTheBody() throws {
        let compact = try layout(80, 24, [.sparsity, .occamsHill])
        XCTAssertEqual(compact.panels, [.sparsity: Rect(x: 0, y: 1, width: 32, height: 22), .occamsHill: Rect(x: 32, y: 1, width: 48, height: 22)])
        let medium = try layout(120, 40, [.sparsity, .occamsHill])
        XCTAssertEqual(medium.panels, [.sparsity: Rect(x: 0, y: 2, width: 66, height: 37), .occamsHill: Rect(x: 66, y: 2, width: 54, height: 37)])
        let large = try layout(160, 48, [.occamsHill, .sparsity])
        XCTAssertEqual(large.panels, [.sparsity: Rect(x: 0, y: 2, width: 160, height: 18), .occamsHill: Rect(x: 0, y: 20, width: 160, height: 27)])
        XCTAssertEqual(large.panelOrder, [.sparsity, .occamsHill], "Tab order is the dashboard's, whatever the list's")
    }

    func testHidingTheSideColumnsPanelsWidensTheBands() throws {
        let medium = try layout(120, 40, [.sparsity, .weights, .occamsHill, .loss])
        XCTAssertEqual(medium.panels, [.sparsity: Rect(x: 0, y: 2, width: 66, height: 18), .occamsHill: Rect(x: 66, y: 2, width: 54, height: 18),
                                       .weights: Rect(x: 0, y: 20, width: 60, height: 19), .loss: Rect(x: 60, y: 20, width: 60, height: 19)])
        let onlySide = try layout(160, 48, [.speedup, .knobs])
        XCTAssertEqual(onlySide.panels, [.knobs: Rect(x: 0, y: 2, width: 160, height: 13), .speedup: Rect(x: 0, y: 15, width: 160, height: 32)])
    }

    func testAnEmptyBandGivesItsRoomToTheOtherBand() throws {
        let noBottom = try layout(80, 24, [.sparsity, .weights, .occamsHill])
        XCTAssertEqual(noBottom.panels, [.sparsity: Rect(x: 0, y: 1, width: 32, height: 22), .weights: Rect(x: 32, y: 1, width: 24, height: 22),
                                         .occamsHill: Rect(x: 56, y: 1, width: 24, height: 22)])
        let noTop = try layout(160, 48, PanelID.allCases.filter { $0 != .sparsity })
        XCTAssertEqual(noTop.panels, [.weights: Rect(x: 0, y: 2, width: 41, height: 45), .occamsHill: Rect(x: 41, y: 2, width: 41, height: 45),
                                      .loss: Rect(x: 82, y: 2, width: 42, height: 45),
                                      .knobs: Rect(x: 124, y: 2, width: 36, height: 13), .speedup: Rect(x: 124, y: 15, width: 36, height: 32)])
        let oneInBand = try layout(80, 24, [.sparsity, .loss])
        XCTAssertEqual(oneInBand.panels, [.sparsity: Rect(x: 0, y: 1, width: 80, height: 11), .loss: Rect(x: 0, y: 12, width: 80, height: 11)],
                       "a panel alone in its band takes all of it")
    }

    /// Every non-empty subset at the reference sizes: the shown panels and only they, inside
    /// the body, apart, and every body cell some panel's.
    func testEverySubsetCoversTheBodyWithoutOverlap() throws {
        let all = PanelID.allCases
        for (width, height) in [(80, 24), (120, 40), (160, 48)] {
            for mask in 1..<(1 << all.count) {
                let shown = all.indices.filter { mask & (1 << $0) != 0 }.map { all[$0] }
                let layout = try layout(width, height, shown)
                let what = "\(shown.map(\.name)) at \(width)x\(height)"
                XCTAssertEqual(Set(layout.panels.keys), Set(shown), what)
                XCTAssertEqual(layout.panelOrder, shown, what)
                let body = Rect(x: 0, y: layout.header.maxY, width: width, height: layout.messageLine.y - layout.header.maxY)
                var owner = [[PanelID?]](repeating: [PanelID?](repeating: nil, count: width), count: height)
                for (panel, rect) in layout.panels {
                    XCTAssertEqual(rect.intersection(body), rect, "\(panel.name) inside the body: \(what)")
                    XCTAssertTrue(rect.width >= 12 && rect.height >= 3, "\(panel.name) \(rect): \(what)")
                    for y in rect.y..<rect.maxY {
                        for x in rect.x..<rect.maxX {
                            XCTAssertNil(owner[y][x], "\(panel.name) overlaps \(owner[y][x]?.name ?? "") at \(x),\(y): \(what)")
                            owner[y][x] = panel
                        }
                    }
                }
                let uncovered = (body.y..<body.maxY).flatMap { y in (0..<width).filter { owner[y][$0] == nil }.map { (x: $0, y: y) } }
                XCTAssertTrue(uncovered.isEmpty, "\(uncovered.count) body cells uncovered, first \(uncovered.first.map { "\($0.x),\($0.y)" } ?? ""): \(what)")
            }
        }
    }

    func testFocusTabMouseAndArrowsSeeOnlyShownPanels() throws {
        var state = DashboardViewState()
        state.focusedPanel = .weights
        state.show([.sparsity, .occamsHill, .knobs])
        XCTAssertEqual(state.focusedPanel, .occamsHill, "the hidden focused panel hands the focus on in Tab order")
        state.focusedPanel = .knobs
        state.show([.sparsity, .loss])
        XCTAssertEqual(state.focusedPanel, .sparsity, "past the last, Tab order wraps")
        state.show([])
        XCTAssertEqual(state.shownPanels, [.sparsity, .loss], "never none")
        let compact = try layout(80, 24, [.sparsity, .occamsHill, .knobs])
        XCTAssertEqual(compact.neighbour(of: .sparsity, toward: .down), .knobs)
        XCTAssertEqual(compact.neighbour(of: .sparsity, toward: .right), .occamsHill)
        XCTAssertEqual(compact.hitTest(x: 40, y: 5)?.panel, .occamsHill, "where Weights was")
        XCTAssertEqual(compact.hitTest(x: 5, y: 15)?.panel, .knobs, "where Loss was")
    }

    func testAHiddenPanelsKeysActOrSayWhyAndTheHelpFollows() {
        var state = DashboardViewState()
        state.show([.sparsity, .occamsHill])
        XCTAssertEqual(KeyBindings.action(for: .character("+"), state: state), .keyOfHiddenPanel(.knobs, .increaseKnob))
        XCTAssertEqual(KeyBindings.action(for: .enter, state: state), .keyOfHiddenPanel(.knobs, .editKnob))
        XCTAssertEqual(KeyBindings.action(for: .character("<"), state: state), .changePace(-1), "it names its knob: it acts")
        XCTAssertEqual(KeyBindings.action(for: .character("m"), state: state), .cycleMethod)
        XCTAssertEqual(KeyBindings.action(for: .character("e"), state: state), .toggleError, "the dashboard's own keys stay")
        XCTAssertEqual(KeyBindings.action(for: .character("+"), state: DashboardViewState()), .increaseKnob)
        let shownHelp = KeyBindings.help(.ascii, panels: state.shownPanels).map(\.action)
        XCTAssertFalse(shownHelp.contains("change the selected knob"))
        XCTAssertTrue(shownHelp.contains("slower / faster (pace)") && shownHelp.contains("method / undo switch"), "the keys that still act")
        XCTAssertTrue(KeyBindings.help(.ascii).map(\.action).contains("change the selected knob"))
        var screen = Screen(width: 80, height: 24)
        HelpOverlay(panels: state.shownPanels).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .ascii)
        XCTAssertFalse(screen.lines.contains { $0.contains("select knob") })
        XCTAssertTrue(screen.lines.contains { $0.contains("next / previous panel") })
    }

    func testPanelCommandsParseAndComplete() {
        let context = CommandContext()
        XCTAssertEqual(CommandParser.parse("panel hide speedup", context: context), .success(.changePanel(.hide, .speedup)))
        XCTAssertEqual(CommandParser.parse("panel show Hill", context: context), .success(.changePanel(.show, .occamsHill)))
        XCTAssertEqual(CommandParser.parse("panel toggle knobs", context: context), .success(.changePanel(.toggle, .knobs)))
        XCTAssertEqual(CommandParser.parse("focus hill", context: context), .success(.focusPanel(.occamsHill)))
        func error(_ line: String) -> String? {
            if case let .failure(error) = CommandParser.parse(line, context: context) { error.description } else { nil }
        }
        XCTAssertEqual(error("panel"), "panel: expected panel show|hide|toggle PANEL")
        XCTAssertEqual(error("panel hide"), "panel: expected show|hide|toggle and a panel (sparsity, weights, hill, speedup, loss, knobs), found 'hide'")
        XCTAssertEqual(error("panel drop loss"), "panel: expected show|hide|toggle and a panel (sparsity, weights, hill, speedup, loss, knobs), found 'drop loss'")
        XCTAssertEqual(error("panel hide speedpu"), "panel: no panel 'speedpu'; expected one of sparsity, weights, hill, speedup, loss, knobs; did you mean 'speedup'?")
        XCTAssertEqual(CommandCompletion.candidates(for: "pa", context: context), ["pause", "pace", "panel"])
        XCTAssertEqual(CommandCompletion.candidates(for: "panel ", context: context), ["show", "hide", "toggle"])
        XCTAssertEqual(CommandCompletion.candidates(for: "panel hide s", context: context), ["sparsity", "speedup"])
        XCTAssertEqual(CommandCompletion.complete("panel hide k", candidates: CommandCompletion.candidates(for: "panel hide k", context: context)),
                       "panel hide knobs ")
    }
}
