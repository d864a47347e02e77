import Foundation
import XCTest

/// The `:` bar in a live run in real tmux: Tab completes, Enter steers the trainer, a bad
/// value gets the recipe's words, Up recalls, and the history outlives the session.
final class CommandBarTmuxTests: XCTestCase {
    func testTypedCommandsSteerALiveRun() throws {
        let dashboard = try TmuxDashboard("--data embedded --epochs 5000 --pace 20")
        defer { dashboard.stop() }
        try dashboard.waitForScreen("a running run with its target") { $0.contains("RUNNING") && $0.contains("of 0.900") }

        try dashboard.keys(":")
        try dashboard.type("ta")
        try dashboard.keys("Tab")
        try dashboard.waitForScreen("the command completed") { $0.contains("\n:target") }
        try dashboard.type("0.6")
        try dashboard.keys("Enter")
        try dashboard.waitForScreen("the knob changed by the trainer") { $0.contains("of 0.600") && $0.contains("target sparsity 0.90 → 0.60") }

        try dashboard.keys(":")
        try dashboard.type("target 1.2")
        try dashboard.keys("Enter")
        try dashboard.waitForScreen("the recipe's words for a bad value") { $0.contains("target: expected a number in [0, 1), found 1.2") }

        try dashboard.keys(":", "Up", "Up")
        try dashboard.waitForScreen("the first command recalled") { $0.contains(":target 0.6") }
        try dashboard.keys("Escape")
        let historyPath = dashboard.stateHome + "/prunetop/history"
        XCTAssertEqual(try String(contentsOfFile: historyPath, encoding: .utf8), "target 0.6\ntarget 1.2\n")

        try dashboard.keys(":")
        try dashboard.type("quit")
        try dashboard.keys("Enter")
        try dashboard.waitForScreen("quit asks first") { $0.contains("press q again to quit") }
    }
}
