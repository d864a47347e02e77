import ArgumentParser
import DashboardModel
import Foundation
import Metrics
import RunLogs
import TUI
import Training

/// `prunetop replay RUN.jsonl`: a recorded run played back in the dashboard.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a recorded run (a --jsonl log) in the dashboard: space pauses, s steps, < and > change the speed.")

    @Argument(help: "A run's JSONL log (prunetop run/tui --jsonl).")
    var log: String

    @Option(help: "Playback speed: recorded seconds per second, one of 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64 (default 4).")
    var speed: Double?

    @Option(help: ArgumentHelp("Instead of --speed: play the whole run in about this many seconds.", valueName: "seconds"))
    var duration: Double?

    @Option(help: "Colours: auto, truecolor, 256, 16 or none. Default: the config file's, else auto.")
    var color: ColorDepth.Choice?

    @Flag(help: "ASCII glyphs only.")
    var ascii = false

    @Option(help: "Theme: default, light, colorblind, monochrome, or a user theme. Default: the config file's, else default.")
    var theme: String?

    @OptionGroup
    var panelChoice: PanelsOption

    func validate() throws {
        if let speed, !ReplaySource.speeds.contains(speed) {
            throw ValidationError("--speed: expected one of \(ReplaySource.speeds.map { ReplaySource.format($0) }.joined(separator: ", ")), found \(speed)")
        }
        if let duration, let problem = SettingRules.paceDuration.problem(duration) { throw ValidationError("--duration: \(problem) (seconds)") }
        if speed != nil && duration != nil { throw ValidationError("--duration: give --speed or --duration, not both") }
    }

    func run() throws {
        let run = try RecordedRun(path: log)
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ValidationError("replay needs a terminal; `prunetop show` prints one frame of it")
        }
        if let refusal = TerminalInfo.dashboardRefusal(term: ProcessInfo.processInfo.environment["TERM"])
            ?? TerminalInfo.foregroundRefusal() {
            throw ValidationError(refusal)
        }
        var options = DashboardApp.Options()
        try options.applySettings(theme: theme, color: color, fps: nil, panels: panelChoice.list)
        options.ascii = ascii
        let playback = duration.map { ReplaySource.speed(toLast: $0, timeline: run.timeline) } ?? speed ?? 4
        let outcome = try DashboardApp(source: ReplaySource(timeline: run.timeline, speed: playback),
                                        frameContext: DashboardFrameContext(network: run.network), options: options).run()
        if outcome != .quit { throw ExitCode(outcome.exitCode) }
    }
}
