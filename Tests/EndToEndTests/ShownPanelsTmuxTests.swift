import Foundation
import XCTest

/// The config file's `panels` in real tmux: the hidden panels' titles are gone at 80x24
/// and 160x48, `:panel show` brings one back, and the options screen shows another and
/// saves the set to the file, keeping its comment.
final class ShownPanelsTmuxTests: XCTestCase {
    let titles = ["Sparsity", "Weights", "Occam's hill", "Speedup", "Loss", "Knobs"]

    /// The panel titles in the frames' top borders ("─ Loss ─").
    private func shownTitles(_ screen: String) -> [String] { titles.filter { screen.contains("─ \($0) ─") } }

    func testHiddenPanelsComeBackFromTheBarAndTheOptionsScreen() throws {
        let dashboard = try TmuxDashboard("--data embedded --epochs 5000 --pace 20", config: "panels: [sparsity, hill, loss, knobs]  # class\n")
        defer { dashboard.stop() }
        try dashboard.waitForScreen("four panels at 80x24") { $0.contains("RUNNING") && self.shownTitles($0) == ["Sparsity", "Occam's hill", "Loss", "Knobs"] }
        try dashboard.keys(":")
        try dashboard.type("panel show speedup")
        try dashboard.keys("Enter")
        try dashboard.waitForScreen("Speedup back") { self.shownTitles($0) == ["Sparsity", "Occam's hill", "Speedup", "Loss", "Knobs"] && $0.contains("Speedup shown") }
        try dashboard.keys("o")
        try dashboard.waitForScreen("the options") { $0.contains("panel weights  ◀ hidden ▶") && $0.contains("panel speedup  ◀ shown ▶") }
        for _ in 0..<6 { try dashboard.keys("Down") }
        try dashboard.keys("Right")
        try dashboard.waitForScreen("Weights shown") { $0.contains("panel weights  ◀ shown ▶") }
        try dashboard.keys("Enter")
        try dashboard.waitForScreen("every panel, saved") { self.shownTitles($0) == self.titles && $0.contains("options saved to") }
        // Every panel is the default (a later version's new panels included): the line goes.
        XCTAssertEqual(try String(contentsOfFile: dashboard.configPath, encoding: .utf8), "")
    }

    func testTwoPanelsAtTheLargeSizeAndAHiddenPanelsKey() throws {
        let dashboard = try TmuxDashboard("--data embedded --epochs 5000 --pace 20", width: 160, height: 48, config: "panels:\n  - sparsity\n  - hill\n")
        defer { dashboard.stop() }
        let screen = try dashboard.waitForScreen("two panels at 160x48") { $0.contains("RUNNING") && self.shownTitles($0) == ["Sparsity", "Occam's hill"] }
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines[2].hasPrefix("╭─ Sparsity ─") && lines[2].hasSuffix("╮"), "Sparsity spans the width: \(lines[2])")
        XCTAssertTrue(lines.contains { $0.hasPrefix("╭─ Occam's hill ─") && $0.hasSuffix("╮") }, "so does Occam's hill")
        try dashboard.keys("+")
        try dashboard.waitForScreen("why + does nothing") {
            $0.contains("Knobs is hidden: :knob up|down|edit turns the selected knob (target sparsity); :panel show knobs")
        }
        try dashboard.keys(">")
        try dashboard.waitForScreen("> still paces") { $0.contains("paced 50 steps/s") }
        try dashboard.keys(":")
        try dashboard.type("target 0.5")
        try dashboard.keys("Enter")
        try dashboard.waitForScreen("the bar still steers") { $0.contains("sparsity 0.000 of 0.500") }
    }
}
