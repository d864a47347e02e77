import TUI
import XCTest

final class KeyBindingsTests: XCTestCase {
    private func action(_ event: KeyEvent, focus: DashboardViewState.PanelID = .sparsity, help: Bool = false) -> DashboardAction? {
        KeyBindings.action(for: event, focusedPanel: focus, helpShown: help)
    }

    func testLetterKeysFollowTheIssuesTable() {
        let table: [(Character, DashboardAction?)] = [
            ("q", .quit), ("?", .toggleHelp), ("h", .toggleHelp), (" ", .togglePause), ("s", .step),
            ("+", .increaseKnob), ("=", .increaseKnob), ("-", .decreaseKnob), ("_", .decreaseKnob),
            ("m", .cycleMethod), ("l", .nextLayer), ("1", .selectLayer(0)), ("9", .selectLayer(8)), ("0", nil),
            ("e", .toggleError), ("g", .toggleLogHistogram), ("d", .toggleHeatmapMode), ("r", .rewind),
            ("t", .cycleTheme), ("S", .saveCheckpoint), ("Q", nil), ("x", nil),
        ]
        for (key, expected) in table {
            for focus in DashboardViewState.PanelID.allCases {
                XCTAssertEqual(action(.character(key), focus: focus), expected, "'\(key)' with \(focus.title) focused")
            }
        }
    }

    func testArrowsMoveBetweenPanelsOutsideKnobsAndOperateKnobsInside() {
        XCTAssertEqual(action(.up), .moveFocus(.up))
        XCTAssertEqual(action(.down, focus: .loss), .moveFocus(.down))
        XCTAssertEqual(action(.left, focus: .weights), .moveFocus(.left))
        XCTAssertEqual(action(.right, focus: .speedup), .moveFocus(.right))
        XCTAssertEqual(action(.up, focus: .knobs), .selectPreviousKnob)
        XCTAssertEqual(action(.down, focus: .knobs), .selectNextKnob)
        XCTAssertEqual(action(.left, focus: .knobs), .decreaseKnob)
        XCTAssertEqual(action(.right, focus: .knobs), .increaseKnob)
        XCTAssertEqual(action(.tab, focus: .knobs), .focusNext)
        XCTAssertEqual(action(.backTab), .focusPrevious)
        XCTAssertEqual(action(.enter), .editKnob)
        XCTAssertNil(action(.escape))
        XCTAssertEqual(action(.resize), .redraw)
    }

    func testMouse() {
        XCTAssertEqual(action(.mouseClick(x: 3, y: 4)), .click(x: 3, y: 4))
        XCTAssertEqual(action(.wheelUp(x: 60, y: 15)), .wheel(x: 60, y: 15, delta: 1))
        XCTAssertEqual(action(.wheelDown(x: 60, y: 15)), .wheel(x: 60, y: 15, delta: -1))
    }

    func testAnyKeyClosesHelpButQuitAndResizeStillWork() {
        XCTAssertEqual(action(.character("?"), help: true), .closeHelp)
        XCTAssertEqual(action(.character("m"), help: true), .closeHelp, "no method change behind the overlay")
        XCTAssertEqual(action(.escape, help: true), .closeHelp)
        XCTAssertEqual(action(.mouseClick(x: 1, y: 1), help: true), .closeHelp)
        XCTAssertEqual(action(.character("q"), help: true), .quit)
        XCTAssertEqual(action(.resize, help: true), .redraw)
    }

    func testStateOverloadReadsFocusAndHelp() {
        var state = DashboardViewState()
        state.focusedPanel = .knobs
        XCTAssertEqual(KeyBindings.action(for: .down, state: state), .selectNextKnob)
        state.showsHelp = true
        XCTAssertEqual(KeyBindings.action(for: .down, state: state), .closeHelp)
    }
}
