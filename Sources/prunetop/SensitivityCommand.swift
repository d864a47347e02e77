import ArgumentParser
import Foundation
import Metrics
import Recipes
import RunLogs
import TUI
import Training

/// `prunetop sensitivity RECIPE`: how much each layer can be pruned alone, measured on a
/// held-out slice of the training set, and per-layer budgets for overall targets from it.
struct SensitivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensitivity",
        abstract: "Prune each layer alone to several sparsities, measure the accuracy lost, and derive per-layer budgets.",
        discussion: """
        The recipe's network is trained dense (its method and schedule are ignored) on the training set \
        minus a held-out slice of --held-out images, drawn by a shuffle seeded with the recipe's seed; the \
        test set is never used. Then each prunable layer alone is pruned by magnitude to each sparsity \
        (optionally fine-tuned for --finetune-steps with that mask), its batch norms' statistics estimated \
        again over --bn-batches training batches, evaluated on the slice, and put back. \
        --budget T writes budget-T.yaml: a recipe `budget:` block of per-layer sparsities meeting the \
        overall target T (see README, "Per-layer sensitivity", for the rule).
        """)

    /// The recipe whose network to train and measure, and its `--set` overrides.
    @OptionGroup var recipeOptions: RunSetup.RecipeOptions

    @Option(help: ArgumentHelp("Measure the network of this prunetop checkpoint instead of training one.", valueName: "checkpoint"))
    var from: String?

    @Option(help: ArgumentHelp("Read the curves from a sensitivity.jsonl written before instead of measuring.", valueName: "file"))
    var table: String?

    @Option(help: ArgumentHelp("Sparsities to prune each layer to, comma-separated, each in (0, 1) (default: 0.5,0.7,0.8,0.9,0.95,0.98,0.99).",
                               valueName: "sparsity,..."))
    var sparsities: String?

    @Option(help: ArgumentHelp("Training images held out to evaluate on (default: 5000).", valueName: "n"))
    var heldOut: Int?

    @Option(help: ArgumentHelp("Fine-tune steps with each point's mask before evaluating it (default: 0).", valueName: "n"))
    var finetuneSteps: Int?

    @Option(help: ArgumentHelp("The fine-tune's constant learning rate (default: a tenth of the recipe's lr).", valueName: "lr"))
    var finetuneLr: Float?

    @Option(name: .customLong("bn-batches"), help: ArgumentHelp(
        "Training batches each point's batch-norm statistics are averaged over, for its pruned weights (default: 20; "
            + "0 keeps the dense network's; networks without batch norm have none to estimate).", valueName: "n"))
    var batchNormBatches: Int?

    @Option(help: ArgumentHelp("Overall targets to write per-layer budgets for, comma-separated.", valueName: "sparsity,..."))
    var budget: String?

    @Option(help: ArgumentHelp("How --budget shares the target: cheapest (least summed drop for the weights removed) or "
                               + "threshold (every layer may lose the same accuracy).", valueName: "rule"))
    var rule: SensitivityBudget.Rule?

    @Option(help: "Directory for the table, the SVG and the budgets (default: runs/sensitivity-RECIPE).")
    var out: String?

    @Flag(help: "Show the heatmap full-screen in the terminal at the end (q quits).")
    var tui = false

    @Flag(help: "With --tui: ASCII glyphs only.")
    var ascii = false

    private var recipe: String? { recipeOptions.recipe }

    func validate() throws {
        let sources = [recipe, from, table].compactMap { $0 }
        guard sources.count == 1 else {
            throw ValidationError(sources.isEmpty ? "give a recipe, --from CHECKPOINT or --table FILE"
                                                  : "give one of a recipe, --from CHECKPOINT or --table FILE, not several")
        }
        if rule != nil && budget == nil { throw ValidationError("--rule: applies to the budgets --budget writes; give --budget TARGET,...") }
        if table != nil {
            let measuring: [(String, Bool)] = [("--sparsities", sparsities != nil), ("--held-out", heldOut != nil),
                                               ("--finetune-steps", finetuneSteps != nil), ("--finetune-lr", finetuneLr != nil),
                                               ("--bn-batches", batchNormBatches != nil)]
            if let given = measuring.first(where: \.1) {
                throw ValidationError("\(given.0): applies when measuring (a recipe or --from), not to a --table measured before")
            }
        }
        _ = try sparsityList()
        _ = try budgetTargets()
        guard heldOutCount >= 1 else { throw ValidationError("--held-out: expected an integer >= 1, found \(heldOutCount)") }
        guard fineTuneStepCount >= 0 else {
            throw ValidationError("--finetune-steps: expected an integer >= 0, found \(fineTuneStepCount)")
        }
        guard batchNormBatchCount >= 0 else { throw ValidationError("--bn-batches: expected an integer >= 0, found \(batchNormBatchCount)") }
        if let finetuneLr, !(finetuneLr > 0 && finetuneLr.isFinite) {
            throw ValidationError("--finetune-lr: expected a number > 0, found \(finetuneLr)")
        }
    }

    var heldOutCount: Int { heldOut ?? 5000 }
    var budgetRule: SensitivityBudget.Rule { rule ?? .cheapest }
    var fineTuneStepCount: Int { finetuneSteps ?? 0 }
    var batchNormBatchCount: Int { batchNormBatches ?? 20 }

    func sparsityList() throws -> [Double] {
        let values = try Self.numbers(sparsities ?? "0.5,0.7,0.8,0.9,0.95,0.98,0.99", option: "--sparsities")
        for value in values where !(value > 0 && value < 1) {
            throw ValidationError("--sparsities: expected values in (0, 1), found \(value)")
        }
        return Array(Set(values)).sorted()
    }

    func budgetTargets() throws -> [Double] {
        guard let budget else { return [] }
        let values = try Self.numbers(budget, option: "--budget")
        for value in values where !(value > 0 && value < 1) {
            throw ValidationError("--budget: expected overall sparsities in (0, 1), found \(value)")
        }
        return Array(Set(values)).sorted()
    }

    static func numbers(_ text: String, option: String) throws -> [Double] {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("\(option): expected at least one value, found none")
        }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map {
            guard let value = Double($0.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw ValidationError("\(option): expected numbers separated by commas, found '\($0)'")
            }
            return value
        }
    }

    private var directory: String {
        if let out { return out }
        if let table { return (table as NSString).deletingLastPathComponent.nilIfEmpty ?? "." }
        let source = recipe ?? from!
        return "runs/sensitivity-" + ((source as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    private func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    static func budgetName(_ target: Double) -> String { String(format: "budget-%.4f.yaml", target) }

    func run() throws {
        if tui && !(isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1) {
            throw ValidationError("sensitivity --tui needs a terminal; without --tui the heatmap is printed")
        }
        let targets = try budgetTargets()
        let measuring = table == nil
        let outputs: [OutputGuard.File] = (measuring ? ["sensitivity.csv", "sensitivity.jsonl", "sensitivity.svg"] : [])
            .map { .init(role: "the table's \($0)", path: path($0)) }
            + targets.map { .init(role: "the budget for \($0)", path: path(Self.budgetName($0))) }
        var inputs: [OutputGuard.File] = []
        if let recipe { inputs.append(.init(role: "the recipe", path: recipe)) }
        if let from { inputs.append(.init(role: "the checkpoint --from reads", path: from)) }
        if let table { inputs.append(.init(role: "the table --table reads", path: table)) }
        try OutputGuard.check(outputs: outputs, inputs: inputs)

        let result: SensitivityTable
        if let table {
            do { result = try SensitivityTable(jsonLines: try RegularFile.readText(table), path: table) } catch {
                throw ValidationError("--table: \(error)")
            }
        } else {
            let (session, provenance, dataFiles) = try prepare()
            try OutputGuard.check(outputs: outputs, inputs: inputs + dataFiles)
            try makeDirectory()
            let analysis = SensitivityAnalysis(sparsities: try sparsityList(), fineTuneSteps: fineTuneStepCount,
                                               fineTuneLearningRate: finetuneLr ?? session.config.learningRate / 10,
                                               batchNormBatches: session.hasBatchNorm ? batchNormBatchCount : 0)
            let points = session.sparsity.prunable.count * analysis.sparsities.count
            let curves = try analysis.run(on: session) { l, index in
                if Terminal.standardErrorIsTerminal {
                    Terminal.standardError("\r\u{1B}[Kmeasured \(l * analysis.sparsities.count + index + 1)/\(points) points")
                }
            }
            if Terminal.standardErrorIsTerminal { Terminal.standardError("\r\u{1B}[K") }
            guard curves.denseLoss.isFinite else {
                throw ValidationError("the dense network's loss on the held-out images is \(curves.denseLoss): its training diverged; "
                                      + "nothing was written (lower the recipe's learning rate)")
            }
            result = SensitivityTable(provenance: provenance, curves: curves)
            let name = ((provenance.source as NSString).lastPathComponent as NSString).deletingPathExtension
            try write(result.csv, to: "sensitivity.csv")
            try write(result.jsonLines, to: "sensitivity.jsonl")
            let slice = "\(provenance.heldOutIndices.count) training images " + (provenance.heldOutDuringTraining ? "held out" : "seen in training")
            try write(SensitivitySVG(title: "Per-layer sensitivity: \(provenance.model), \(name) (\(slice))", curves: curves).document,
                      to: "sensitivity.svg")
        }
        print(Self.render(result.curves, width: 100).joined(separator: "\n"))
        if measuring { print("table: \(path("sensitivity.csv")), sensitivity.jsonl and sensitivity.svg") }
        for target in targets {
            let solved: SensitivityBudget
            do { solved = try SensitivityBudget(curves: result.curves, target: target, rule: budgetRule) } catch {
                throw ValidationError("\(error)")
            }
            let fragment = Self.fragment(solved, curves: result.curves, provenance: result.provenance)
            try makeDirectory()
            try write(fragment.yaml, to: Self.budgetName(target))
            let allowed = solved.threshold.map { String(format: ", allowed drop %.2f points per layer", $0 * 100) } ?? ""
            print(String(format: "budget %.4f", target) + " (\(budgetRule.rawValue)\(allowed)): "
                  + zip(result.curves.layers, solved.layerSparsities).map { String(format: "%@ %.4f", $0.name, $1) }.joined(separator: ", ")
                  + " -> \(path(Self.budgetName(target)))")
        }
        if tui {
            var viewer = WidgetViewer(title: "prunetop sensitivity: \(result.provenance.model), \(result.provenance.source)",
                                      content: SensitivityHeatmapView(curves: result.curves), glyphs: ascii ? .ascii : .unicode)
            if let signal = viewer.run() { throw ExitCode(signal.exitCode) }
        }
    }

    /// The dense session to measure, what it is, and the data set's files (inputs).
    private func prepare() throws -> (TrainingSession, SensitivityTable.Provenance, [OutputGuard.File]) {
        var config: RunConfig
        var checkpoint: Checkpoint?
        let dataset: ImageDataset
        if let from {
            do { checkpoint = try Checkpoint.read(from: from) } catch { throw ValidationError("--from: \(error)") }
            config = checkpoint!.config
            BLASStartup.settleKernel(for: config)
            dataset = try DataChoice.load(directory: config.dataDirectory)
        } else {
            // No training flags or checkpoint options: the recipe says it all (parsing none gives their defaults).
            let setup = try RunSetup.make(recipeOptions, training: try TrainingOptions.parse([]),
                                          control: try RunSetup.ControlOptions.parse([]), defaults: ("dense", 0))
            config = setup.config
            config.sparsity = SparsityConfig()
            dataset = setup.dataset
        }
        config.checkpointEverySteps = nil
        config.checkpointDirectory = nil
        config.stopAfterSteps = nil
        guard heldOutCount < dataset.trainCount - config.batchSize else {
            throw ValidationError("--held-out: \(heldOutCount) images leave fewer than a batch (\(config.batchSize)) of the "
                                  + "\(dataset.trainCount) training images of \(dataset.name) to train on")
        }
        let split = HeldOutSplit(dataset, heldOut: heldOutCount, seed: config.seed)
        let session: TrainingSession
        if let checkpoint {
            do { session = try TrainingSession(checkpoint: checkpoint, dataset: split.dataset, allowingDataChange: true) } catch {
                throw ValidationError("--from: \(error)")
            }
            ComputeThreads.use(config.threads, for: session.model)
            guard session.sparsity.measuredSparsity == 0 else {
                throw ValidationError("--from: \(from!) is " + String(format: "%.2f%%", session.sparsity.measuredSparsity * 100)
                                      + " sparse; sensitivity measures a dense network (a checkpoint of a dense run, or of a run before it pruned)")
            }
            if session.sparsity.method.name != "dense" { try session.sparsity.switchMethod(to: "dense") }
            Terminal.standardError("note: the checkpoint trained on the whole training set, the \(heldOutCount) held-out images "
                                   + "included: the curves measure them as seen images (the test set is still unused)\n")
        } else {
            do { session = try TrainingSession(config: config, dataset: split.dataset) } catch {
                throw ValidationError("\(recipe!): \(error)")
            }
            ComputeThreads.use(config.threads, for: session.model)
            train(session)
        }
        let provenance = SensitivityTable.Provenance(
            source: recipe ?? from!, model: session.model.name, dataset: dataset.name, seed: config.seed,
            heldOutIndices: split.heldOutIndices, heldOutDuringTraining: checkpoint == nil,
            fineTuneSteps: fineTuneStepCount, fineTuneLearningRate: Double("\(finetuneLr ?? config.learningRate / 10)")!,
            batchNormBatches: session.hasBatchNorm ? batchNormBatchCount : 0)
        var dataFiles: [OutputGuard.File] = []
        if let directory = config.dataDirectory { dataFiles = OutputGuard.files(in: directory, role: "a file of the data set") }
        return (session, provenance, dataFiles)
    }

    /// The whole run, dense, on the training images not held out.
    private func train(_ session: TrainingSession) {
        let total = session.totalSteps
        Terminal.standardError("training \(session.model.name) dense: \(session.config.epochs) epoch\(session.config.epochs == 1 ? "" : "s"), \(Format.grouped(total)) steps "
                               + "on \(Format.grouped(session.dataset.trainCount)) images (\(heldOutCount) held out)\n")
        while !session.isComplete {
            session.trainStep()
            if Terminal.standardErrorIsTerminal && (session.step % 50 == 0 || session.isComplete) {
                Terminal.standardError("\r\u{1B}[Kstep \(Format.grouped(session.step))/\(Format.grouped(total))")
            }
        }
        if Terminal.standardErrorIsTerminal { Terminal.standardError("\r\u{1B}[K") }
    }

    static func fragment(_ budget: SensitivityBudget, curves: SensitivityCurves, provenance: SensitivityTable.Provenance) -> BudgetFragment {
        let layers = zip(curves.layers, budget.layerSparsities).map { (name: $0.name, sparsity: $1) }
        let held = provenance.heldOutDuringTraining ? "held out from training" : "seen in training"
        let scaling = budget.unscaledOverall > budget.target + 1e-9
            ? String(format: " (%.4f overall, then every layer scaled by %.4f)", budget.unscaledOverall, budget.target / budget.unscaledOverall)
            : ""
        return BudgetFragment(layers: layers, comments: [
            "Per-layer budget for an overall sparsity of \(budget.target) (parameter-weighted), from `prunetop sensitivity`",
            "on \(provenance.source) (\(provenance.model), \(provenance.dataset), seed \(provenance.seed), "
                + "\(provenance.heldOutIndices.count) training images \(held)).",
            ruleComment(budget) + scaling + ".",
            "Paste in place of the recipe's `budget:` and set schedule.final to \(budget.target); or pass as --set:",
            "--set schedule.final=\(budget.target) " + BudgetFragment(layers: layers, comments: []).overrides.map { "--set " + $0 }.joined(separator: " "),
        ])
    }

    static func ruleComment(_ budget: SensitivityBudget) -> String {
        switch budget.rule {
        case .threshold:
            String(format: "Rule threshold: each layer's largest sparsity losing at most %.2f points alone", (budget.threshold ?? 0) * 100)
                + " (its curve read linearly between measured points)"
        case .cheapest:
            "Rule cheapest: the least summed drop (each layer pruned alone) for the weights removed, on the curves' lower convex hulls"
        }
    }

    /// The heatmap widget drawn as plain text, `width` columns, one row per layer.
    static func render(_ curves: SensitivityCurves, width: Int) -> [String] {
        var screen = Screen(width: width, height: curves.layers.count + 2)
        SensitivityHeatmapView(curves: curves).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        return screen.lines.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
    }

    private func makeDirectory() throws {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw ValidationError("--out \(directory): cannot create the directory: \((error as NSError).localizedDescription)")
        }
    }

    /// Written whole, then renamed over the old one.
    private func write(_ text: String, to name: String) throws {
        do { try text.write(toFile: path(name), atomically: true, encoding: .utf8) } catch {
            throw ValidationError("\(path(name)): cannot write: \((error as NSError).localizedDescription)")
        }
    }
}

extension SensitivityBudget.Rule: ExpressibleByArgument {}
