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

    func testOnlyTheFocusedPanelTakesTheArrowsAndPanelKeysWorkAnywhere() {
        XCTAssertEqual(KeyBindings.action(for: .left, focusedPanel: .knobs), .decreaseKnob)
        XCTAssertEqual(KeyBindings.action(for: .left, focusedPanel: .weights), .moveFocus(.left))
        for focus in PanelID.allCases {
            XCTAssertEqual(KeyBindings.action(for: .enter, focusedPanel: focus), .editKnob)
            XCTAssertEqual(KeyBindings.action(for: .character("u"), focusedPanel: focus), .undoMethodSwitch)
        }
    }
}
