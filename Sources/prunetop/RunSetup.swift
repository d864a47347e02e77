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
    /// The recipe as written, and the overrides, kept in checkpoints.
    var recipeText: String?
    var overrides: [String]

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

    static func make(_ recipeOptions: RecipeOptions, training: TrainingOptions,
                     defaults: (method: String, target: Double)) throws -> RunSetup {
        guard let path = recipeOptions.recipe else {
            let config = try training.makeConfig(defaultMethod: defaults.method, defaultTarget: defaults.target)
            let (dataset, notice) = try DataChoice.loadWithNotice(directory: config.dataDirectory)
            return RunSetup(config: config, dataset: dataset, notice: notice, recipeText: nil, overrides: [])
        }
        let recipe = try RecipeFailure.load(path: path, overrides: recipeOptions.overrides)
        let dataDirectory = training.data ?? recipe.dataDirectory
        let dataset = try DataChoice.load(directory: dataDirectory)
        let batch = training.batch ?? recipe.config.batchSize
        var config = recipe.runConfig(stepsPerEpoch: dataset.trainCount / max(batch, 1))
        config.dataDirectory = dataDirectory
        config = try training.apply(to: config)
        let text = try? String(contentsOfFile: path, encoding: .utf8)
        return RunSetup(config: config, dataset: dataset, notice: nil, recipeText: text, overrides: recipeOptions.overrides)
    }
}

/// A recipe's problems, printed one per line as `file:line:column: key: problem`, ending
/// the command with exit code 65 (bad input data), without the usage text.
struct RecipeFailure: Error, CustomStringConvertible {
    let errors: RecipeErrors

    var description: String { errors.description }

    static func load(path: String, overrides: [String]) throws -> Recipe {
        do { return try RecipeLoader.load(path: path, overrides: overrides) } catch {
            let count = error.diagnostics.count
            Terminal.standardError(error.description + "\n"
                                   + "error: the recipe has \(count) problem\(count == 1 ? "" : "s"); nothing was run\n")
            throw ExitCode(65)
        }
    }
}
