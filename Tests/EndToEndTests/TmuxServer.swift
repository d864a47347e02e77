import Foundation
import XCTest

/// A private tmux server for the end-to-end tests (its own socket, the isolated config and
/// state folders of `PrunetopProcess.cleanEnvironment`), driven by tmux clients: `run` types commands, `screen` reads the pane, `waitForScreen` polls it.
struct TmuxServer {
    let socket: String
    let session: String

    /// Runs a tmux client command; its output goes through a file, never a pipe (the
    /// server that new-session starts would inherit a pipe and keep it open). For the same
    /// reason bash closes every descriptor above stderr first: Foundation watches a child
    /// through one, and the server would keep the client looking alive until it exits.
    /// `kill-server` returns once the server is gone, and `new-session` retries while a
    /// server killed just before is still going away: under load a new session can land
    /// on the dying server and vanish with it, leaving an empty screen.
    @discardableResult
    func run(_ arguments: [String], capturing: Bool = false) throws -> String {
        switch arguments.first {
        case "kill-server":
            _ = try client(arguments)
            try poll { try client(["list-sessions"]).status != 0 }
            return ""
        case "new-session":
            try poll {
                if try client(["has-session", "-t", session]).status == 0 { return true }
                _ = try client(arguments)
                return try client(["has-session", "-t", session]).status == 0
            }
            return ""
        default:
            return try client(arguments, capturing: capturing).output
        }
    }

    func screen() throws -> String { try run(["capture-pane", "-p", "-t", session], capturing: true) }

    /// Polls the screen until `condition` holds; fails with the last screen after `timeout`.
    @discardableResult
    func waitForScreen(_ what: String, timeout: TimeInterval = 60, file: StaticString = #filePath, line: UInt = #line,
                       _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("timed out waiting for \(what); screen:\n\(last)", file: file, line: line)
        throw XCTSkip("stopped after a failed wait")
    }

    /// Checks `done` every 0.1 s for up to 10 s.
    private func poll(_ done: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(10)
        while try !done() && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
    }

    private func client(_ arguments: [String], capturing: Bool = false) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let closeInherited = "for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\" 2>/dev/null; done; exec tmux \"$@\""
        process.arguments = ["bash", "-c", closeInherited, "tmux", "-f", "/dev/null", "-L", socket] + arguments
        // The server takes its environment from the client that starts it, and every session
        // from the server: none reads the developer's config (a test gives its own in its command).
        process.environment = PrunetopProcess.cleanEnvironment
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let path = PrunetopProcess.temporaryPath("tmux-out")
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        process.standardOutput = capturing ? output : FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            XCTFail("tmux \(arguments.joined(separator: " ")) did not finish in 10 s")
        }
        try output.close()
        return (process.terminationStatus, capturing ? try String(contentsOfFile: path, encoding: .utf8) : "")
    }
}
