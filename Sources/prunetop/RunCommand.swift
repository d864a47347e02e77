import ArgumentParser
import Foundation
import Training

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train a model without the dashboard: progress on stderr, events to a JSONL file.")

    @Flag(help: "Run without the dashboard (the only mode of `run` for now).")
    var headless = false

    @Option(help: "Write one JSON event per line to this file.")
    var jsonl: String?

    @Flag(help: "Replace the --jsonl file if it already holds a log (otherwise such a file is refused, never truncated).")
    var overwrite = false

    @Option(help: ArgumentHelp("At the end, the run's result as one JSON line (test accuracy, sparsity, loss, FLOPs, parameters, "
                               + "wall time, seed, effective config) to this file, or - for stdout (the summary line then goes to stderr).",
                               valueName: "file|-"))
    var resultJson: String?

    @OptionGroup
    var recipe: RunSetup.RecipeOptions

    @OptionGroup
    var training: TrainingOptions

    @OptionGroup(title: "Checkpoints")
    var control: RunSetup.ControlOptions

    func validate() throws {
        try recipe.validate()
        if recipe.recipe == nil && control.resume == nil { _ = try training.makeConfig() }
    }

    func run() throws {
        let setup = try RunSetup.make(recipe, training: training, control: control, defaults: ("dense", 0))
        let outputs: [OutputGuard.File] = (jsonl.map { [.init(role: "--jsonl", path: $0)] } ?? [])
            + (resultJson.flatMap { $0 == "-" ? nil : [.init(role: "--result-json", path: $0)] } ?? [])
        try OutputGuard.check(outputs: outputs,
                              inputs: setup.inputFiles(recipe, control: control))
        if let notice = setup.notice { Terminal.standardError("note: \(notice)\n") }
        if setup.pace != .fullSpeed {
            Terminal.standardError("note: the recipe's pace (\(setup.pace)\(setup.pace.pausesAtPhaseChanges ? ", pausing at phase changes" : "")) "
                                   + "steers the dashboard; this headless run goes at full speed\n")
        }
        SweepParentWatch.start()
        var headless = HeadlessRun(setup: setup, jsonlPath: jsonl)
        headless.overwritesLog = overwrite
        headless.resultJSON = resultJson
        let outcome = try headless.run()
        switch outcome {
        case .finished: return
        case .diverged: throw ExitCode(3)
        case .stopped: throw ExitCode(1)
        case let .signalled(signal): throw ExitCode(signal.exitCode)
        }
    }
}
