import ArgumentParser
import Foundation
import RunLogs
import TUI

/// `prunetop compare A.jsonl B.jsonl`: two runs (finished, or live logs as far as they go) in one screen.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Two recorded runs (--jsonl logs) side by side: Occam's hill, loss and accuracy, per-layer sparsity, "
            + "histograms, and the differences B − A.",
        discussion: """
        l and L (or 1-9) select the layer whose histograms are shown, g toggles their log scale, q quits. \
        With --once the comparison is printed as one frame and no terminal is needed (CI logs).
        """)

    @Argument(help: ArgumentHelp("Run A's JSONL log.", valueName: "a.jsonl"))
    var a: String

    @Argument(help: ArgumentHelp("Run B's JSONL log.", valueName: "b.jsonl"))
    var b: String

    @Flag(help: "Print the comparison as one frame and exit.")
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
        let (runA, runB) = (try RecordedRun(path: a), try RecordedRun(path: b))
        func compared(_ run: RecordedRun) -> RunComparison.Run {
            RunComparison.Run(name: (run.path as NSString).lastPathComponent, timeline: run.timeline)
        }
        let comparison = RunComparison(a: compared(runA), b: compared(runB))
        if once {
            let terminal = TerminalInfo.current()
            let coloring = OneShotFrameOptions.coloring(color, terminal: terminal)
            let app = try ComparisonApp(comparison: comparison, colorChoice: coloring.dashboardChoice, ascii: ascii, themeName: theme)
            let size = frame.size(terminal)
            let caption = comparison.layerMismatch ?? "\(comparison.a.name) vs \(comparison.b.name) (prunetop compare --once)"
            OneShotFrameOptions.write(app.frame(width: size.width, height: size.height, caption: caption), coloring)
            return
        }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ValidationError("compare needs a terminal; `prunetop compare --once` prints one frame of it")
        }
        if let refusal = TerminalInfo.dashboardRefusal(term: ProcessInfo.processInfo.environment["TERM"])
            ?? TerminalInfo.foregroundRefusal() {
            throw ValidationError(refusal)
        }
        let outcome = try ComparisonApp(comparison: comparison, colorChoice: color, ascii: ascii, themeName: theme).run()
        if outcome != .quit { throw ExitCode(outcome.exitCode) }
    }
}
