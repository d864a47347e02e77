import ArgumentParser
import Foundation
import RunLogs
import TUI

/// `prunetop compare A.jsonl B.jsonl`: two runs in one screen, followed as their logs grow
/// (runs still training), or with `--once` printed as far as the logs go.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Two recorded runs (--jsonl logs) side by side: Occam's hill, loss and accuracy, per-layer sparsity, "
            + "histograms, and the differences B − A.",
        discussion: """
        l and L (or 1-9) select the layer whose histograms are shown, g toggles their log scale, q quits. \
        Logs still being written are followed: the screen updates as lines are appended, and the legend says which \
        run is live and which has ended. \
        With --once the comparison is printed as one frame and no terminal is needed (CI logs).
        """)

    @Argument(help: ArgumentHelp("Run A's JSONL log (it may still be written, or not exist yet).", valueName: "a.jsonl"))
    var a: String

    @Argument(help: ArgumentHelp("Run B's JSONL log (it may still be written, or not exist yet).", valueName: "b.jsonl"))
    var b: String

    @Flag(help: "Print the comparison as one frame of the logs as they are, and exit.")
    var once = false

    @OptionGroup(title: "With --once")
    var frame: OneShotFrameOptions

    @Option(help: "Colours: auto, always, never, truecolor, 256, 16 or none (NO_COLOR is honoured by auto).")
    var color: ColorDepth.Choice = .auto

    @Flag(help: "ASCII glyphs only.")
    var ascii = false

    @Option(help: "Theme: default, light, colorblind, monochrome, or a user theme.")
    var theme = "default"

    func validate() throws {
        if !once && (frame.width != nil || frame.height != nil) { throw ValidationError("--width and --height size a one-shot frame: add --once") }
    }

    func run() throws {
        if once { return try printOnce() }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ValidationError("compare needs a terminal; `prunetop compare --once` prints one frame of it")
        }
        if let refusal = TerminalInfo.dashboardRefusal(term: ProcessInfo.processInfo.environment["TERM"])
            ?? TerminalInfo.foregroundRefusal() {
            throw ValidationError(refusal)
        }
        let logs = (a: FollowedRunLog(path: a), b: FollowedRunLog(path: b))
        let comparison = try awaitFirstMoments(logs)
        let outcome = try ComparisonApp(comparison: comparison, following: logs, colorChoice: color, ascii: ascii, themeName: theme).run()
        if outcome != .quit { throw ExitCode(outcome.exitCode) }
    }

    private func printOnce() throws {
        func compared(_ run: RecordedRun) -> RunComparison.Run {
            RunComparison.Run(name: (run.path as NSString).lastPathComponent, timeline: run.timeline,
                              quietSeconds: RunComparison.Run.quietSeconds(ofFileAt: run.path))
        }
        let comparison = RunComparison(a: compared(try RecordedRun(path: a)), b: compared(try RecordedRun(path: b)))
        let terminal = TerminalInfo.current()
        let coloring = OneShotFrameOptions.coloring(color, terminal: terminal)
        let app = try ComparisonApp(comparison: comparison, colorChoice: coloring.dashboardChoice, ascii: ascii, themeName: theme)
        let size = frame.size(terminal)
        let caption = comparison.layerMismatch ?? "\(comparison.a.name) vs \(comparison.b.name) (prunetop compare --once)"
        OneShotFrameOptions.write(app.frame(width: size.width, height: size.height, caption: caption), coloring)
    }

    /// The comparison once both logs have a moment (a progress line or an evaluation): a log
    /// may not exist yet, or hold only its start. Says once on stderr what it waits for; a
    /// first line that does not read is refused (there is nothing to lay out).
    private func awaitFirstMoments(_ logs: (a: FollowedRunLog, b: FollowedRunLog)) throws -> RunComparison {
        var said = false
        while true {
            for log in [logs.a, logs.b] {
                log.poll()
                if let problem = log.problem, log.comparedRun == nil { throw ValidationError(problem) }
            }
            if let runA = logs.a.comparedRun, let runB = logs.b.comparedRun { return RunComparison(a: runA, b: runB) }
            if !said {
                let waiting = [logs.a, logs.b].filter { $0.comparedRun == nil }.map(\.path).joined(separator: " and ")
                Terminal.standardError("waiting for \(waiting) to record a step…\n")
                said = true
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }
}
