import Foundation
import Training
import XCTest

/// The real dashboard in a real terminal: tmux runs prunetop, send-keys types, and
/// capture-pane reads the screen. Every wait polls with a timeout; no fixed sleeps.
final class DashboardTmuxTests: XCTestCase {
    private let socket = "prunetop-e2e-\(ProcessInfo.processInfo.processIdentifier)"
    private let session = "dash"

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

    private var binary: String { PrunetopProcess.releaseExecutable }

    override func tearDown() {
        _ = try? tmux(["kill-server"])
    }

    func testTheDashboardStartsSteersResizesAndQuitsCleanly() throws {
        guard (try? tmux(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
        let exitFile = PrunetopProcess.temporaryPath("exit"), checkpoints = PrunetopProcess.temporaryPath("checkpoints")
        let command = "TERM=xterm-256color \(binary) --data embedded --epochs 5000 --checkpoint-dir \(checkpoints); "
            + "echo EXIT=$? > \(exitFile); sleep 30"
        try tmux(["new-session", "-d", "-s", session, "-x", "120", "-y", "40", command])
        let titles = ["Sparsity", "Weights", "Occam's hill", "Speedup", "Loss", "Knobs"]
        try waitForScreen("the six panels and a running status line") { screen in
            titles.allSatisfy(screen.contains) && screen.contains("RUNNING") && screen.contains("of 0.900")
        }

        try tmux(["send-keys", "-t", session, "+"])
        try waitForScreen("the target sparsity knob to reach the trainer") { screen in
            screen.contains("of 0.950") && screen.contains("target sparsity 0.90 → 0.95")
        }
        // m proposes and says what the switch would do; Esc keeps the method; Enter switches; u undoes.
        try tmux(["send-keys", "-t", session, "m"])
        let proposal = try waitForScreen("the proposed switch") { $0.contains("Enter: switch magnitude → random (m next, Esc keeps magnitude)") }
        XCTAssertNotNil(proposal.range(of: #"it changes [\d,]+ of [\d,]+ masks at once"#, options: .regularExpression), proposal)
        XCTAssertTrue(proposal.split(separator: "\n").first?.contains("magnitude") == true, "nothing switched yet")
        try tmux(["send-keys", "-t", session, "Escape"])
        try waitForScreen("the method kept") { $0.contains("kept magnitude") }
        try tmux(["send-keys", "-t", session, "m", "m"])
        try waitForScreen("the next method proposed") { $0.contains("Enter: switch magnitude → ") && !$0.contains("→ random (m next") }
        try tmux(["send-keys", "-t", session, "Escape"])
        try waitForScreen("the method kept again") { $0.contains("kept magnitude") }
        try tmux(["send-keys", "-t", session, "m"])
        try waitForScreen("random proposed again") { $0.contains("Enter: switch magnitude → random") }
        try tmux(["send-keys", "-t", session, "Enter"])
        try waitForScreen("the method to change") { screen in
            screen.contains("method magnitude → random at step") && screen.contains("u undoes it")
                && screen.split(separator: "\n").first?.contains("random") == true
        }
        try tmux(["send-keys", "-t", session, "u"])
        try waitForScreen("the switch undone") { screen in
            screen.contains("undone: random → back to magnitude") && screen.split(separator: "\n").first?.contains("magnitude") == true
        }
        try tmux(["send-keys", "-t", session, "m"])
        try waitForScreen("random proposed once more") { $0.contains("Enter: switch magnitude → random") }
        try tmux(["send-keys", "-t", session, "Enter"])
        try waitForScreen("random again") { $0.split(separator: "\n").first?.contains("random") == true }

        try tmux(["send-keys", "-t", session, "S"])
        try waitForScreen("the checkpoint the S key saved") { $0.contains("checkpoint saved to \(checkpoints)/dashboard-") }
        let saved = try FileManager.default.contentsOfDirectory(atPath: checkpoints)
        XCTAssertEqual(saved.count, 1)
        XCTAssertEqual(try Checkpoint.read(from: checkpoints + "/" + saved[0]).config.sparsity.method, "random",
                       "the checkpoint has the method the knob set")

        try tmux(["send-keys", "-t", session, "?"])
        try waitForScreen("the help overlay") { $0.contains("method / undo switch") && $0.contains("rewind") }
        try tmux(["send-keys", "-t", session, "x"])
        try waitForScreen("the help overlay to close") { !$0.contains("method / undo switch") }

        try tmux(["resize-window", "-t", session, "-x", "80", "-y", "24"])
        try waitForScreen("the compact layout at 80x24") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return titles.allSatisfy(screen.contains) && lines.count >= 24 && lines.allSatisfy { $0.count <= 80 }
        }
        try tmux(["resize-window", "-t", session, "-x", "60", "-y", "20"])
        try waitForScreen("the too-small message") { $0.contains("80x24") && !$0.contains("Knobs") }
        try tmux(["resize-window", "-t", session, "-x", "120", "-y", "40"])
        try waitForScreen("the full layout again") { screen in titles.allSatisfy(screen.contains) }

        try tmux(["send-keys", "-t", session, "q"])
        try waitForScreen("the quit confirmation") { $0.contains("press q again") }
        try tmux(["send-keys", "-t", session, "q"])
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline && !FileManager.default.fileExists(atPath: exitFile) { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual(try String(contentsOfFile: exitFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), "EXIT=0")
        XCTAssertEqual(try tmux(["display-message", "-p", "-t", session, "#{alternate_on}"], capturing: true).trimmingCharacters(in: .whitespacesAndNewlines),
                       "0", "the terminal is back on the normal screen")
    }

    /// In an interactive shell, as a user runs it: a diverging run pauses itself and says
    /// so while the keys still work; Ctrl-Z hands the terminal back to the shell and `fg`
    /// redraws the dashboard; SIGTERM ends it with 143 and a crash (SIGSEGV) with 139, the
    /// terminal restored each time.
    func testDivergenceSuspendAndSIGTERMLeaveTheTerminalUsable() throws {
        guard (try? tmux(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
        try tmux(["new-session", "-d", "-s", session, "-x", "120", "-y", "40", "env PS1='$ ' bash --norc --noprofile -i"])
        try waitForScreen("the shell prompt") { $0.contains("$") }
        let marker = "--epochs 4321"
        try tmux(["send-keys", "-t", session, "TERM=xterm-256color \(binary) --data embedded \(marker) --lr 100", "Enter"])
        try waitForScreen("the run to diverge, pause and say why") { screen in
            screen.contains("DIVERGED") && screen.contains("training diverged at step") && screen.contains("lower the learning rate")
        }
        try tmux(["send-keys", "-t", session, "?"])
        try waitForScreen("the help overlay on a diverged run") { $0.contains("method / undo switch") }
        try tmux(["send-keys", "-t", session, "x"])
        try waitForScreen("the help overlay to close") { !$0.contains("method / undo switch") && $0.contains("DIVERGED") }

        try tmux(["send-keys", "-t", session, "C-z"])
        try waitForScreen("the shell's job-stopped notice on the normal screen") { $0.contains("Stopped") }
        XCTAssertEqual(try alternateScreen(), "0", "Ctrl-Z leaves the dashboard's screen")
        try tmux(["send-keys", "-t", session, "fg", "Enter"])
        try waitForScreen("the dashboard to come back") { $0.contains("Occam's hill") && $0.contains("DIVERGED") }
        XCTAssertEqual(try alternateScreen(), "1")

        let pid = try XCTUnwrap(Int32(try processID(matching: marker)))
        XCTAssertEqual(kill(pid, SIGTERM), 0)
        try waitForScreen("the shell prompt after SIGTERM") { !$0.contains("Occam's hill") }
        try tmux(["send-keys", "-t", session, "echo EXIT=$?", "Enter"])
        try waitForScreen("the exit status") { $0.contains("EXIT=143") }
        XCTAssertEqual(try alternateScreen(), "0", "the terminal is back on the normal screen")

        // SIGUSR1 and SIGQUIT (Ctrl-\\) end it the same way, not with the terminal left behind.
        for (signal, code) in [(SIGUSR1, 138), (SIGQUIT, 131)] {
            try tmux(["send-keys", "-t", session, "clear; TERM=xterm-256color \(binary) --data embedded \(marker)", "Enter"])
            try waitForScreen("the dashboard again") { $0.contains("Occam's hill") && $0.contains("RUNNING") }
            XCTAssertEqual(kill(try XCTUnwrap(Int32(try processID(matching: marker))), signal), 0)
            try waitForScreen("the shell prompt after signal \(signal)") { !$0.contains("Occam's hill") }
            try tmux(["send-keys", "-t", session, "echo EXIT=$?", "Enter"])
            try waitForScreen("exit status \(code)") { $0.contains("EXIT=\(code)") }
            XCTAssertEqual(try alternateScreen(), "0", "signal \(signal): the terminal is back on the normal screen")
        }

        // The crash path: a fatal signal still puts the terminal back before the process dies.
        try tmux(["send-keys", "-t", session, "clear; TERM=xterm-256color \(binary) --data embedded \(marker)", "Enter"])
        try waitForScreen("the dashboard again") { $0.contains("Occam's hill") && $0.contains("RUNNING") }
        XCTAssertEqual(kill(try XCTUnwrap(Int32(try processID(matching: marker))), SIGSEGV), 0)
        try waitForScreen("the shell after the crash") { !$0.contains("Occam's hill") }
        try tmux(["send-keys", "-t", session, "echo EXIT=$?", "Enter"])
        try waitForScreen("the crash's exit status") { $0.contains("EXIT=139") }
        XCTAssertEqual(try alternateScreen(), "0", "the crash guard restored the terminal")
    }

    private func alternateScreen() throws -> String {
        try tmux(["display-message", "-p", "-t", session, "#{alternate_on}"], capturing: true)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The pid of the one prunetop whose command line contains `marker`.
    private func processID(matching marker: String) throws -> String {
        let processes = try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { Int($0) != nil }
        let matches = processes.filter { pid in
            guard let line = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8) else { return false }
            let arguments = line.split(separator: "\0").map(String.init)
            return arguments.first?.hasSuffix("prunetop") == true && arguments.joined(separator: " ").contains(marker)
        }
        guard matches.count == 1 else { throw XCTSkip("expected one prunetop with \(marker), found \(matches)") }
        return matches[0]
    }

    /// A recorded run replayed in the real dashboard: it plays, + speeds it up, space pauses,
    /// s steps, and q quits at once (nothing to lose); an overlay draws under a live run.
    func testReplayPlaysARecordedRunAndTheOverlayShowsOnTheHill() throws {
        guard (try? tmux(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
        let log = PrunetopProcess.temporaryPath("replayed.jsonl")
        let recorded = try PrunetopProcess.run(["run", "--data", "embedded", "--epochs", "4", "--method", "magnitude", "--sparsity", "0.9",
                                                "--eval-every", "5", "--jsonl", log])
        XCTAssertEqual(recorded.status, 0, recorded.standardError)
        let exitFile = PrunetopProcess.temporaryPath("exit")
        try tmux(["new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                  "TERM=xterm-256color \(binary) replay \(log) --speed 0.25; echo EXIT=$? > \(exitFile); sleep 30"])
        try waitForScreen("the replay playing") { $0.contains("replay 0.25x playing") && $0.contains("Occam's hill") }
        try tmux(["send-keys", "-t", session, "+"])
        try waitForScreen("a faster replay") { $0.contains("replay 0.5x playing") }
        try tmux(["send-keys", "-t", session, " "])
        try waitForScreen("the replay paused") { $0.contains("replay 0.5x paused") && $0.contains("PAUSED") }
        let before = try screen().split(separator: "\n").first.map(String.init) ?? ""
        try tmux(["send-keys", "-t", session, "s"])
        try waitForScreen("a step to the next recorded moment") { ($0.split(separator: "\n").first.map(String.init) ?? "") != before }
        try tmux(["send-keys", "-t", session, "q"])
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline && !FileManager.default.fileExists(atPath: exitFile) { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual(try String(contentsOfFile: exitFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), "EXIT=0")
        try tmux(["kill-server"])

        try tmux(["new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                  "TERM=xterm-256color \(binary) --data embedded --epochs 5000 --overlay \(log); sleep 30"])
        try waitForScreen("the earlier run's points on Occam's hill") { $0.contains("◆") && $0.contains("RUNNING") }
    }

    /// A grid sweep overlaid (two methods, two seeds a cell): one hill per method under the
    /// live run, each with its own mark, named in the legend of the 160-column layout.
    func testAGridSweepOverlayShowsOneNamedHillPerMethod() throws {
        guard (try? tmux(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
        let table = PrunetopProcess.temporaryPath("sweep.jsonl")
        var lines: [String] = []
        for (method, target, accuracies) in [("magnitude", 0.0, [0.90, 0.92]), ("magnitude", 0.9, [0.86, 0.88]),
                                             ("random", 0.0, [0.90, 0.92]), ("random", 0.9, [0.30, 0.40])] {
            for (seed, accuracy) in accuracies.enumerated() {
                lines.append(#"{"event":"sweep_point","target":\#(target),"sparsity":\#(target),"accuracy_after_fine_tuning":\#(accuracy),"#
                             + #""log":"\#(method)-\#(target)-\#(seed).jsonl","settings":[{"key":"method","value":"\#(method)"}],"seed":\#(seed)}"#)
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: table, atomically: true, encoding: .utf8)
        try tmux(["new-session", "-d", "-s", session, "-x", "160", "-y", "48",
                  "TERM=xterm-256color \(binary) --data embedded --epochs 5000 --overlay \(table); sleep 30"])
        let shown = try waitForScreen("both methods' hills, named") { $0.contains("◆ magnitude ■ random") && $0.contains("RUNNING") }
        XCTAssertTrue(shown.contains("■"), shown)
        XCTAssertTrue(shown.contains("base 91.0% sweep"), "the methods' dense cells agree: their mean is the baseline\n\(shown)")
    }

    /// Occam's hill says where its baseline comes from: none while the dense phase runs, the
    /// dense phase's end once it has converged, and a value the user gives; the Speedup
    /// panel names what its estimate skips and adds up the run's training FLOPs.
    func testTheHillsBaselineIsSaidAndTheSpeedupPanelSaysWhatItCounts() throws {
        guard (try? tmux(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
        // Dense for 132 steps (12 epochs of the embedded digits: over the last one its accuracy no longer
        // rises), then 90% at once, fine-tuned for 4 epochs.
        let run = "--data embedded --epochs 16 --method magnitude --sparsity 0.9 --schedule oneshot:132 --eval-every 11"
        try tmux(["new-session", "-d", "-s", session, "-x", "160", "-y", "48",
                  "TERM=xterm-256color \(binary) \(run) --stop-after-steps 40; sleep 30"])
        try waitForScreen("no baseline while the dense phase runs") { $0.contains("STOPPED") && $0.contains("no baseline: dense phase under way") }
        try tmux(["kill-server"])

        try tmux(["new-session", "-d", "-s", session, "-x", "160", "-y", "48", "TERM=xterm-256color \(binary) \(run); sleep 30"])
        let finished = try waitForScreen("the finished run's hill") { $0.contains("FINISHED") && $0.contains("knee") }
        XCTAssertNotNil(finished.range(of: #"acc {1,2}base \d+\.\d% dense \d+(\.\d)?ep {1,2}knee 90\.0%"#, options: .regularExpression),
                        "the baseline is the converged dense phase's end, and the settled 90% point the knee:\n\(finished)")
        XCTAssertTrue(finished.contains("weights only") || finished.contains(" W "), "the estimate says what it skips:\n\(finished)")
        XCTAssertNotNil(finished.range(of: #"run (so far )?−\d"#, options: .regularExpression), "the run's training FLOPs:\n\(finished)")
        try tmux(["kill-server"])

        try tmux(["new-session", "-d", "-s", session, "-x", "160", "-y", "48",
                  "TERM=xterm-256color \(binary) \(run) --baseline 99%; sleep 30"])
        try waitForScreen("the given baseline, against which the run falls in C") { screen in
            screen.contains("FINISHED") && screen.contains("base 99.0% given") && !screen.contains("knee")
        }
    }

    /// The hill's caption (baseline, its source, the knee) on a screen, nil when absent.
    private func hillCaption(_ screen: String) -> String? {
        screen.range(of: #"base \d+\.\d% [a-z]+ [^\n│]*?knee \d+\.\d%"#, options: .regularExpression).map { String(screen[$0]) }
    }

    /// One run, one hill: the live dashboard, and its log replayed at 8x and in about two
    /// seconds (a speed off the ladder), end with the same baseline and knee: the hill is
    /// computed from the evaluations the log holds, not from the frames each one drew.
    func testTheSameRunGivesTheSameHillLiveAndInReplayAtAnySpeed() throws {
        guard (try? tmux(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
        let log = PrunetopProcess.temporaryPath("hill.jsonl")
        // Dense to step 132 (converged: the baseline), then AGP to 99% by step 330: the hill falls
        // before the end, so the knee (86.6% here) is not simply the last point.
        let run = "--data embedded --epochs 36 --method magnitude --sparsity 0.99 --schedule agp:132:330:11 --eval-every 5"
        try tmux(["new-session", "-d", "-s", session, "-x", "160", "-y", "48",
                  "TERM=xterm-256color \(binary) \(run) --jsonl \(log); sleep 60"])
        let live = try waitForScreen("the live run's finished hill") { $0.contains("FINISHED") && hillCaption($0) != nil }
        let caption = try XCTUnwrap(hillCaption(live))
        try tmux(["kill-server"])
        for speed in [["--speed", "1"], ["--speed", "8"], ["--duration", "2"]] {
            try tmux(["new-session", "-d", "-s", session, "-x", "160", "-y", "48",
                      "TERM=xterm-256color \(binary) replay \(log) \(speed.joined(separator: " ")); sleep 60"])
            let replayed = try waitForScreen("the replay's end at \(speed)") { $0.contains("REPLAY FINISHED") && hillCaption($0) != nil }
            XCTAssertEqual(hillCaption(replayed), caption, "replay \(speed) against the live run")
            try tmux(["kill-server"])
        }
    }

    /// The guided tour's parts: a paced run pauses where its phase changes, the message line
    /// says what happened and how to go on, and `<` `>` turn the pace while it runs.
    func testAPacedRunPausesAtItsPhaseChangeAndThePaceTurnsLive() throws {
        guard (try? tmux(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
        let run = "--data embedded --epochs 30 --method magnitude --sparsity 0.9 --schedule oneshot:44 --eval-every 11"
        try tmux(["new-session", "-d", "-s", session, "-x", "80", "-y", "24",
                  "TERM=xterm-256color \(binary) \(run) --pace 200 --pause-at-phases; sleep 60"])
        let paused = try waitForScreen("the pause where the dense phase ends") { $0.contains("PAUSED") && $0.contains("paused (space goes on)") }
        XCTAssertTrue(paused.contains("step 44"), "it paused after the prune at step 44:\n\(paused)")
        try tmux(["resize-window", "-t", session, "-x", "160", "-y", "48"])
        let wide = try waitForScreen("the whole message at 160 columns") { $0.contains("cut to 90.0% at once; fine-tuning at that sparsity follows") }
        XCTAssertTrue(wide.contains("paced 200 steps/s"), "the header shows the pace:\n\(wide)")
        try tmux(["send-keys", "-t", session, " "])
        try waitForScreen("the run going on") { $0.contains("RUNNING") && $0.contains("fine-tune · space pauses") }
        try tmux(["send-keys", "-t", session, "<"])
        try waitForScreen("a slower pace") { $0.contains("pace 200 steps/s → 100 steps/s") && $0.contains("paced 100 steps/s") }
        try tmux(["send-keys", "-t", session, ">", ">", ">", ">", ">", ">"])
        try waitForScreen("full speed again, to the end") { $0.contains("FINISHED") && !$0.contains("paced") }
    }

    /// ResNet-20's 22 prunable layers at 160x48: a window of six heatmaps that follows the
    /// selected layer, the CPU figure measured on the network itself, the network's numbers
    /// through its residual sums; at 80x24 one layer at a time.
    func testAResNetsLayersScrollAtBothSizes() throws {
        guard (try? tmux(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
        try tmux(["new-session", "-d", "-s", session, "-x", "160", "-y", "48",
                  "TERM=xterm-256color \(binary) --model resnet20 --data embedded --epochs 30 --method dense --eval-every 4 --pace 1; sleep 60"])
        let wide = try waitForScreen("ResNet-20's first layers and the window marker", timeout: 120) {
            $0.contains("layers 1-6 of 22 ▶") && $0.contains("dead units 0 of 794")
        }
        XCTAssertTrue(wide.contains("│conv1 16×1×3×3 0.0% layer1.0.conv1 0.0% layer1.0.conv2 0.0%"), "captions fit 19 columns:\n\(wide)")
        // A dense run: no layer sparse enough to try the kernel, the network's own pass: 1.0x.
        try waitForScreen("ResNet-20's measured CPU figure", timeout: 60) {
            $0.contains("sparse inference 1.0×") && $0.contains("batch 1, 0/22 layers sparse")
        }
        try tmux(["send-keys", "-t", session, "L"])
        let last = try waitForScreen("the window at the last layer") { $0.contains("◀ layers 17-22 of 22") }
        XCTAssertTrue(last.contains("fc.weight"), "the Weights panel shows the selected layer:\n\(last)")
        try tmux(["send-keys", "-t", session, "l", "l", "l", "l", "l", "l", "l", "l", "l"])
        try waitForScreen("the window in the middle, on layer 9 (l wraps round)") { $0.contains("◀ layers 7-12 of 22 ▶") && $0.contains("layer2.0.conv2.weight") }
        try tmux(["resize-window", "-t", session, "-x", "80", "-y", "24"])
        let narrow = try waitForScreen("one layer at 80 columns") { $0.contains("layer2.0.conv2 32×32×3×3") }
        XCTAssertFalse(narrow.contains("layers 7-12"), "no window marker when one layer shows:\n\(narrow)")
        try tmux(["send-keys", "-t", session, "q"])
    }

    /// The Speedup panel's CPU figure is measured on the masks the run ends with, not left
    /// at a dense run's 1.0x: at 98% sparsity LeNet-300-100's sparse inference is several
    /// times faster here (6x in the demo; `prunetop bench --sparse`: 4.5x).
    func testAFinished98PercentRunShowsItsMeasuredCPUSpeedup() throws {
        guard (try? tmux(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
        try tmux(["new-session", "-d", "-s", session, "-x", "160", "-y", "48",
                  "TERM=xterm-256color \(binary) --data embedded --epochs 4 --method magnitude --sparsity 0.98 --schedule oneshot:11; sleep 60"])
        // The figure is measured again when the masks change: wait for the final masks' one.
        let finished = try waitForScreen("the finished run's measured speedup on its final masks") {
            $0.contains("FINISHED") && $0.contains("on the masks of step 44")
                && $0.range(of: #"sparse inference \d+\.\d×"#, options: .regularExpression) != nil
        }
        let figure = try XCTUnwrap(finished.range(of: #"sparse inference \d+\.\d"#, options: .regularExpression).map {
            Double(finished[$0].dropFirst("sparse inference ".count))
        } ?? nil)
        XCTAssertGreaterThan(figure, 1.5, finished)
        XCTAssertTrue(finished.contains("on the masks of step 44"), "measured on the final masks:\n\(finished)")
    }
}
