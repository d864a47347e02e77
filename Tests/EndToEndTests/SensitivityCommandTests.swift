import Foundation
import Recipes
import RunLogs
import Training
import XCTest

/// `prunetop sensitivity` on the embedded digits: the table, the SVG and the budgets it
/// writes, the slice it evaluates on, its refusals, and its heatmap in a real terminal.
final class SensitivityCommandTests: XCTestCase {
    private var directory = ""
    private let recipeText = "data: embedded\nmodel: lenet300\nepochs: 1\nbatch: 64\nmethod: magnitude\nschedule:\n  final: 0.9\n"

    override func setUpWithError() throws {
        directory = PrunetopProcess.temporaryPath("sensitivity")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    func testARecipesCurvesTableSVGAndBudgetsAreWrittenAndLoad() throws {
        let recipe = directory + "/tiny.yaml", out = directory + "/out"
        try recipeText.write(toFile: recipe, atomically: true, encoding: .utf8)
        let result = try PrunetopProcess.run(["sensitivity", recipe, "--held-out", "200", "--sparsities", "0.9,0.5",
                                              "--finetune-steps", "2", "--budget", "0.5,0.8", "--rule", "threshold", "--out", out])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardError.contains("training lenet300 dense: 1 epoch"), result.standardError)
        XCTAssertTrue(result.standardOutput.contains("\nlayer          50%    90%\nfc1.weight"), result.standardOutput)

        let table = try SensitivityTable(jsonLines: try String(contentsOfFile: out + "/sensitivity.jsonl", encoding: .utf8), path: "t")
        XCTAssertEqual(table.curves.sparsities, [0.5, 0.9])
        XCTAssertEqual(table.curves.layers.map(\.name), ["fc1.weight", "fc2.weight", "fc3.weight"])
        XCTAssertEqual(table.provenance.fineTuneSteps, 2)
        XCTAssertTrue(table.provenance.heldOutDuringTraining)
        let digits = DatasetLoader.embeddedDigits()
        XCTAssertEqual(table.provenance.heldOutIndices, HeldOutSplit(digits, heldOut: 200, seed: 0).heldOutIndices,
                       "the slice: 200 training images by the recipe's seed")
        XCTAssertTrue(table.provenance.heldOutIndices.allSatisfy { $0 < digits.trainCount })
        let csv = try String(contentsOfFile: out + "/sensitivity.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.first.map(String.init), SensitivityTable.csvHeader)
        XCTAssertEqual(csv.count, 1 + 3 * 2)
        let svg = try String(contentsOfFile: out + "/sensitivity.svg", encoding: .utf8)
        XCTAssertEqual(svg.components(separatedBy: "<rect class=\"cell\"").count - 1, 6)

        let cheapest = try PrunetopProcess.run(["sensitivity", "--table", out + "/sensitivity.jsonl", "--budget", "0.8",
                                                "--out", out + "/cheapest"])
        XCTAssertEqual(cheapest.status, 0, cheapest.standardError)
        XCTAssertTrue(cheapest.standardOutput.contains("budget 0.8000 (cheapest): fc1.weight"), cheapest.standardOutput)
        for (target, file) in [(0.5, "/budget-0.5000.yaml"), (0.8, "/budget-0.8000.yaml"), (0.8, "/cheapest/budget-0.8000.yaml")] {
            let budget = try String(contentsOfFile: out + file, encoding: .utf8)
            let pasted = try RecipeLoader.parse(yaml: recipeText + budget, path: "pasted.yaml")
            guard case let .manual(layers)? = pasted.config.sparsity.budget?.distribution else {
                return XCTFail("budget \(target): not a manual budget:\n\(budget)")
            }
            let counts = Dictionary(uniqueKeysWithValues: table.curves.layers.map { ($0.name, Double($0.parameterCount)) })
            XCTAssertEqual(Set(layers.keys), Set(counts.keys))
            let overall = layers.map { $0.value * counts[$0.key]! }.reduce(0, +) / counts.values.reduce(0, +)
            XCTAssertEqual(overall, target, accuracy: 1e-3, "budget \(target): the overall sparsity (4 decimals per layer)")
        }
    }

    func testACheckpointIsMeasuredOnTheHeldOutTrainingImages() throws {
        let checkpoints = directory + "/checkpoints", out = directory + "/from"
        let run = try PrunetopProcess.run(["run", "--data", "embedded", "--epochs", "1", "--batch", "64", "--seed", "4",
                                           "--stop-after-steps", "6", "--checkpoint-every", "6", "--checkpoint-dir", checkpoints])
        XCTAssertEqual(run.status, 0, run.standardError)
        let checkpoint = checkpoints + "/step-000006.ckpt"
        let result = try PrunetopProcess.run(["sensitivity", "--from", checkpoint, "--held-out", "150", "--sparsities", "0.8", "--out", out])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardError.contains("the checkpoint trained on the whole training set"), result.standardError)
        let table = try SensitivityTable(jsonLines: try String(contentsOfFile: out + "/sensitivity.jsonl", encoding: .utf8), path: "t")
        XCTAssertFalse(table.provenance.heldOutDuringTraining)
        // The dense accuracy is the checkpoint's network on exactly those training images, not on the test set.
        let split = HeldOutSplit(DatasetLoader.embeddedDigits(), heldOut: 150, seed: 4)
        XCTAssertEqual(table.provenance.heldOutIndices, split.heldOutIndices)
        let session = try TrainingSession(checkpoint: try Checkpoint.read(from: checkpoint), dataset: split.dataset, allowingDataChange: true)
        XCTAssertEqual(table.curves.denseAccuracy, session.evaluate().accuracy)
        XCTAssertEqual(split.dataset.testCount, 150)
    }

    func testBadInputIsRefusedSayingWhatWasExpected() throws {
        let recipe = directory + "/tiny.yaml"
        try recipeText.write(toFile: recipe, atomically: true, encoding: .utf8)
        func refusal(_ arguments: [String]) throws -> String {
            let result = try PrunetopProcess.run(["sensitivity"] + arguments)
            XCTAssertNotEqual(result.status, 0, arguments.joined(separator: " "))
            return result.standardError
        }
        XCTAssertTrue(try refusal([]).contains("give a recipe, --from CHECKPOINT or --table FILE"))
        XCTAssertTrue(try refusal([recipe, "--from", "x.ckpt"]).contains("not several"))
        XCTAssertTrue(try refusal([recipe, "--sparsities", "0.5,1"]).contains("--sparsities: expected values in (0, 1), found 1.0"))
        XCTAssertTrue(try refusal([recipe, "--sparsities", "0.5,,0.9"]).contains("--sparsities: expected numbers separated by commas, found ''"))
        XCTAssertTrue(try refusal([recipe, "--budget", "1.5"]).contains("--budget: expected overall sparsities in (0, 1), found 1.5"))
        XCTAssertTrue(try refusal([recipe, "--rule", "best"]).contains("'best'"))
        XCTAssertTrue(try refusal([recipe, "--rule", "threshold"])
            .contains("--rule: applies to the budgets --budget writes; give --budget TARGET,..."))
        XCTAssertTrue(try refusal(["--table", recipe, "--set", "epochs=2"]).contains("--set: needs a recipe file to override"))
        XCTAssertTrue(try refusal([recipe, "--held-out", "5000"]).contains("--held-out: 5000 images leave fewer than a batch"))
        XCTAssertTrue(try refusal(["--table", recipe]).contains("--table: \(recipe):1: not a line of a sensitivity table"))
        XCTAssertTrue(try refusal([recipe, "--set", "epochs=many"]).contains("epochs: expected"))
        XCTAssertTrue(try refusal(["--from", directory + "/missing.ckpt"]).contains("--from: "))
        let diverging = directory + "/diverging.yaml"
        try (recipeText + "optimizer: {name: sgd, lr: 1000}\n").write(toFile: diverging, atomically: true, encoding: .utf8)
        XCTAssertTrue(try refusal([diverging, "--held-out", "200", "--sparsities", "0.5", "--out", directory + "/diverged"])
            .contains("its training diverged; nothing was written"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/diverged/sensitivity.csv"))
        XCTAssertTrue(try refusal(["--table", recipe, "--tui"]).contains("sensitivity --tui needs a terminal"))
        XCTAssertTrue(try refusal(["--table", recipe, "--held-out", "100"])
            .contains("--held-out: applies when measuring (a recipe or --from), not to a --table measured before"))
        XCTAssertTrue(try refusal(["--table", recipe, "--bn-batches", "5"])
            .contains("--bn-batches: applies when measuring (a recipe or --from), not to a --table measured before"))
        XCTAssertTrue(try refusal([recipe, "--bn-batches=-1"]).contains("--bn-batches: expected an integer >= 0, found -1"))
        // An output that is an input (here the recipe, hard-linked as the table's CSV) is never written.
        let out = directory + "/linked"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try FileManager.default.linkItem(atPath: recipe, toPath: out + "/sensitivity.csv")
        XCTAssertTrue(try refusal([recipe, "--out", out]).contains("writing it would destroy it"))
        XCTAssertEqual(try String(contentsOfFile: recipe, encoding: .utf8), recipeText)
    }

    func testABudgetNoAllocationMeetsIsRefusedAndTheHeatmapShowsInATerminal() throws {
        let table = directory + "/sensitivity.jsonl"
        let curves = SensitivityCurves(sparsities: [0.5, 0.9], denseAccuracy: 0.9, denseLoss: 0.3, layers: [
            .init(name: "fc1.weight", shape: [300, 784], accuracies: [0.9, 0.85], losses: [0.3, 0.4]),
            .init(name: "fc2.weight", shape: [100, 300], accuracies: [0.88, 0.7], losses: [0.3, 0.6]),
            .init(name: "fc3.weight", shape: [10, 100], accuracies: [0.87, 0.5], losses: [0.3, 0.9]),
        ])
        let written = SensitivityTable(provenance: .init(source: "tiny.yaml", model: "lenet300", dataset: "digits", seed: 0, heldOutIndices: [1],
                                                         heldOutDuringTraining: true, fineTuneSteps: 0, fineTuneLearningRate: 0.005),
                                       curves: curves)
        try written.jsonLines.write(toFile: table, atomically: true, encoding: .utf8)
        let unreachable = try PrunetopProcess.run(["sensitivity", "--table", table, "--budget", "0.95"])
        XCTAssertNotEqual(unreachable.status, 0)
        XCTAssertTrue(unreachable.standardError.contains("--budget 0.95: cannot be met: every layer at the largest sparsity measured (0.9) gives only 0.9000 overall"),
                      unreachable.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/budget-0.9500.yaml"))

        let server = TmuxServer(socket: "prunetop-sensitivity-\(ProcessInfo.processInfo.processIdentifier)", session: "sensitivity")
        guard (try? server.run(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
        defer { _ = try? server.run(["kill-server"]) }
        let exitFile = directory + "/exit"
        let command = "TERM=xterm-256color \(PrunetopProcess.executable.path) sensitivity --table \(table) --tui; echo EXIT=$? > \(exitFile); sleep 30"
        try server.run(["new-session", "-d", "-s", "sensitivity", "-x", "80", "-y", "24", command])
        let screen = try server.waitForScreen("the heatmap") { $0.contains("fc3.weight") && $0.contains("q quit") }
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("prunetop sensitivity: lenet300, tiny.yaml"), screen)
        XCTAssertEqual(lines[3].trimmingCharacters(in: .whitespaces), "layer          50%    90%", screen)
        XCTAssertEqual(lines[6].trimmingCharacters(in: .whitespaces), "fc3.weight     3.0   40.0", screen)
        try server.run(["send-keys", "-t", "sensitivity", "q"])
        let deadline = Date().addingTimeInterval(20)
        while (try? String(contentsOfFile: exitFile, encoding: .utf8))?.hasSuffix("\n") != true && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertEqual(try? String(contentsOfFile: exitFile, encoding: .utf8), "EXIT=0\n")
    }
}
