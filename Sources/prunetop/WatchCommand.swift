import ArgumentParser
import DashboardModel
import Foundation
import RunLogs
import TUI
import Training

/// `prunetop watch LOG`: the dashboard on a log another process is writing (the Python
/// package's `prunetop.RunLog`, or `prunetop run --jsonl`), steering it through its command
/// file when its start event lists knobs.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "The dashboard on a growing run log written by any process (e.g. PyTorch with the prunetop Python package); "
            + "its knobs steer the run when the log says it takes them.")

    @Argument(help: "A run log being written (JSONL); it may not exist yet.")
    var log: String

    @Option(help: ArgumentHelp("Say the log stopped growing after this many seconds without a new line.", valueName: "seconds"))
    var staleAfter = 30.0

    @Option(help: ArgumentHelp("Give up waiting for the log's start event after this many seconds (0: wait on).", valueName: "seconds"))
    var waitForStart = 0.0

    @Option(help: "Colours: auto, truecolor, 256, 16 or none. Default: the config file's, else auto.")
    var color: ColorDepth.Choice?

    @Flag(help: "ASCII glyphs only.")
    var ascii = false

    @Option(help: "Frames per second the dashboard redraws at (1 to 60).")
    var fps: Double?

    @Option(help: "Theme: default, light, colorblind, monochrome, or a user theme. Default: the config file's, else default.")
    var theme: String?

    func validate() throws {
        if let fps, let problem = SettingRules.framesPerSecond.problem(fps) { throw ValidationError("--fps: \(problem)") }
        guard staleAfter > 0, staleAfter.isFinite else { throw ValidationError("--stale-after: expected seconds > 0, found \(staleAfter)") }
        guard waitForStart >= 0, waitForStart.isFinite else {
            throw ValidationError("--wait-for-start: expected seconds >= 0, found \(waitForStart)")
        }
    }

    func run() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw ValidationError("watch needs a terminal") }
        if let refusal = TerminalInfo.dashboardRefusal(term: ProcessInfo.processInfo.environment["TERM"]) ?? TerminalInfo.foregroundRefusal() {
            throw ValidationError(refusal)
        }
        let source = WatchSource(path: log, staleAfter: staleAfter)
        let network = try awaitNetwork(source)
        var options = DashboardApp.Options()
        try options.applySettings(theme: theme, color: color, fps: fps)
        options.ascii = ascii
        options.initialMessage = "watching \(log)"
        let outcome = try DashboardApp(source: source, frameContext: DashboardFrameContext(network: network), options: options).run()
        if outcome != .quit { throw ExitCode(outcome.exitCode) }
    }

    /// The network of the log's first run: the dashboard is laid out for it. Waits for the
    /// start event (the writer may not have begun), saying so once.
    private func awaitNetwork(_ source: WatchSource) throws -> NetworkDescription {
        let started = Date()
        var said = false
        while true {
            source.poll()
            let timeline = source.timelineSoFar
            if timeline.hasStart {
                if let network = timeline.network { return network }
                // Logs written before the start event described the network were of zoo models.
                do {
                    return try ModelCatalog.make(timeline.model, inputShape: timeline.imageShape, classCount: timeline.classCount, seed: 0)
                        .description
                } catch {
                    throw ValidationError("\(log): its start event does not describe the network (an older log), and \(error)")
                }
            }
            // A start line that cannot be read: the dashboard has nothing to lay out.
            if let problem = source.problem { throw ValidationError(problem) }
            if waitForStart > 0 && Date().timeIntervalSince(started) > waitForStart {
                throw ValidationError("\(log): no start event after \(Format.plain(waitForStart)) s")
            }
            if !said {
                Terminal.standardError("waiting for \(log) to begin (a start event)…\n")
                said = true
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }
}
