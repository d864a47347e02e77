import Foundation
import XCTest

/// The layer browser on ResNet-20 (its 22 prunable layers, in residual blocks) in real
/// tmux: it opens, filters, scrolls by wheel, picks by key and by click, and the picked
/// layer shows in the Weights panel.
final class LayerBrowserTmuxTests: XCTestCase {
    func testBrowsingResNet20sLayersByKeysAndMouse() throws {
        let dashboard = try TmuxDashboard("--model resnet20 --data embedded --epochs 100 --pace 1", width: 80, height: 24)
        defer { dashboard.stop() }
        try dashboard.waitForScreen("the first snapshot", timeout: 120) { $0.contains("RUNNING") && $0.contains("Weights") && !$0.contains("waiting") }

        // The wheel scrolls the list; a click selects a row, a second click on it picks it.
        try dashboard.keys("b")
        let before = try dashboard.waitForScreen("the browser") { $0.contains("Layers (22)") }
        XCTAssertTrue(before.contains("layer1.0") && before.contains("  2    conv1") && before.contains("kind"), before)
        let list = try XCTUnwrap(dashboard.position(of: "  1  conv1", in: before), before)
        for _ in 0..<2 { try dashboard.wheel(up: false, x: list.x + 5, y: list.y) }
        let scrolled = try dashboard.waitForScreen("the list scrolled") { !$0.contains("  1  conv1") && $0.contains("Layers (22)") }
        let row = try XCTUnwrap(dashboard.position(of: "  6    conv1", in: scrolled), scrolled)
        try dashboard.click(x: row.x, y: row.y)
        try dashboard.click(x: row.x, y: row.y)
        try dashboard.waitForScreen("the clicked layer picked") { $0.contains("layer 6 layer1.2.conv1 in the heatmap and histogram") }

        // By keys: / filters, Down selects, Enter picks.
        try dashboard.keys("b")
        try dashboard.waitForScreen("the browser again") { $0.contains("Layers (22)") }

        try dashboard.keys("/")
        try dashboard.type("layer3.2")
        try dashboard.keys("Enter")
        try dashboard.waitForScreen("the filter") { $0.contains("Layers (2 of 22)") && $0.contains("filter 'layer3.2'") }
        try dashboard.keys("Down", "Enter")
        try dashboard.waitForScreen("the layer picked") { screen in
            screen.contains("layer 21 layer3.2.conv2 in the heatmap and histogram") && screen.contains("│layer3.2.conv2") && !screen.contains("Layers (")
        }
    }
}
