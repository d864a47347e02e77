import Foundation
import XCTest

/// The options screen in real tmux: changing the theme there applies it and saves it to
/// the config file, keeping the user's comment.
final class OptionsScreenTmuxTests: XCTestCase {
    func testTheThemeChangedInTheOptionsScreenIsSaved() throws {
        let dashboard = try TmuxDashboard("--data embedded --epochs 5000 --pace 20", config: "# my dashboard\nfps: 10  # smooth\n")
        defer { dashboard.stop() }
        try dashboard.waitForScreen("a running run") { $0.contains("RUNNING") }
        try dashboard.keys("o")
        try dashboard.waitForScreen("the options") { $0.contains("Options") && $0.contains("theme") && $0.contains("◀ default ▶") && $0.contains("◀ 10 ▶") }
        try dashboard.keys("Right")
        let changed = try dashboard.waitForScreen("the next theme") { !$0.contains("◀ default ▶") }
        let theme = try XCTUnwrap(changed.range(of: #"◀ (\S+) ▶"#, options: .regularExpression).map { String(changed[$0].dropFirst(2).dropLast(2)) })
        try dashboard.keys("Enter")
        try dashboard.waitForScreen("saved") { $0.contains("options saved to") && !$0.contains("Options") }
        XCTAssertEqual(try String(contentsOfFile: dashboard.configPath, encoding: .utf8), "# my dashboard\nfps: 10  # smooth\ntheme: \(theme)\n")
    }

    func testABadConfigFileNamesItsLineAndKey() throws {
        let dashboard = try TmuxDashboard("--data embedded --epochs 5000", config: "theme: default\nfps: 200\n")
        defer { dashboard.stop() }
        try dashboard.waitForScreen("the error") { $0.contains("prunetop/config.yaml:2:6: fps: expected a number in [1, 60], found 200") }
    }
}
