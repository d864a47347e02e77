import ArgumentParser
import Foundation
import Recipes
import Training

/// The run a command was asked for, from a recipe (with its `--set` overrides) or from the
/// defaults, with the command-line flags given applied on top, and its data loaded.
struct RunSetup {
    var config: RunConfig
    var dataset: ImageDataset
    /// Said to the user when the default data set had to fall back to the embedded one.
    var notice: String?
    /// The recipe's path (nil when resumed: the checkpoint carries its text), the recipe
    /// as written and the overrides, kept in checkpoints and logs.
    var recipePath: String?
    var recipeText: String?
    var overrides: [String]
    /// The recipe's `pace` (the dashboard's; `run` goes at full speed).
    var pace = RunPace.fullSpeed

    /// The recipe argument and `--set` options shared by `run` and `tui`.
    struct RecipeOptions: ParsableArguments {
        @Argument(help: ArgumentHelp("A YAML recipe (see docs/recipes.md and examples/).", valueName: "recipe"))
        var recipe: String?

        @Option(name: .customLong("set"), help: ArgumentHelp(
            "Override a recipe value, KEY.PATH=VALUE (repeatable), e.g. --set schedule.final=0.95.", valueName: "key=value"))
        var overrides: [String] = []

        /// The recipe itself is checked in `RunSetup.make`, before anything runs.
        func validate() throws {
            if recipe == nil && !overrides.isEmpty { throw ValidationError("--set: needs a recipe file to override") }
        }
    }

    /// Checkpoints and run length, shared by `run` and `tui`.
    struct ControlOptions: ParsableArguments {
        @Option(help: ArgumentHelp("Continue the run saved in this checkpoint (its recipe, overrides and flags come with it).",
                                   valueName: "checkpoint"))
        var resume: String?

        @Flag(help: "With --resume: continue even on data that differs from the checkpoint's (edited, or another set of the same shape).")
        var allowDataChange = false

        @Option(help: "Save a checkpoint every N steps (into --checkpoint-dir).")
        var checkpointEvery: Int?

        @Option(help: "Where checkpoints go: periodic ones, and the dashboard's S key (default: runs/checkpoints).")
        var checkpointDir: String?

        @Option(help: "End the run after this step, on purpose (tests, demos).")
        var stopAfterSteps: Int?

        var directory: String { checkpointDir ?? "runs/checkpoints" }

        func apply(to config: inout RunConfig) {
            config.checkpointEverySteps = checkpointEvery
            config.checkpointDirectory = checkpointEvery == nil ? nil : directory
            config.stopAfterSteps = stopAfterSteps
        }

        func validate() throws {
            if allowDataChange && resume == nil { throw ValidationError("--allow-data-change: applies to --resume only") }
            if let checkpointEvery, checkpointEvery < 1 {
                throw ValidationError("--checkpoint-every: expected an integer >= 1, found \(checkpointEvery)")
            }
            if let stopAfterSteps, stopAfterSteps < 1 {
                throw ValidationError("--stop-after-steps: expected an integer >= 1, found \(stopAfterSteps)")
            }
        }
    }

    /// The trainer for this setup: a fresh run, or the checkpoint's run continued.
    var checkpoint: Checkpoint?

    var provenance: RunProvenance {
        RunProvenance(recipePath: recipePath, recipeText: recipeText, overrides: overrides,
                      resumedFrom: checkpoint.map { ($0.file ?? "checkpoint", $0.step) })
    }

    /// The files the run reads: its recipe or checkpoint and its data set's files, plus
    /// `others` (overlays, a baseline log). No output may be one of them (`OutputGuard`).
    func inputFiles(_ recipeOptions: RecipeOptions, control: ControlOptions, others: [OutputGuard.File] = []) -> [OutputGuard.File] {
        var files = others
        if let recipe = recipeOptions.recipe { files.append(.init(role: "the recipe", path: recipe)) }
        if let resume = control.resume { files.append(.init(role: "the checkpoint --resume reads", path: resume)) }
        var isDirectory: ObjCBool = false
        let data = config.dataDirectory ?? dataset.source
        if FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory), isDirectory.boolValue {
            files += OutputGuard.files(in: data, role: "a file of the data set")
        }
        return files
    }

    /// The run's length in steps, as the session will count it.
    var totalSteps: Int { dataset.trainCount / max(config.batchSize, 1) * config.epochs }

    /// With --resume: continue on data that differs from the checkpoint's.
    var allowsDataChange = false

    func makeTrainer() throws -> Trainer {
        if let checkpoint { return try Trainer(checkpoint: checkpoint, dataset: dataset, allowingDataChange: allowsDataChange) }
        return try Trainer(config: config, dataset: dataset, recipeText: recipeText, overrides: overrides)
    }

    static func make(_ recipeOptions: RecipeOptions, training: TrainingOptions, control: ControlOptions,
                     defaults: (method: String, target: Double)) throws -> RunSetup {
        if let resume = control.resume {
            guard recipeOptions.recipe == nil, recipeOptions.overrides.isEmpty, training.isEmpty else {
                throw ValidationError("--resume: continues the checkpoint's own run; give no recipe, --set or training flags with it")
            }
            var checkpoint: Checkpoint
            do { checkpoint = try Checkpoint.read(from: resume) } catch { throw ValidationError("--resume: \(error)") }
            control.apply(to: &checkpoint.config)
            BLASStartup.settleKernel(for: checkpoint.config)
            let (dataset, notice) = try DataChoice.loadWithNotice(directory: checkpoint.config.dataDirectory)
            let changes = checkpoint.dataset.changes(to: Checkpoint.Dataset(dataset))
            guard changes.isEmpty || control.allowDataChange else {
                throw ValidationError("--resume: \(CheckpointError.datasetMismatch(file: resume, checkpoint: checkpoint.dataset.description, changes: changes))")
            }
            let dataNotice = changes.isEmpty ? nil : "resuming on changed data: " + changes.joined(separator: "; ")
            var setup = RunSetup(config: checkpoint.config, dataset: dataset,
                                 notice: [notice, dataNotice].compactMap { $0 }.joined(separator: "; ").nilIfEmpty,
                                 recipePath: nil, recipeText: checkpoint.recipeText, overrides: checkpoint.overrides, checkpoint: checkpoint)
            setup.allowsDataChange = control.allowDataChange
            return setup
        }
        var setup = try make(recipeOptions, training: training, defaults: defaults)
        control.apply(to: &setup.config)
        do { try setup.config.validate() } catch { throw ValidationError("--\(error)") }
        return setup
    }

    private static func make(_ recipeOptions: RecipeOptions, training: TrainingOptions,
                             defaults: (method: String, target: Double)) throws -> RunSetup {
        guard let path = recipeOptions.recipe else {
            let config = try training.makeConfig(defaultMethod: defaults.method, defaultTarget: defaults.target)
            BLASStartup.settleKernel(for: config)
            let (dataset, notice) = try DataChoice.loadWithNotice(directory: config.dataDirectory)
            return RunSetup(config: config, dataset: dataset, notice: notice, recipePath: nil, recipeText: nil, overrides: [], checkpoint: nil)
        }
        var recipe = try RecipeFailure.load(path: path, overrides: recipeOptions.overrides)
        // Positions in epochs resolve against the run's length: the flag comes first.
        if let epochs = training.epochs { recipe.config.epochs = epochs }
        BLASStartup.settleKernel(for: try training.apply(to: recipe.config))
        let dataDirectory = training.data ?? recipe.dataDirectory
        let dataset = try DataChoice.load(directory: dataDirectory)
        let batch = training.batch ?? recipe.config.batchSize
        let stepsPerEpoch = dataset.trainCount / max(batch, 1)
        var config = recipe.runConfig(stepsPerEpoch: stepsPerEpoch)
        if let problem = config.sparsity.schedule?.validationError {
            throw RecipeFailure.report(RecipeErrors([RecipeDiagnostic(
                recipe.scheduleLocation ?? .file(path: path, line: 1, column: 1), key: "schedule",
                "\(problem) (in steps, at \(stepsPerEpoch) steps an epoch)")]))
        }
        config.dataDirectory = dataDirectory
        config = try training.apply(to: config)
        try checkModelFits(config, dataset: dataset, recipe: recipe, path: path)
        let text = try? RegularFile.readText(path)
        var setup = RunSetup(config: config, dataset: dataset, notice: nil, recipePath: path, recipeText: text,
                             overrides: recipeOptions.overrides, checkpoint: nil)
        setup.pace = recipe.pace.pace(totalSteps: setup.totalSteps)
        return setup
    }
}

/// The recipe's network must take the data's images and give one output per class; a
/// layer that does not fit is reported at the line that writes it.
private func checkModelFits(_ config: RunConfig, dataset: ImageDataset, recipe: Recipe, path: String) throws {
    let shape = dataset.sampleShape
    do {
        _ = try config.makeModel(inputShape: shape, classCount: dataset.classCount)
    } catch {
        var location = recipe.layerLocations[[]] ?? .file(path: path, line: 1, column: 1)
        if case let .shapeMismatch(_, layerPath, _) = error, let written = recipe.layerLocations[layerPath] { location = written }
        throw RecipeFailure.report(RecipeErrors([RecipeDiagnostic(
            location, key: "model", "\(error) (the data, \(dataset.name), has images of \(shape) and \(dataset.classCount) classes)")]))
    }
}

/// A recipe's problems, printed one per line as `file:line:column: key: problem`, ending
/// the command with exit code 65 (bad input data), without the usage text.
struct RecipeFailure: Error, CustomStringConvertible {
    let errors: RecipeErrors

    var description: String { errors.description }

    static func load(path: String, overrides: [String]) throws -> Recipe {
        do { return try RecipeLoader.load(path: path, overrides: overrides) } catch { throw report(error) }
    }

    /// Prints the problems; the error to throw.
    static func report(_ errors: RecipeErrors) -> ExitCode {
        let count = errors.diagnostics.count
        Terminal.standardError(errors.description + "\n"
                               + "error: the recipe has \(count) problem\(count == 1 ? "" : "s"); nothing was run\n")
        return ExitCode(65)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
