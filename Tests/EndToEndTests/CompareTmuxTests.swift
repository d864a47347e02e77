import Foundation
import RunLogs
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
}
