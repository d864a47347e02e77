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

    @OptionGroup
    var training: TrainingOptions

    func validate() throws { _ = try training.makeConfig() }

    func run() throws {
        let config = try training.makeConfig()
        let dataset = try DataChoice.load(directory: training.data)
        let outcome = try HeadlessRun(config: config, dataset: dataset, jsonlPath: jsonl).run()
        if outcome != .finished { throw ExitCode(outcome == .diverged ? 3 : 1) }
    }
}
