import ArgumentParser
import Foundation
import Metrics
import RunLogs
import TUI
import Training

extension ColorDepth.Choice: ExpressibleByArgument {}

struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "The live dashboard (the default): watch and steer a run. Default: lenet300, gradual magnitude pruning to 90%.")

    @OptionGroup
    var recipe: RunSetup.RecipeOptions

    @OptionGroup
    var training: TrainingOptions

    @OptionGroup(title: "Checkpoints")
    var control: RunSetup.ControlOptions

    @Option(help: "Colours: auto, always, never, truecolor, 256, 16 or none (NO_COLOR is honoured by auto; with --once, auto colours only a terminal). Default: the config file's, else auto.")
    var color: ColorDepth.Choice?

    @Flag(help: "ASCII glyphs only (no braille, blocks or box drawing).")
    var ascii = false

    @Option(help: "Frames per second the dashboard redraws at (1 to 60). Default: the config file's, else 5.")
    var fps: Double?

    @Option(help: ArgumentHelp("Draw a sweep's table (sweep.jsonl) or an earlier run's log under the live run on Occam's hill (repeatable).",
                               valueName: "jsonl"))
    var overlay: [String] = []

    @Option(help: ArgumentHelp("Draw another run's log under the live run: its points on Occam's hill (as --overlay does) and "
                               + "its loss and accuracy curves in the Loss panel; a log still being written is followed.", valueName: "jsonl"))
    var compare: String?

    @Option(help: ArgumentHelp("The dense accuracy Occam's hill measures regions against: 0.895, 89.5%, a finished dense run's log, "
                               + "or a sweep.jsonl (its target-0 run). Default: an overlaid sweep's dense run, else this run's own "
                               + "dense phase once its accuracy has stopped rising.", valueName: "accuracy|jsonl"))
    var baseline: String?

    @Option(help: "Record the run's events to this JSONL file (replay it with `prunetop replay`).")
    var jsonl: String?

    @Flag(help: "Replace the --jsonl file if it already holds a log (otherwise such a file is refused, never truncated).")
    var overwrite = false

    @Option(help: ArgumentHelp("Theme: default, light, colorblind, monochrome, or a file name in $XDG_CONFIG_HOME/prunetop/themes. "
                               + "Default: the config file's, else default."))
    var theme: String?

    @OptionGroup
    var panelChoice: PanelsOption

    @Option(help: ArgumentHelp("At most this many training steps a second, or 'full' (default: the recipe's pace, else full). "
                               + "The numbers are the same at any pace; < and > change it live.", valueName: "steps/s|full"))
    var pace: String?

    @Option(help: ArgumentHelp("Instead of --pace: spread the run's training over about this many seconds.", valueName: "seconds"))
    var duration: Double?

    @Flag(help: "Pause where the run's phase changes (dense → pruning → fine-tune); space goes on.")
    var pauseAtPhases = false

    @Flag(help: ArgumentHelp("Print one dashboard frame, at the run's first evaluation (or --steps), and exit; no terminal needed. "
                             + "The run goes at full speed and stops there."))
    var once = false

    @Option(help: ArgumentHelp("With --once: print the frame once the run has taken this many steps instead.", valueName: "n"))
    var steps: Int?

    @OptionGroup(title: "With --once")
    var frame: OneShotFrameOptions

    /// --pace as steps per second (nil: full speed), or the reason it is refused.
    static func parsePace(_ text: String) throws -> Double? {
        guard let pace = RunPace(typed: text) else { throw ValidationError("--pace: expected \(RunPace.expectedText), found '\(text)'") }
        return pace.stepsPerSecond
    }

    /// The recipe's pace with this command's flags on top.
    func pace(over recipePace: RunPace, totalSteps: Int) throws -> RunPace {
        var result = recipePace
        if let pace { result.stepsPerSecond = try Self.parsePace(pace) }
        if let duration { result.stepsPerSecond = RunPace.lasting(seconds: duration, steps: totalSteps) }
        if pauseAtPhases { result.pausesAtPhaseChanges = true }
        return result
    }

    func validate() throws {
        if let fps, let problem = SettingRules.framesPerSecond.problem(fps) { throw ValidationError("--fps: \(problem)") }
        try recipe.validate()
        if recipe.recipe == nil && control.resume == nil { _ = try training.makeConfig(defaultMethod: "magnitude", defaultTarget: 0.9) }
        if let baseline { do { _ = try HillBaseline.parse(baseline) } catch { throw ValidationError("--baseline: \(error)") } }
        if let pace { _ = try Self.parsePace(pace) }
        if let duration, let problem = SettingRules.paceDuration.problem(duration) { throw ValidationError("--duration: \(problem) (seconds)") }
        if pace != nil && duration != nil { throw ValidationError("--duration: give --pace or --duration, not both") }
        if let steps, steps < 1 { throw ValidationError("--steps: expected a number of steps >= 1, found \(steps)") }
        if !once && (steps != nil || frame.width != nil || frame.height != nil) {
            throw ValidationError("--steps, --width and --height size a one-shot frame: add --once")
        }
    }

    func run() throws {
        if !once {
            guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
                throw ValidationError("the dashboard needs a terminal; for scripts use `prunetop run --headless`, for one frame `--once`")
            }
            if let refusal = TerminalInfo.dashboardRefusal(term: ProcessInfo.processInfo.environment["TERM"])
                ?? TerminalInfo.foregroundRefusal() {
                throw ValidationError(refusal)
            }
        }
        let setup = try RunSetup.make(recipe, training: training, control: control, defaults: ("magnitude", 0.9))
        let (config, dataset) = (setup.config, setup.dataset)
        try OutputGuard.check(outputs: jsonl.map { [.init(role: "--jsonl", path: $0)] } ?? [],
                              inputs: setup.inputFiles(recipe, control: control,
                                                       others: overlay.map { .init(role: "an --overlay file", path: $0) }
                                                           + (compare.map { [.init(role: "the --compare file", path: $0)] } ?? [])
                                                           + (baseline.map { [.init(role: "the --baseline file", path: $0)] } ?? [])))
        var options = DashboardApp.Options()
        try options.applySettings(theme: theme, color: color, fps: fps, panels: panelChoice.list)
        options.ascii = ascii
        for path in overlay {
            do { options.overlay.add(try HillOverlay(file: path)) } catch { throw ValidationError("--overlay: \(error)") }
        }
        if let compare {
            // Read whole first (a file that is not a run log is refused), then followed as it grows.
            let timeline: ReplayTimeline
            do { timeline = try ReplayTimeline(path: compare) } catch { throw ValidationError("--compare: \(error)") }
            if let line = timeline.incompleteLastLine { options.overlay.warnings.append(incompleteLastLineWarning(path: compare, line: line)) }
            let compared = ComparedRun(name: (compare as NSString).lastPathComponent, timeline: timeline)
            // First among the other runs: its points get the mark its curves carry (◆).
            options.overlay.points = compared.hillPoints + options.overlay.points
            options.compared = compared
            options.comparedLog = FollowedRunLog(path: compare)
        }
        var warnings = options.overlay.warnings
        options.baseline = try baseline.map { try HillBaseline.parse($0, warn: { warnings.append($0) }) }
        // The message line, not stderr: the dashboard's screen would cover it at once.
        options.initialMessage = ([setup.notice].compactMap { $0 } + warnings).joined(separator: "; ").nilIfEmpty
        options.checkpointDirectory = control.directory
        // The config file's pace is a default: the recipe's and the flags' come first.
        options.pace = try pace(over: setup.pace == .fullSpeed ? options.settings.pace ?? setup.pace : setup.pace, totalSteps: setup.totalSteps)
        let trainer = try setup.makeTrainer()
        if let jsonl {
            let recorder = try RunRecorder(path: jsonl, overwrite: overwrite, setup: setup)
            options.onEvent = { recorder.record($0) }
            options.onSnapshot = { recorder.progress($0) }
        }
        let model = try config.makeModel(inputShape: dataset.sampleShape, classCount: dataset.classCount)
        if once { return try printOnce(trainer: trainer, model: model, options: options) }
        let outcome = try DashboardApp(source: trainer, model: model, options: options).run()
        if outcome != .quit { throw ExitCode(outcome.exitCode) }
    }

    /// `--once`: the frame at the first evaluation (or after --steps), printed without curses.
    private func printOnce(trainer: Trainer, model: Model, options: DashboardApp.Options) throws {
        let terminal = TerminalInfo.current()
        let coloring = OneShotFrameOptions.coloring(options.colorChoice, terminal: terminal)
        var options = options
        options.colorChoice = coloring.dashboardChoice
        options.pace = RunPace.fullSpeed
        let size = frame.size(terminal)
        let screen = try DashboardApp(source: trainer, model: model, options: options)
            .frameOfRun(until: { snapshot in steps.map { snapshot.step >= $0 } ?? (snapshot.evaluationStep != nil) },
                        width: size.width, height: size.height, caption: Self.onceCaption)
        OneShotFrameOptions.write(screen, coloring)
    }

    /// The message line of a `--once` frame.
    static func onceCaption(_ snapshot: TrainingSnapshot) -> String {
        "step \(snapshot.step) of \(snapshot.totalSteps), \(snapshot.state.rawValue) (prunetop tui --once: the run stops here)"
    }
}
