import Foundation
import XCTest

/// The mouse in real tmux, as a terminal reports it (SGR 1006): a click focuses a panel,
/// the wheel over a knob turns it.
final class MouseTmuxTests: XCTestCase {
    func testClickFocusesAPanelAndTheWheelTurnsAKnob() throws {
        let dashboard = try TmuxDashboard("--data embedded --epochs 5000 --pace 20")
        defer { dashboard.stop() }
        let start = try dashboard.waitForScreen("a running run") { $0.contains("RUNNING") && $0.contains("of 0.900") && $0.contains("target sparsity") }

        // Focused, the Knobs panel takes the arrows: Down selects the next knob, and Enter
        // types its value (the message line names the knob).
        let title = try XCTUnwrap(dashboard.position(of: "Knobs", in: start), start)
        try dashboard.click(x: title.x, y: title.y)
        try dashboard.keys("Down", "Enter")
        try dashboard.waitForScreen("the knob after the target being typed") { $0.contains("schedule begin = _") }
        try dashboard.keys("Escape")

        let knob = try XCTUnwrap(dashboard.position(of: "target sparsity", in: try dashboard.screen()))
        try dashboard.wheel(up: true, x: knob.x + 2, y: knob.y)
        try dashboard.waitForScreen("the target turned up") { $0.contains("of 0.950") && $0.contains("target sparsity 0.90 → 0.95") }
    }
}
