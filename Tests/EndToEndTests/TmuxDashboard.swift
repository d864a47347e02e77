import Foundation
import XCTest

/// The dashboard in a private tmux server with its own config and state folders (so a
/// test never reads or writes the user's), and the input a user gives it: keys, typed
/// text, and mouse clicks and wheel steps as the terminal sends them (SGR 1006 reports).
struct TmuxDashboard {
    let server: TmuxServer
    let session = "dash"
    /// `XDG_CONFIG_HOME` and `XDG_STATE_HOME` of the run.
    let configHome: String
    let stateHome: String

    static var binary: String { PrunetopProcess.releaseExecutable }

    /// Starts `prunetop ARGUMENTS` in a `width` x `height` terminal; `config` is written to
    /// the config file first.
    init(_ arguments: String, width: Int = 80, height: Int = 24, config: String? = nil) throws {
        server = TmuxServer(socket: "prunetop-e2e-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))", session: session)
        guard (try? server.run(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
        configHome = PrunetopProcess.temporaryPath("config")
        stateHome = PrunetopProcess.temporaryPath("state")
        if let config {
            try FileManager.default.createDirectory(atPath: configHome + "/prunetop", withIntermediateDirectories: true)
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        }
        let command = "XDG_CONFIG_HOME=\(configHome) XDG_STATE_HOME=\(stateHome) TERM=xterm-256color OPENBLAS_NUM_THREADS=1 "
            + "\(Self.binary) \(arguments); sleep 30"
        try server.run(["new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)", command])
    }

    var configPath: String { configHome + "/prunetop/config.yaml" }

    func stop() {
        _ = try? server.run(["kill-server"])
        for folder in [configHome, stateHome] { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// Named keys (`Enter`, `Escape`, `Tab`, `Up`) or single characters.
    func keys(_ keys: String...) throws { try server.run(["send-keys", "-t", session] + keys) }

    /// Text typed as it is (no key names).
    func type(_ text: String) throws { try server.run(["send-keys", "-t", session, "-l", text]) }

    /// A left click at the 0-based cell (x, y): press and release.
    func click(x: Int, y: Int) throws {
        try type("\u{1B}[<0;\(x + 1);\(y + 1)M")
        try type("\u{1B}[<0;\(x + 1);\(y + 1)m")
    }

    /// One wheel step at the 0-based cell (x, y): up (away from the user) or down.
    func wheel(up: Bool, x: Int, y: Int) throws { try type("\u{1B}[<\(up ? 64 : 65);\(x + 1);\(y + 1)M") }

    func screen() throws -> String { try server.screen() }

    @discardableResult
    func waitForScreen(_ what: String, timeout: TimeInterval = 60, file: StaticString = #filePath, line: UInt = #line,
                       _ condition: (String) -> Bool) throws -> String {
        try server.waitForScreen(what, timeout: timeout, file: file, line: line, condition)
    }

    /// Where `text` first shows on the screen (0-based column and row).
    func position(of text: String, in screen: String) -> (x: Int, y: Int)? {
        for (y, line) in screen.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let range = line.range(of: text) { return (line.distance(from: line.startIndex, to: range.lowerBound), y) }
        }
        return nil
    }
}
