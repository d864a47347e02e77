import ArgumentParser
import DashboardModel
import Foundation
import TUI

/// `prunetop show RUN.jsonl [--at STEP]`: the frame `replay` would show at a step, printed once.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one dashboard frame of a recorded run (a --jsonl log) and exit: for SSH sessions and CI logs.",
        discussion: """
        The frame is the one `prunetop replay` shows paused at --at STEP (the last recorded moment at or before \
        it; default: the log's last): the curves up to that step, the panels of the last evaluation before it. \
        It is plain text, or with ANSI colours when stdout is a terminal (--color; NO_COLOR is honoured by auto). \
        No terminal is needed.
        """)

    @Argument(help: "A run's JSONL log (prunetop run/tui --jsonl).")
    var log: String

    @Option(help: "The step to show (default: the log's last).")
    var at: Int?

    @OptionGroup
    var frame: OneShotFrameOptions

    @Option(help: "Colours: auto (only when stdout is a terminal), always, never, or a depth: truecolor, 256, 16, none.")
    var color: ColorDepth.Choice = .auto

    @Flag(help: "ASCII glyphs only.")
    var ascii = false

    @Option(help: "Theme: default, light, colorblind, monochrome, or a user theme.")
    var theme = "default"

    @OptionGroup
    var panelChoice: PanelsOption

    func run() throws {
        let run = try RecordedRun(path: log)
        if let at, !run.steps.contains(at) {
            throw ValidationError("--at \(at): \(log) records steps \(run.steps.lowerBound) to \(run.steps.upperBound)")
        }
        let terminal = TerminalInfo.current()
        let coloring = OneShotFrameOptions.coloring(color, terminal: terminal)
        let replay = ReplaySource(timeline: run.timeline)
        replay.pause(atStep: at ?? run.steps.upperBound)
        var options = DashboardApp.Options()
        // The config file's panels, as the dashboard lays them out; its theme and colours are
        // not read: a printed frame takes its look from the command line alone.
        try options.applySettings(theme: theme, color: nil, fps: nil, panels: panelChoice.list)
        options.colorChoice = coloring.dashboardChoice
        options.ascii = ascii
        options.themeName = theme
        let app = try DashboardApp(source: replay, frameContext: DashboardFrameContext(network: run.network), options: options)
        let size = frame.size(terminal)
        let step = replay.latestSnapshot?.step ?? 0
        OneShotFrameOptions.write(app.frame(width: size.width, height: size.height, caption: Self.caption(step, run: run)), coloring)
    }

    /// The message line of a shown frame: which log (its file name: a path would not fit 80
    /// columns) and where in it.
    static func caption(_ step: Int, run: RecordedRun) -> String {
        "\((run.path as NSString).lastPathComponent) at step \(step) of \(run.steps.upperBound) (prunetop show)"
    }
}
