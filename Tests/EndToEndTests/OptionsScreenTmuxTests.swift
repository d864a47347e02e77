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
        try dashboard.waitForScreen("the options") { $0.contains("Options") && $0.contains("theme          ◀ default ▶") && $0.contains("fps            ◀ 10 ▶") }
        try dashboard.keys("Right")
        let changed = try dashboard.waitForScreen("the next theme") { $0.contains("theme          ◀ ") && !$0.contains("theme          ◀ default ▶") }
        let theme = try XCTUnwrap(changed.range(of: #"theme          ◀ \S+ ▶"#, options: .regularExpression)
            .map { String(changed[$0].dropFirst("theme          ◀ ".count).dropLast(2)) })
        try dashboard.keys("Enter")
        try dashboard.waitForScreen("saved") { $0.contains("options saved to") && !$0.contains("Options") }
        XCTAssertEqual(try String(contentsOfFile: dashboard.configPath, encoding: .utf8), "# my dashboard\nfps: 10  # smooth\ntheme: \(theme)\n")
    }

    func testABadConfigFileNamesItsLineAndKey() throws {
        // Wide enough that the message (with its temporary path) is on one line.
        let dashboard = try TmuxDashboard("--data embedded --epochs 5000", width: 240, config: "theme: default\nfps: 200\n")
        defer { dashboard.stop() }
        try dashboard.waitForScreen("the error") { screen in
            screen.contains(dashboard.configPath + ":2:6: fps: expected a number in [1, 60], found 200")
                && screen.contains("error: the settings file has 1 problem; fix or remove \(dashboard.configPath)")
        }
    }
}
