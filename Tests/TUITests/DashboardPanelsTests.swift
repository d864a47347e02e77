@testable import TUI
import XCTest

/// The panel list is the one place a panel is added: every panel has a unique id and a
/// slot in every arrangement, and no two panels claim the same place in a band.
final class DashboardPanelsTests: XCTestCase {
    func testEveryPanelHasAUniqueIDAndASlotInEveryArrangement() {
        let ids = DashboardPanels.all.map(\.id)
        XCTAssertEqual(Set(ids).count, ids.count)
        for arrangement in [DashboardLayout.Arrangement.compact, .medium, .large] {
            let slots = DashboardPanels.all.compactMap { $0.slots[arrangement] }
            XCTAssertEqual(slots.count, ids.count, "\(arrangement)")
            for band in [PanelSlot.Band.top, .bottom, .side] {
                let orders = slots.filter { $0.band == band }.map(\.order)
                XCTAssertEqual(Set(orders).count, orders.count, "\(arrangement) \(band)")
            }
        }
    }

    /// A seventh panel, declared alone: it takes its place in each band from the panels
    /// sized `.rest` there, and the others keep theirs.
    func testAnAddedPanelNeedsNoOtherPanelChanged() throws {
        struct Notes: DashboardPanel {
            let id = PanelID(title: "Notes", name: "notes")
            let slots: [DashboardLayout.Arrangement: PanelSlot] = [
                .compact: PanelSlot(.bottom, order: 3, .rest), .medium: PanelSlot(.side, order: 2, .rest),
                .large: PanelSlot(.bottom, order: 3, .rest),
            ]
            func render(_ context: PanelContext, into screen: inout Screen, theme: Theme, glyphs: Glyphs) {}
        }
        let notes = PanelID(title: "Notes", name: "notes")
        let compact = try XCTUnwrap(DashboardLayout(width: 80, height: 24, panels: DashboardPanels.all + [Notes()]))
        XCTAssertEqual(compact.panelOrder.last, notes)
        XCTAssertEqual(compact[.loss], Rect(x: 0, y: 12, width: 28, height: 11), "a share keeps its size")
        XCTAssertEqual([compact[.speedup].width, compact[.knobs].width, compact[notes].width], [17, 17, 18])
        XCTAssertEqual(compact[notes].maxX, 80)
        let medium = try XCTUnwrap(DashboardLayout(width: 120, height: 40, panels: DashboardPanels.all + [Notes()]))
        XCTAssertEqual(medium[.knobs].height, 13)
        XCTAssertEqual([medium[.speedup].height, medium[notes].height], [12, 12])
        XCTAssertEqual(medium.hitTest(x: medium[notes].x + 1, y: medium[notes].y + 1)?.panel, notes)
    }

    func testOnlyTheFocusedPanelTakesTheArrowsAndPanelKeysWorkAnywhere() {
        XCTAssertEqual(KeyBindings.action(for: .left, focusedPanel: .knobs), .decreaseKnob)
        XCTAssertEqual(KeyBindings.action(for: .left, focusedPanel: .weights), .moveFocus(.left))
        for focus in PanelID.allCases {
            XCTAssertEqual(KeyBindings.action(for: .enter, focusedPanel: focus), .editKnob)
            XCTAssertEqual(KeyBindings.action(for: .character("u"), focusedPanel: focus), .undoMethodSwitch)
        }
    }
}
