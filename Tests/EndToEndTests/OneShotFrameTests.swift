import DashboardModel
import Foundation
import RunLogs
import TUI
import XCTest

/// `prunetop show` and `tui --once` through a pipe (no terminal): the frame `show` prints is
/// the one the replay draws when stepped to that moment, at any size; errors name the log's
/// range and the line that is not a run log.
final class OneShotFrameTests: XCTestCase {
    /// A real run's log, recorded once for the class.
    private static let log = PrunetopProcess.temporaryPath("show.jsonl")

    override class func setUp() {
        super.setUp()
        let result = try? PrunetopProcess.run(["run", "--data", "embedded", "--epochs", "3", "--batch", "64", "--method", "magnitude",
                                               "--sparsity", "0.9", "--schedule", "oneshot:22", "--eval-every", "11", "--jsonl", log])
        XCTAssertEqual(result?.status, 0, result?.standardError ?? "prunetop did not run")
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(atPath: log)
        super.tearDown()
    }

    /// The replay stepped with `s` from its start up to the last moment at or before `step`,
    /// drawing a frame at each moment as the dashboard does, then that frame as plain text.
    private static func replayedFrame(_ log: String, step: Int, width: Int, height: Int, caption: String) throws -> String {
        let timeline = try ReplayTimeline(path: log)
        let replay = ReplaySource(timeline: timeline)  // at replay's default speed, as show draws it
        var options = DashboardApp.Options()
        options.colorChoice = .none
        let app = try DashboardApp(source: replay, frameContext: DashboardFrameContext(network: try XCTUnwrap(timeline.network)),
                                   options: options)
        let target = try XCTUnwrap(timeline.moments.lastIndex { $0.snapshot.step <= step })
        _ = app.frame(width: width, height: height)
        while replay.index < target {
            replay.stepToNextMoment()
            _ = app.frame(width: width, height: height)
        }
        XCTAssertEqual(replay.index, target)
        return ScreenText.plain(app.frame(width: width, height: height, caption: caption))
    }

    func testShowPrintsTheFrameTheReplayDrawsAtThatStep() throws {
        let log = Self.log
        for (width, height, step) in [(80, 24, 30), (160, 48, 66)] {
            let shown = try PrunetopProcess.run(["show", log, "--at", String(step), "--width", String(width), "--height", String(height)])
            XCTAssertEqual(shown.status, 0, shown.standardError)
            let shownStep = try XCTUnwrap(ReplayTimeline(path: log).moments.last { $0.snapshot.step <= step }).snapshot.step
            let caption = "\((log as NSString).lastPathComponent) at step \(shownStep) of 66 (prunetop show)"
            let lines = shown.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertEqual(lines.count, height + 1, "\(height) rows and a final line break")
            XCTAssertFalse(shown.standardOutput.contains("\u{1B}"), "a pipe gets plain text")
            XCTAssertTrue(lines.allSatisfy { $0.count <= width && $0.last != " " }, "trailing spaces trimmed")
            let replayed = try Self.replayedFrame(log, step: step, width: width, height: height, caption: caption)
            XCTAssertEqual(shown.standardOutput, replayed,
                           "\(width)x\(height) at step \(step)")
            XCTAssertTrue(lines[0].contains("REPLAY"), String(lines[0]))
            XCTAssertTrue(lines[height - 1].contains("show.jsonl at step \(shownStep) of 66"), String(lines[height - 1]))
        }
        let last = try PrunetopProcess.run(["show", log, "--width", "100", "--height", "30"])
        XCTAssertTrue(last.standardOutput.contains("\((log as NSString).lastPathComponent) at step 66 of 66"), "the last step by default")
        XCTAssertTrue(last.standardOutput.contains("FINISHED"), last.standardOutput)

        let coloured = try PrunetopProcess.run(["show", log, "--color", "always", "--width", "80", "--height", "24"])
        XCTAssertTrue(coloured.standardOutput.contains("\u{1B}[0;"), "--color always colours a pipe")
        var noColor = PrunetopProcess.cleanEnvironment
        noColor["NO_COLOR"] = "1"
        let plain = try PrunetopProcess.run(["show", log, "--width", "80", "--height", "24"], environment: noColor)
        XCTAssertFalse(plain.standardOutput.contains("\u{1B}"))

        let beyond = try PrunetopProcess.run(["show", log, "--at", "999"])
        XCTAssertNotEqual(beyond.status, 0)
        // The range starts at the log's first line with a step: a progress line if the recorder
        // wrote one before the first evaluation (a matter of speed), else that evaluation.
        let first = try XCTUnwrap(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").lazy.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["step"] as? Int
        }.first)
        XCTAssertTrue(beyond.standardError.contains("--at 999: \(log) records steps \(first) to 66"), beyond.standardError)
        let notALog = PrunetopProcess.temporaryPath("not-a-log.jsonl")
        try "{\"event\":\"start\",\"total_steps\":10,\"steps_per_epoch\":5}\nstep 3 loss 0.5\n".write(toFile: notALog, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: notALog) }
        let refused = try PrunetopProcess.run(["show", notALog])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.standardError.contains("\(notALog):2: expected one JSON object per line"), refused.standardError)
    }

    func testTUIOncePrintsTheFrameOfTheFirstEvaluationAndStops() throws {
        let once = try PrunetopProcess.run(["tui", "--data", "embedded", "--epochs", "3", "--batch", "64", "--eval-every", "11",
                                            "--once", "--width", "100", "--height", "30"])
        XCTAssertEqual(once.status, 0, once.standardError)
        let lines = once.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 31, once.standardOutput)
        XCTAssertTrue(lines[0].contains("test acc"), "the first evaluation is in: \(lines[0])")
        XCTAssertTrue(lines[29].contains("(prunetop tui --once: the run stops here)"), String(lines[29]))
        XCTAssertTrue(["Sparsity", "Weights", "Occam's hill", "Loss", "Speedup", "Knobs"].allSatisfy(once.standardOutput.contains))

        let stepped = try PrunetopProcess.run(["tui", "--data", "embedded", "--epochs", "3", "--batch", "64", "--once", "--steps", "5",
                                               "--width", "80", "--height", "24"])
        XCTAssertEqual(stepped.status, 0, stepped.standardError)
        let step = try XCTUnwrap(stepped.standardOutput.firstMatch(of: /step (\d+)\/66/)?.1).description
        XCTAssertGreaterThanOrEqual(Int(step) ?? 0, 5, stepped.standardOutput)

        let misuse = try PrunetopProcess.run(["tui", "--steps", "5"])
        XCTAssertTrue(misuse.standardError.contains("add --once"), misuse.standardError)
    }

    /// The config file's `panels` (and `--panels` over it) in printed frames.
    func testOneShotFramesShowThePanelSet() throws {
        let config = PrunetopProcess.temporaryPath("config")
        defer { try? FileManager.default.removeItem(atPath: config) }
        try FileManager.default.createDirectory(atPath: config + "/prunetop", withIntermediateDirectories: true)
        try "panels: [sparsity, hill]\n".write(toFile: config + "/prunetop/config.yaml", atomically: true, encoding: .utf8)
        var environment = PrunetopProcess.cleanEnvironment
        environment["XDG_CONFIG_HOME"] = config
        func titles(_ frame: String) -> [String] {
            ["Sparsity", "Weights", "Occam's hill", "Speedup", "Loss", "Knobs"].filter { frame.contains("─ \($0) ─") || frame.contains("- \($0) -") }
        }
        let shown = try PrunetopProcess.run(["show", Self.log, "--width", "80", "--height", "24"], environment: environment)
        XCTAssertEqual(shown.status, 0, shown.standardError)
        XCTAssertEqual(titles(shown.standardOutput), ["Sparsity", "Occam's hill"], shown.standardOutput)
        let flagged = try PrunetopProcess.run(["show", Self.log, "--panels", "knobs,Loss", "--width", "160", "--height", "48"], environment: environment)
        XCTAssertEqual(titles(flagged.standardOutput), ["Loss", "Knobs"], "the flag wins: \(flagged.standardOutput)")
        let once = try PrunetopProcess.run(["tui", "--data", "embedded", "--epochs", "3", "--batch", "64", "--once", "--steps", "5",
                                            "--width", "80", "--height", "24"], environment: environment)
        XCTAssertEqual(once.status, 0, once.standardError)
        XCTAssertEqual(titles(once.standardOutput), ["Sparsity", "Occam's hill"], once.standardOutput)
        let refused = try PrunetopProcess.run(["show", Self.log, "--panels", "sparsity,hil"], environment: environment)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.standardError.contains("--panels sparsity,hil: unknown panel 'hil'; expected some of sparsity, weights, hill, "
                                                     + "speedup, loss, knobs; did you mean 'hill'?"), refused.standardError)
    }

    func testTUIOnceDrawsAComparedRunUnderTheLiveOne() throws {
        let log = Self.log
        let once = try PrunetopProcess.run(["tui", "--data", "embedded", "--epochs", "3", "--batch", "64", "--eval-every", "11",
                                            "--method", "snip", "--once", "--compare", log, "--width", "160", "--height", "40"])
        XCTAssertEqual(once.status, 0, once.standardError)
        let legend = try XCTUnwrap(once.standardOutput.split(separator: "\n").first { $0.contains("━ loss") })
        XCTAssertTrue(legend.contains("━◆ B loss") && legend.contains("━◆ B acc"), String(legend))
        XCTAssertTrue(once.standardOutput.contains("◆"), "the compared run's points on Occam's hill")
        let refused = try PrunetopProcess.run(["tui", "--data", "embedded", "--once", "--compare", "/etc/hostname"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.standardError.contains("--compare: /etc/hostname:1:"), refused.standardError)
    }
}
