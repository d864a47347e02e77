import Foundation
import TUI
import XCTest

/// The real dashboard under abuse, in tmux: random input (scripts/monkey.sh), a storm of
/// resizes down to 10x5, and the terminal going away (with a SIGHUP, and without one).
/// Every wait polls with a timeout; a crash shows as a wrong exit code, a hang as a timeout.
final class DashboardRobustnessTests: XCTestCase {
    private let socket = "prunetop-robust-\(ProcessInfo.processInfo.processIdentifier)"
    private let session = "robust"
    private let titles = ["Sparsity", "Weights", "Occam's hill", "Speedup", "Loss", "Knobs"]
    /// prunetop processes a test started, killed in tearDown if still there.
    private var started: [pid_t] = []

    private static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private var binary: String { PrunetopProcess.releaseExecutable }

    override func setUpWithError() throws {
        guard (try? tmux(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
    }

    override func tearDown() {
        _ = try? tmux(["kill-server"])
        let directory = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        try? FileManager.default.removeItem(atPath: "\(directory)/tmux-\(getuid())/\(socket)")
        for pid in started where isAlive(pid) { kill(pid, SIGKILL) }
    }

    // MARK: Monkey

    /// 1,500 random keys, mouse events and resizes (scripts/monkey.sh, fixed seed): the
    /// dashboard stays alive and responsive, redraws its six panels, quits with q q and 0.
    func testAShortMonkeyRunLeavesTheDashboardAliveResponsiveAndQuittable() throws {
        let script = Self.repositoryRoot.appendingPathComponent("scripts/monkey.sh").path
        let output = PrunetopProcess.temporaryPath("monkey-out")
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", script, "1500", "20251121"]
        var environment = PrunetopProcess.cleanEnvironment
        environment["PRUNETOP"] = binary
        environment["SYNC_EVERY"] = "500"
        environment["TIMEOUT"] = "30"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(90)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            process.terminate()  // the script's trap kills its tmux server
            process.waitUntilExit()
            XCTFail("the monkey did not finish in 90 s:\n\(try String(contentsOfFile: output, encoding: .utf8))")
            return
        }
        try handle.close()
        let text = try String(contentsOfFile: output, encoding: .utf8)
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("monkey: PASS seed 20251121: 1500 events"), text)
    }

    /// The mouse as the monkey sends it (SGR 1006 sequences, which ncurses expects from
    /// xterm-256color's kmous=\E[<) reaches the dashboard: the wheel over a knob turns it,
    /// a click selects a knob; presses far outside the screen change nothing and break nothing.
    func testSGRMouseEventsReachTheKnobs() throws {
        let exitFile = try startDashboard(width: 120, height: 40)
        let screen = try waitForScreen("the six panels and the knobs") { screen in
            self.showsAllPanels(screen, width: 120, height: 40) && screen.contains("RUNNING") && screen.contains("learning rate")
                && screen.contains("target sparsity")
        }
        func position(of text: String, in screen: String) throws -> (x: Int, y: Int) {
            let rows = lines(of: screen)
            let y = try XCTUnwrap(rows.firstIndex { $0.contains(text) }, "no \(text) on screen")
            let x = rows[y].distance(from: rows[y].startIndex, to: try XCTUnwrap(rows[y].range(of: text)).lowerBound)
            return (x + 1 + 2, y + 1)  // 1-based, a little inside the label
        }
        let rate = try position(of: "learning rate", in: screen), target = try position(of: "target sparsity", in: screen)
        try tmux(["send-keys", "-t", session, "-l", "\u{1B}[<0;999;999M\u{1B}[<0;999;999m\u{1B}[<65;1;1M\u{1B}[<64;\(rate.x);\(rate.y)M"])
        try waitForScreen("the wheel to turn the learning rate") { $0.contains("learning rate 0.05 → 0.07") }
        try tmux(["send-keys", "-t", session, "-l", "\u{1B}[<0;\(target.x);\(target.y)M\u{1B}[<0;\(target.x);\(target.y)m"])
        try tmux(["send-keys", "-t", session, "+"])
        try waitForScreen("a click to select the target sparsity, + to raise it") { $0.contains("target sparsity 0.90 → 0.95") }
        try quitWithQQ(exitFile)
    }

    /// What the monkey found: a typed schedule value beyond Int's range ("1e99") crashed the
    /// dashboard (SIGILL in Int(_:)); and on a diverged run the quit question was never shown
    /// (the message line kept the divergence). Now the value is refused and the run goes on;
    /// the question shows; q q quits with 0.
    func testOutlandishTypedValuesAreRefusedAndQuitAsksEvenOnADivergedRun() throws {
        let exitFile = try startDashboard(width: 120, height: 40)
        try waitForScreen("the six panels") { self.showsAllPanels($0, width: 120, height: 40) && $0.contains("RUNNING") }
        // Tab to Knobs, down to schedule begin, type 1e99.
        try tmux(["send-keys", "-t", session, "Tab", "Tab", "Tab", "Tab", "Tab", "Down", "Enter", "1e99", "Enter"])
        try waitForScreen("1e99 refused as a schedule begin") {
            $0.contains("schedule begin: need 0 <= begin <= end") && $0.contains("begin 1000000000000000")
        }
        try tmux(["send-keys", "-t", session, "Down", "Enter", "nan", "Enter"])
        try waitForScreen("nan refused as a schedule end") { $0.contains("schedule end: expected a number, found 'nan'") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: exitFile), "prunetop ended: \(exitStatus(exitFile))")
        // Down to the learning rate (end, frequency, exponent, budget, learning rate), make it diverge.
        try tmux(["send-keys", "-t", session, "Down", "Down", "Down", "Down", "Enter", "10000", "Enter"])
        try waitForScreen("the run to diverge") { $0.contains("DIVERGED") && $0.contains("training diverged at step") }
        try quitWithQQ(exitFile)
    }

    // MARK: Resize storm

    /// 200 resizes as fast as tmux takes them, down to 10x5 and up to 250x70: no crash; the
    /// too-small message is exactly the centred wording that fits, nothing else on screen;
    /// and back at 120x40 all six panels are drawn whole, with nothing left of the message.
    func testAResizeStormNeverCrashesAndEverySizeRedrawsCleanly() throws {
        let exitFile = try startDashboard(width: 120, height: 40)
        try waitForScreen("the six panels") { self.showsAllPanels($0, width: 120, height: 40) }

        var generator = SplitMix(seed: 7)
        var sizes: [(Int, Int)] = []
        for i in 0..<200 {
            switch i % 10 {
            case 0: sizes.append((10, 5))
            case 1: sizes.append((120, 40))
            case 2: sizes.append((80, 24))
            case 3: sizes.append((79, 23))
            default: sizes.append((10 + Int(generator.next() % 241), 5 + Int(generator.next() % 66)))
            }
        }
        // Forty resizes per tmux invocation: the dashboard sees them faster than it draws.
        for chunk in stride(from: 0, to: sizes.count, by: 40) {
            var arguments: [String] = []
            for (width, height) in sizes[chunk..<min(chunk + 40, sizes.count)] {
                if !arguments.isEmpty { arguments.append(";") }
                arguments += ["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"]
            }
            try tmux(arguments)
            XCTAssertFalse(FileManager.default.fileExists(atPath: exitFile), "prunetop ended during the storm: \(exitStatus(exitFile))")
        }

        for (width, height) in [(10, 5), (11, 5), (30, 8), (79, 24), (80, 23), (10, 5)] {
            try tmux(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"])
            let expected = tooSmallScreen(width: width, height: height)
            XCTAssertTrue(expected.contains { $0.contains("resize") }, "the wording at \(width)x\(height) names the fix")
            try waitForScreen("the too-small message at \(width)x\(height)", timeout: 20) { screen in
                self.lines(of: screen) == expected
            }
        }
        let tiny = tooSmallScreen(width: 10, height: 5)
        XCTAssertEqual(tiny.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }, ["resize to", "at least", "80x24 (now", "10x5)"],
                       "at 10x5 the whole message fits, wrapped")

        try tmux(["resize-window", "-t", session, "-x", "120", "-y", "40"])
        let full = try waitForScreen("all six panels whole at 120x40") { self.showsAllPanels($0, width: 120, height: 40) }
        XCTAssertFalse(full.contains("resize to"), "nothing left of the too-small message:\n\(full)")
        try quitWithQQ(exitFile)
    }

    // MARK: The terminal goes away

    /// Closing the terminal as a user does (the window goes, its interactive shell gets
    /// SIGHUP and passes it on to its jobs): prunetop ends with 129 within seconds, and no
    /// prunetop is left behind.
    func testClosingTheTerminalEndsTheDashboardWith129AndLeavesNoProcess() throws {
        let marker = "--epochs \(40_000 + Int.random(in: 0..<9_999))"
        let exitFile = PrunetopProcess.temporaryPath("exit")
        defer { try? FileManager.default.removeItem(atPath: exitFile) }
        try tmux(["new-session", "-d", "-s", session, "-x", "120", "-y", "40", "env PS1='$ ' bash --norc --noprofile -i"])
        try waitForScreen("the shell prompt") { $0.contains("$") }
        // The job is a subshell that ignores SIGHUP, so that it outlives the window and
        // writes prunetop's exit code; prunetop sets up its own SIGHUP handling.
        try tmux(["send-keys", "-t", session, "(trap '' HUP; TERM=xterm-256color \(binary) --data embedded \(marker); echo EXIT=$? > \(exitFile))",
                  "Enter"])
        try waitForScreen("the dashboard running") { $0.contains("Knobs") && $0.contains("RUNNING") }
        let pid = try processID(matching: marker)
        let killed = Date()
        try tmux(["kill-window", "-t", session])
        try waitForFile(exitFile, timeout: 15, "the exit code after the hang-up")
        XCTAssertEqual(exitStatus(exitFile), "EXIT=129", "a hang-up ends the dashboard with 128 + SIGHUP")
        try waitUntil("prunetop \(pid) to be gone", timeout: 10) { !self.isAlive(pid) }
        XCTAssertLessThan(Date().timeIntervalSince(killed), 10)
        XCTAssertEqual(try processIDs(matching: marker), [], "no prunetop left behind")
    }

    /// The terminal goes away without a SIGHUP reaching prunetop: here it runs in a session
    /// of its own; the same happens when the shell that started it ignores SIGHUP (the
    /// kernel hangs up only the session leader). Every read then ends at once with EOF; the
    /// dashboard must notice and end with 129, not spin on the dead terminal forever.
    func testATerminalThatHangsUpWithoutSIGHUPEndsTheDashboardInsteadOfSpinning() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid") else { throw XCTSkip("setsid is not installed") }
        let marker = "--epochs \(50_000 + Int.random(in: 0..<9_999))"
        let exitFile = try startDashboard(width: 120, height: 40, marker: marker, prefix: "trap '' HUP; ", launcher: "/usr/bin/setsid -w ",
                                          keepPane: false)
        try waitForScreen("the dashboard running") { $0.contains("Knobs") && $0.contains("RUNNING") }
        let pid = try processID(matching: marker)
        try tmux(["kill-server"])
        do {
            try waitForFile(exitFile, timeout: 15, "the exit code after the terminal went away")
        } catch {
            let cpu = cpuSeconds(pid)
            Thread.sleep(forTimeInterval: 1)
            XCTFail("prunetop \(pid) is still running on a dead terminal (main thread and all: \(cpuSeconds(pid) - cpu) s of CPU in 1 s)")
            throw error
        }
        XCTAssertEqual(exitStatus(exitFile), "EXIT=129")
        try waitUntil("prunetop \(pid) to be gone", timeout: 10) { !self.isAlive(pid) }
    }

    /// `prunetop tui` (and plain `prunetop`) with stdin that is not a terminal refuse at
    /// once with a clear message and 64, whether stdout is a terminal or not.
    func testTheDashboardRefusesAStdinThatIsNotATerminal() throws {
        for arguments in [["tui", "--data", "embedded"], ["--data", "embedded"]] {
            let result = try PrunetopProcess.run(arguments, timeout: 60)
            XCTAssertEqual(result.status, 64, "prunetop \(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains("the dashboard needs a terminal"), result.standardError)
            XCTAssertTrue(result.standardError.contains("prunetop run --headless"), result.standardError)
        }

        // stdout a terminal, stdin /dev/null: the same refusal, and the screen never switched.
        let errorFile = PrunetopProcess.temporaryPath("stderr")
        defer { try? FileManager.default.removeItem(atPath: errorFile) }
        let exitFile = try startDashboard(width: 120, height: 40, redirections: "< /dev/null 2> \(errorFile)", arguments: "tui")
        try waitForFile(exitFile, timeout: 30, "the refusal")
        XCTAssertEqual(exitStatus(exitFile), "EXIT=64")
        let message = try String(contentsOfFile: errorFile, encoding: .utf8)
        XCTAssertTrue(message.contains("the dashboard needs a terminal"), message)
        XCTAssertEqual(try tmux(["display-message", "-p", "-t", session, "#{alternate_on}"], capturing: true)
            .trimmingCharacters(in: .whitespacesAndNewlines), "0")
    }

    /// On a terminal that cannot move the cursor the dashboard refuses, saying why, instead
    /// of a blank screen over a run training unseen; the screen never switched.
    func testTERMDumbIsRefusedWithTheReasonAndTheAlternatives() throws {
        let errorFile = PrunetopProcess.temporaryPath("stderr")
        defer { try? FileManager.default.removeItem(atPath: errorFile) }
        let exitFile = try startDashboard(width: 120, height: 40, launcher: "env TERM=dumb ", redirections: "2> \(errorFile)",
                                          arguments: "tui")
        try waitForFile(exitFile, timeout: 30, "the refusal")
        XCTAssertEqual(exitStatus(exitFile), "EXIT=64")
        let message = try String(contentsOfFile: errorFile, encoding: .utf8)
        XCTAssertTrue(message.hasPrefix("Error: TERM=dumb cannot move the cursor, which the dashboard needs"), message)
        XCTAssertFalse(message.contains("Usage:"), message)
        XCTAssertEqual(try tmux(["display-message", "-p", "-t", session, "#{alternate_on}"], capturing: true)
            .trimmingCharacters(in: .whitespacesAndNewlines), "0")
    }

    /// Started in the background from an interactive shell, the dashboard refuses at once:
    /// it would otherwise stop on its first write to the terminal, where a SIGTERM stays
    /// pending and the job never ends.
    func testStartedInTheBackgroundTheDashboardRefusesInsteadOfStopping() throws {
        let exitFile = PrunetopProcess.temporaryPath("exit"), errorFile = PrunetopProcess.temporaryPath("stderr")
        defer { for file in [exitFile, errorFile] { try? FileManager.default.removeItem(atPath: file) } }
        try tmux(["new-session", "-d", "-s", session, "-x", "120", "-y", "40", "env PS1='$ ' bash --norc --noprofile -i"])
        try waitForScreen("the shell prompt") { $0.contains("$") }
        try tmux(["send-keys", "-t", session,
                  "TERM=xterm-256color \(binary) --data embedded --epochs 6543 2> \(errorFile) & wait $!; echo EXIT=$? > \(exitFile)", "Enter"])
        try waitForFile(exitFile, timeout: 30, "the refusal")
        XCTAssertEqual(exitStatus(exitFile), "EXIT=64", "ended at once, not stopped (a stopped job would leave wait waiting)")
        let message = try String(contentsOfFile: errorFile, encoding: .utf8)
        XCTAssertTrue(message.hasPrefix("Error: prunetop is in the background"), message)
        XCTAssertEqual(try processIDs(matching: "--epochs 6543"), [], "no prunetop left behind")
    }

    /// Once the run has finished, the keys that steer the trainer say why they do nothing
    /// (before: S created the checkpoint directory and no file, m and r were silent).
    func testAFinishedRunAnswersTheKeysThatSteerIt() throws {
        let exitFile = try startDashboard(width: 120, height: 40, marker: "--epochs 1")
        try waitForScreen("the run to finish") { $0.contains("FINISHED") }
        for (key, expected) in [("S", "S saves a live run to go on with later"), ("m", "the knobs steer a live run"),
                                ("r", "rewind acts on a live run"), ("s", "there is nothing left to pause or step")] {
            try tmux(["send-keys", "-t", session, key])
            try waitForScreen("\(key) on a finished run") { $0.contains("the run has finished: \(expected); q quits") }
        }
        try tmux(["send-keys", "-t", session, "q"])
        try waitForFile(exitFile, timeout: 30, "the exit code")
        XCTAssertEqual(exitStatus(exitFile), "EXIT=0", "a finished run quits at the first q")
    }

    // MARK: Helpers

    /// Starts the dashboard on the embedded data in a fresh tmux session; returns the file
    /// the shell writes `EXIT=<code>` to when prunetop ends. With `keepPane`, the pane stays
    /// open after (to look at the terminal); without, nothing outlives the shell's echo.
    private func startDashboard(width: Int, height: Int, marker: String = "--epochs 100000", prefix: String = "",
                                launcher: String = "", redirections: String = "", arguments: String = "",
                                keepPane: Bool = true) throws -> String {
        let exitFile = PrunetopProcess.temporaryPath("exit")
        let checkpoints = PrunetopProcess.temporaryPath("checkpoints")
        addTeardownBlock {
            try? FileManager.default.removeItem(atPath: exitFile)
            try? FileManager.default.removeItem(atPath: checkpoints)
        }
        let command = prefix + "TERM=xterm-256color \(launcher)\(binary) \(arguments) --data embedded \(marker) --checkpoint-dir \(checkpoints)"
            + " \(redirections); echo EXIT=$? > \(exitFile)" + (keepPane ? "; exec sleep 60" : "")
        try tmux(["new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)", command])
        return exitFile
    }

    private func quitWithQQ(_ exitFile: String) throws {
        try tmux(["send-keys", "-t", session, "q"])
        try waitForScreen("the quit confirmation") { $0.contains("press q again") }
        try tmux(["send-keys", "-t", session, "q"])
        try waitForFile(exitFile, timeout: 30, "the exit code")
        XCTAssertEqual(exitStatus(exitFile), "EXIT=0")
        XCTAssertEqual(try tmux(["display-message", "-p", "-t", session, "#{alternate_on}"], capturing: true)
            .trimmingCharacters(in: .whitespacesAndNewlines), "0", "the terminal is back on the normal screen")
    }

    /// The six panel titles, each panel's four corners, and no line wider than the screen.
    private func showsAllPanels(_ screen: String, width: Int, height: Int) -> Bool {
        let lines = lines(of: screen)
        let count = { (glyph: Character) in lines.reduce(0) { $0 + $1.filter { $0 == glyph }.count } }
        return titles.allSatisfy(screen.contains) && !screen.contains("method / undo switch") && lines.count == height
            && lines.allSatisfy { $0.count <= width } && ["╭", "╮", "╰", "╯"].allSatisfy { count(Character($0)) == titles.count }
    }

    /// TooSmallView's wording for this size, centred as the dashboard draws it, with
    /// trailing blanks trimmed as capture-pane prints them.
    private func tooSmallScreen(width: Int, height: Int) -> [String] {
        let message = TooSmallView.lines(width: width, height: height)
        var rows = Array(repeating: "", count: height)
        let top = (height - message.count) / 2
        for (i, line) in message.enumerated() { rows[top + i] = String(repeating: " ", count: (width - line.count) / 2) + line }
        return rows
    }

    private func lines(of screen: String) -> [String] {
        var lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
    }

    private var server: TmuxServer { TmuxServer(socket: socket, session: session) }

    @discardableResult
    private func tmux(_ arguments: [String], capturing: Bool = false) throws -> String {
        try server.run(arguments, capturing: capturing)
    }

    private func screen() throws -> String { try server.screen() }

    @discardableResult
    private func waitForScreen(_ what: String, timeout: TimeInterval = 60, file: StaticString = #filePath, line: UInt = #line,
                               _ condition: (String) -> Bool) throws -> String {
        try server.waitForScreen(what, timeout: timeout, file: file, line: line, condition)
    }

    private func waitUntil(_ what: String, timeout: TimeInterval, file: StaticString = #filePath, line: UInt = #line,
                           _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else {
                XCTFail("timed out after \(timeout) s waiting for \(what)", file: file, line: line)
                throw XCTSkip("stopped after a failed wait")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    private func waitForFile(_ path: String, timeout: TimeInterval, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        try waitUntil(what, timeout: timeout, file: file, line: line) {
            (try? String(contentsOfFile: path, encoding: .utf8))?.hasSuffix("\n") == true
        }
    }

    private func exitStatus(_ path: String) -> String {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "no exit file").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Alive and not a zombie.
    private func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    /// User + system CPU seconds of a process, from /proc.
    private func cpuSeconds(_ pid: pid_t) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The pids of the prunetop processes whose command line contains `marker`.
    private func processIDs(matching marker: String) throws -> [pid_t] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap { pid_t($0) }.filter { pid in
            guard isAlive(pid), let line = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8) else { return false }
            let arguments = line.split(separator: "\0").map(String.init)
            return arguments.first?.hasSuffix("prunetop") == true && arguments.joined(separator: " ").contains(marker)
        }
    }

    /// The pid of the one prunetop whose command line contains `marker`.
    private func processID(matching marker: String) throws -> pid_t {
        let matches = try processIDs(matching: marker)
        guard matches.count == 1 else {
            XCTFail("expected one prunetop with \(marker), found \(matches)")
            throw XCTSkip("no single process to watch")
        }
        started.append(matches[0])
        return matches[0]
    }
}

/// A small seeded generator, so the storm's sizes are the same on every run.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
