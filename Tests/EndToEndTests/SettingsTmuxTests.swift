import Foundation
import XCTest

/// The config file in real tmux: its pace is the run's unless `--pace` says otherwise,
/// `keys: vim` moves the layer keys to n / N, and a `bind` entry runs its command.
final class SettingsTmuxTests: XCTestCase {
    let config = "pace: 2\nkeys: vim\nbind:\n  x: layer 3\n"

    func testTheFilesPaceVimKeysAndBindings() throws {
        let dashboard = try TmuxDashboard("--data embedded --epochs 5000", width: 120, height: 40, config: config)
        defer { dashboard.stop() }
        try dashboard.waitForScreen("the file's pace") { $0.contains("RUNNING") && $0.contains("paced 2 steps/s") && $0.contains("│fc1.weight") }
        try dashboard.keys("n")
        try dashboard.waitForScreen("n: the next layer") { $0.contains("│fc2.weight") }
        try dashboard.keys("N")
        try dashboard.waitForScreen("N: the previous layer") { $0.contains("│fc1.weight") }
        try dashboard.keys("x")
        try dashboard.waitForScreen("x: bound to layer 3") { $0.contains("│fc3.weight") }
    }

    func testAFlagWinsOverTheFile() throws {
        let dashboard = try TmuxDashboard("--data embedded --epochs 5000 --pace 20", width: 120, height: 40, config: config)
        defer { dashboard.stop() }
        try dashboard.waitForScreen("the flag's pace") { $0.contains("RUNNING") && $0.contains("paced 20 steps/s") }
    }
}
