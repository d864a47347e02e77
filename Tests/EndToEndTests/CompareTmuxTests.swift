import Foundation
import RunLogs
import TUI
import XCTest

/// `prunetop compare` in a real terminal (tmux) on two real short runs, magnitude pruning and
/// SNIP of LeNet-300-100: the header's differences match the logs, l selects the next layer
/// in the table and both histograms, q quits; `--once` prints the same comparison through a pipe.
final class CompareTmuxTests: XCTestCase {
    private let socket = "prunetop-compare-\(ProcessInfo.processInfo.processIdentifier)"
    private let session = "compare"
    private var server: TmuxServer { TmuxServer(socket: socket, session: session) }
    private var directory = ""

    override func setUpWithError() throws {
        directory = PrunetopProcess.temporaryPath("compare")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        _ = try? server.run(["kill-server"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func record(_ method: String) throws -> String {
        let log = directory + "/\(method).jsonl"
        let result = try PrunetopProcess.run(["run", "--data", "embedded", "--epochs", "2", "--batch", "64", "--method", method,
                                              "--sparsity", "0.9", "--eval-every", "11", "--jsonl", log])
        XCTAssertEqual(result.status, 0, result.standardError)
        return log
    }

    func testTwoRunsSideBySideSelectALayerAndQuit() throws {
        guard (try? server.run(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
        let (magnitude, snip) = (try record("magnitude"), try record("snip"))
        let accuracy = { (path: String) in try XCTUnwrap(ReplayTimeline(path: path).moments.last?.snapshot.evaluations.last?.accuracy) }
        let (a, b) = (try accuracy(magnitude), try accuracy(snip))
        let delta = 100 * (b - a)
        let magnitudeText = String(format: "%.2f", abs(delta))
        let expectedDelta = "Δ " + (Double(magnitudeText) == 0 ? "" : delta > 0 ? "+" : "−") + magnitudeText + " pt"

        let exitFile = directory + "/exit"
        let command = "TERM=xterm-256color \(PrunetopProcess.executable.path) compare \(magnitude) \(snip); echo EXIT=$? > \(exitFile); sleep 30"
        try server.run(["new-session", "-d", "-s", session, "-x", "120", "-y", "40", command])
        let screen = try server.waitForScreen("the comparison") { $0.contains("COMPARE") && $0.contains("Layer sparsity") }
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(lines[0].contains(String(format: "final acc %.2f%% → %.2f%% %@", 100 * a, 100 * b, expectedDelta)), lines[0])
        XCTAssertTrue(lines[1].contains("A magnitude.jsonl (magnitude, finished)") && lines[1].contains("B snip.jsonl (snip, finished)"), lines[1])
        XCTAssertTrue(["Occam's hill", "Loss", "Test accuracy", "Weights A", "Weights B"].allSatisfy(screen.contains), screen)
        XCTAssertEqual(lines.filter { $0.contains("fc1.weight  ") && $0.contains("log") }.count, 1, "fc1's histograms, A's and B's on one row")

        try server.run(["send-keys", "-t", session, "l"])
        let next = try server.waitForScreen("fc2's histograms") { screen in
            screen.split(separator: "\n").contains { $0.components(separatedBy: "fc2.weight  ").count == 3 }
        }
        XCTAssertFalse(next.split(separator: "\n").contains { $0.components(separatedBy: "fc1.weight  ").count == 3 }, next)
        try server.run(["send-keys", "-t", session, "q"])
        let deadline = Date().addingTimeInterval(20)
        while (try? String(contentsOfFile: exitFile, encoding: .utf8))?.hasSuffix("\n") != true && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertEqual(try? String(contentsOfFile: exitFile, encoding: .utf8), "EXIT=0\n")

        let once = try PrunetopProcess.run(["compare", magnitude, snip, "--once", "--width", "120", "--height", "40"])
        XCTAssertEqual(once.status, 0, once.standardError)
        XCTAssertFalse(once.standardOutput.contains("\u{1B}"), "plain through a pipe")
        let printed = once.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(printed.count, 41)
        XCTAssertTrue(printed[0].contains(expectedDelta), String(printed[0]))
        XCTAssertTrue(printed[39].contains("magnitude.jsonl vs snip.jsonl (prunetop compare --once)"), String(printed[39]))
        let refused = try PrunetopProcess.run(["compare", magnitude, snip])
        XCTAssertTrue(refused.standardError.contains("compare needs a terminal"), refused.standardError)
    }

    /// A log still being written: B starts as the first lines of a real run's log, and its
    /// remaining lines are appended in two writes that split an evaluation line (170 kB) in
    /// the middle. The screen follows (B's steps, then "finished"), never reads the half
    /// line as a bad one, and the layer the user selected stays selected.
    func testALogStillWrittenIsFollowed() throws {
        guard (try? server.run(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
        let a = try record("magnitude")
        let lines = try String(contentsOfFile: a, encoding: .utf8).split(separator: "\n").map { String($0) + "\n" }
        let evaluations = lines.indices.filter { lines[$0].hasPrefix(#"{"event":"eval""#) }
        XCTAssertGreaterThanOrEqual(evaluations.count, 3, "the run evaluates at least three times")
        let (second, third) = (evaluations[1], evaluations[2])
        let step = { (line: String) in try XCTUnwrap((JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["step"] as? Int) }
        let (secondStep, beforeThirdStep, lastStep) = (try step(lines[second]), try step(lines[third - 1]), try step(lines[lines.count - 1]))
        let b = directory + "/b.jsonl"
        try lines[...second].joined().write(toFile: b, atomically: true, encoding: .utf8)

        let exitFile = directory + "/exit"
        let command = "TERM=xterm-256color \(PrunetopProcess.executable.path) compare \(a) \(b); echo EXIT=$? > \(exitFile); sleep 30"
        try server.run(["new-session", "-d", "-s", session, "-x", "120", "-y", "40", command])
        var screen = try server.waitForScreen("B live at its second evaluation") {
            $0.contains("b.jsonl (magnitude, live)") && $0.contains("steps \(lastStep) → \(secondStep)")
        }
        XCTAssertTrue(screen.contains("magnitude.jsonl (magnitude, finished)"), screen)
        try server.run(["send-keys", "-t", session, "l"])
        let fc2Selected = { (screen: String) in screen.split(separator: "\n").contains { $0.components(separatedBy: "fc2.weight  ").count == 3 } }
        try server.waitForScreen("fc2's histograms", fc2Selected)

        let split = Array(lines[third].utf8), handle = try FileHandle(forWritingTo: URL(fileURLWithPath: b))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines[(second + 1)..<third].joined().utf8) + Data(split[..<(split.count / 2)]))
        screen = try server.waitForScreen("B's progress up to the half-written evaluation") { $0.contains("steps \(lastStep) → \(beforeThirdStep)") }
        Thread.sleep(forTimeInterval: 0.5)  // several polls of the half line
        screen = try server.screen()
        XCTAssertTrue(screen.contains("b.jsonl (magnitude, live)") && !screen.contains("skipped"), screen)
        try handle.write(contentsOf: Data(split[(split.count / 2)...]) + Data(lines[(third + 1)...].joined().utf8))
        try handle.close()
        screen = try server.waitForScreen("B finished") { $0.contains("b.jsonl (magnitude, finished)") && $0.contains("steps \(lastStep) → \(lastStep)") }
        XCTAssertTrue(fc2Selected(screen), "fc2 still selected: \(screen)")
        XCTAssertTrue(screen.contains("Δ 0.00 pt"), "the same run twice: no difference\n\(screen)")

        try server.run(["send-keys", "-t", session, "q"])
        let deadline = Date().addingTimeInterval(20)
        while (try? String(contentsOfFile: exitFile, encoding: .utf8))?.hasSuffix("\n") != true && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertEqual(try? String(contentsOfFile: exitFile, encoding: .utf8), "EXIT=0\n")
    }

    /// `tui --compare B.jsonl` follows B's log too: B starts at its second evaluation, the rest
    /// is appended, and the Loss panel's legend moves to B's last loss; a bad line
    /// appended after it is named on the message line, by its line number in the log.
    func testTheTUIFollowsAComparedLogStillWritten() throws {
        guard (try? server.run(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
        let full = try record("magnitude")
        let lines = try String(contentsOfFile: full, encoding: .utf8).split(separator: "\n").map { String($0) + "\n" }
        let second = lines.indices.filter { lines[$0].hasPrefix(#"{"event":"eval""#) }[1]
        func lossLegend(_ text: String) throws -> String {
            let history = ComparedRun(name: "b.jsonl", timeline: try ReplayTimeline(text: text, path: "b.jsonl")).history
            return "━◆ B loss " + String(format: "%.3g", try XCTUnwrap(history.loss.last).value)
        }
        let (before, after) = (try lossLegend(lines[...second].joined()), try lossLegend(lines.joined()))
        XCTAssertNotEqual(before, after, "the run's loss moved after its second evaluation")
        let b = directory + "/b.jsonl"
        try lines[...second].joined().write(toFile: b, atomically: true, encoding: .utf8)

        let command = "TERM=xterm-256color \(PrunetopProcess.executable.path) tui --data embedded --epochs 50 --eval-every 50 --compare \(b); sleep 30"
        try server.run(["new-session", "-d", "-s", session, "-x", "220", "-y", "50", command])  // room for every legend entry
        try server.waitForScreen("B's loss at its second evaluation") { $0.contains(before) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: b))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines[(second + 1)...].joined().utf8))
        try server.waitForScreen("B's last loss") { $0.contains(after) }
        try handle.write(contentsOf: Data(#"{"event":"progress","step":-1}"#.utf8 + [UInt8(ascii: "\n")]))
        try handle.close()
        try server.waitForScreen("the bad line named") { $0.contains("--compare: \(b):\(lines.count + 1): step: expected an integer >= 0") }
    }
}
