import ArgumentParser
import Foundation
import Training
import TUI

extension ColorDepth.Choice: ExpressibleByArgument {}

struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "The live dashboard (the default): watch and steer a run. Default: lenet300, gradual magnitude pruning to 90%.")

    @OptionGroup
    var recipe: RunSetup.RecipeOptions

    @OptionGroup
    var training: TrainingOptions

    @Option(help: "Colours: auto, truecolor, 256, 16 or none (NO_COLOR is honoured by auto).")
    var color: ColorDepth.Choice = .auto

    @Flag(help: "ASCII glyphs only (no braille, blocks or box drawing).")
    var ascii = false

    @Option(help: "Theme: default, light, colorblind, monochrome, or a file name in $XDG_CONFIG_HOME/prunetop/themes.")
    var theme = "default"

    func validate() throws {
        try recipe.validate()
        if recipe.recipe == nil { _ = try training.makeConfig(defaultMethod: "magnitude", defaultTarget: 0.9) }
    }

    func run() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ValidationError("the dashboard needs a terminal; for scripts use `prunetop run --headless`")
        }
        let setup = try RunSetup.make(recipe, training: training, defaults: ("magnitude", 0.9))
        let (config, dataset) = (setup.config, setup.dataset)
        var options = DashboardApp.Options()
        options.colorChoice = color
        options.ascii = ascii
        options.themeName = theme
        options.initialMessage = setup.notice
        let trainer = try Trainer(config: config, dataset: dataset)
        let model = try ModelCatalog.make(config.model, inputShape: [1, dataset.rows, dataset.columns],
                                          classCount: dataset.classCount, seed: config.seed)
        let outcome = try DashboardApp(trainer: trainer, model: model, options: options).run()
        if outcome != .quit { throw ExitCode(outcome.rawValue) }
    }
}
