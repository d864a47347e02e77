import ArgumentParser
import Foundation
import Metrics
import Training
import TUI

/// `prunetop replay RUN.jsonl`: a recorded run played back in the dashboard.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a recorded run (a --jsonl log) in the dashboard: space pauses, s steps, + and - change the speed.")

    @Argument(help: "A run's JSONL log (prunetop run/tui --jsonl).")
    var log: String

    @Option(help: "Playback speed: recorded seconds per second (0.25 to 64).")
    var speed = 4.0

    @Option(help: "Colours: auto, truecolor, 256, 16 or none.")
    var color: ColorDepth.Choice = .auto

    @Flag(help: "ASCII glyphs only.")
    var ascii = false

    @Option(help: "Theme: default, light, colorblind, monochrome, or a user theme.")
    var theme = "default"

    func validate() throws {
        guard ReplaySource.speeds.contains(speed) else {
            throw ValidationError("--speed: expected one of \(ReplaySource.speeds.map { String($0) }.joined(separator: ", ")), found \(speed)")
        }
    }

    func run() throws {
        let timeline: ReplayTimeline
        do { timeline = try ReplayTimeline(path: log) } catch { throw ValidationError("\(error)") }
        if let line = timeline.incompleteLastLine { Terminal.standardError(incompleteLastLineWarning(path: log, line: line) + "\n") }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ValidationError("replay needs a terminal")
        }
        if let refusal = TerminalInfo.dashboardRefusal(term: ProcessInfo.processInfo.environment["TERM"])
            ?? TerminalInfo.foregroundRefusal() {
            throw ValidationError(refusal)
        }
        let model = try ModelCatalog.make(timeline.model, inputShape: timeline.imageShape, classCount: timeline.classCount, seed: 0)
        var options = DashboardApp.Options()
        options.colorChoice = color
        options.ascii = ascii
        options.themeName = theme
        let outcome = try DashboardApp(trainer: ReplaySource(timeline: timeline, speed: speed), model: model, options: options).run()
        if outcome != .quit { throw ExitCode(outcome.exitCode) }
    }
}
