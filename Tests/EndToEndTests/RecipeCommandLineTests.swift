import DashboardModel
import Foundation
import Metrics
import RunLogs
import Training
import XCTest

/// Recipes through the real binary: a recipe runs with its overrides applied, and a bad
/// one is refused before anything runs, every problem on its own line.
final class RecipeCommandLineTests: XCTestCase {
    private func write(_ yaml: String) throws -> String {
        let path = PrunetopProcess.temporaryPath("recipe.yaml")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testARecipeRunsWithItsOverridesAndFlagsOnTop() throws {
        let recipe = try write("""
        # gradual magnitude on the embedded digits
        data: embedded
        epochs: 3
        batch: 64
        method: magnitude
        schedule:
          final: 0.8
          kind: polynomial
          begin: 0.5
          end: 2
          every: 5 steps
        """)
        let log = PrunetopProcess.temporaryPath("recipe.jsonl")
        let result = try PrunetopProcess.run(["run", recipe, "--set", "schedule.final=0.9", "--set", "seed=4",
                                              "--epochs", "2", "--jsonl", log])
        XCTAssertEqual(result.status, 0, result.standardError)
        let events = try PrunetopProcess.jsonLines(log)
        let config = try XCTUnwrap(events.first?["config"] as? [String: Any])
        XCTAssertEqual(config["epochs"] as? Int, 2, "a flag applies over the recipe")
        XCTAssertEqual(config["seed"] as? String, "4")
        XCTAssertEqual(config["batch"] as? Int, 64)
        let sparsity = try XCTUnwrap(config["sparsity"] as? [String: Any])
        XCTAssertEqual(sparsity["target"] as? Double, 0.9, "--set applies over the recipe")
        XCTAssertEqual(sparsity["method"] as? String, "magnitude")
        let done = try XCTUnwrap(events.last)
        XCTAssertEqual(done["event"] as? String, "done")
        XCTAssertEqual(try XCTUnwrap(done["sparsity"] as? Double), 0.9, accuracy: 0.001, "the schedule ends inside the run")
    }

    /// A recipe's pace steers the dashboard; a headless run says it goes at full speed.
    /// A layer that does not fit the data is refused at its line before anything runs; a
    /// network of the recipe's own runs and its log names its layers.
    func testARecipesOwnNetworkIsCheckedAgainstTheDataAndRuns() throws {
        let tooSmall = try write("data: embedded\nmodel:\n  - conv: 4\n  - maxpool\n  - conv: 8\n    kernel: 5\n  - maxpool\n"
                                 + "  - {conv: 8, kernel: 5}\n  - dense: classes\n")
        let refused = try PrunetopProcess.run(["run", tooSmall])
        XCTAssertEqual(refused.status, 65, refused.standardError)
        XCTAssertTrue(refused.standardError.hasPrefix("\(tooSmall):8:5: model: custom: conv3 expects [8, height, width] with height and "
            + "width at least 5, got [8, 4, 4] (the data, digits-8x8 (embedded), has images of [1, 28, 28] and 10 classes)\n"), refused.standardError)

        let fits = try write("data: embedded\nepochs: 1\nmethod: magnitude\nschedule: {final: 0.5}\nmodel:\n  name: tiny\n  layers:\n"
                             + "    - {conv: 4, padding: 1, bias: false}\n    - batchnorm\n    - relu\n"
                             + "    - residual: {body: [{conv: 4, padding: 1}, batchnorm]}\n    - relu\n    - avgpool\n    - dense: classes\n")
        let log = PrunetopProcess.temporaryPath("tiny.jsonl")
        let result = try PrunetopProcess.run(["run", fits, "--jsonl", log])
        XCTAssertEqual(result.status, 0, result.standardError)
        let events = try PrunetopProcess.jsonLines(log)
        let layers = try XCTUnwrap(events.last { $0["event"] as? String == "eval" }?["layers"] as? [[String: Any]])
        XCTAssertEqual(layers.compactMap { $0["name"] as? String }, ["conv1.weight", "block1.conv1.weight", "fc1.weight"])

        // The log alone describes the network: a replay needs no zoo model of that name.
        let timeline = try ReplayTimeline(path: log)
        XCTAssertEqual(timeline.model, "tiny")
        let network = try XCTUnwrap(timeline.network)
        XCTAssertEqual(network.layers.map(\.name), ["conv1", "bn1", "relu1", "block1.conv1", "block1.bn1", "block1.add", "relu2", "avgpool", "fc1"])
        XCTAssertEqual(network.layers.first { $0.name == "block1.add" }?.tiedWeights, ["block1.conv1.weight", "conv1.weight"])
        XCTAssertEqual(DashboardFrameContext(network: network).shapes.map(\.name), ["conv1.weight", "block1.conv1.weight", "fc1.weight"])
        XCTAssertThrowsError(try ModelCatalog.make("tiny", inputShape: network.inputShape, classCount: 10, seed: 0))
    }

    func testAHeadlessRunSaysItIgnoresTheRecipesPace() throws {
        let recipe = try write("data: embedded\nepochs: 1\npace:\n  steps_per_second: 2\n  pause_at_phases: true\n")
        let result = try PrunetopProcess.run(["run", recipe])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardError.contains(
            "note: the recipe's pace (2 steps/s, pausing at phase changes) steers the dashboard; this headless run goes at full speed"),
            result.standardError)
    }

    func testABadRecipeIsRefusedWithEveryProblemAndNothingRuns() throws {
        let recipe = try write("""
        data: embedded
        epcohs: 3
        method: rigl2
        schedule:
          final: 1.5
        """)
        let log = PrunetopProcess.temporaryPath("never.jsonl")
        let result = try PrunetopProcess.run(["run", recipe, "--jsonl", log])
        XCTAssertEqual(result.status, 65)
        let lines = result.standardError.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, result.standardError)
        XCTAssertTrue(lines[0].hasPrefix("\(recipe):2:1: unknown key 'epcohs'; did you mean 'epochs'?"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("\(recipe):3:9: method: unknown method 'rigl2'; did you mean 'rigl'?"), lines[1])
        XCTAssertEqual(lines[2], "\(recipe):5:10: schedule.final: expected a number in [0, 1), found 1.5")
        XCTAssertEqual(lines[3], "error: the recipe has 3 problems; nothing was run")
        XCTAssertFalse(FileManager.default.fileExists(atPath: log), "nothing ran")

        let missing = try PrunetopProcess.run(["run", "/nonexistent/recipe.yaml"])
        XCTAssertEqual(missing.status, 65)
        XCTAssertTrue(missing.standardError.hasPrefix("/nonexistent/recipe.yaml:1:1: cannot read the recipe: No such file or directory"))
        let orphan = try PrunetopProcess.run(["run", "--set", "epochs=2"])
        XCTAssertEqual(orphan.status, 64)
        XCTAssertTrue(orphan.standardError.contains("--set: needs a recipe file to override"), orphan.standardError)
    }

    func testTheEpochsFlagResizesEpochPositionsAndStepProblemsAreLocated() throws {
        let recipe = try write("data: embedded\nepochs: 10\nbatch: 64\nmethod: magnitude\nschedule:\n  final: 0.9\n  kind: polynomial\n")
        let log = PrunetopProcess.temporaryPath("short.jsonl")
        let short = try PrunetopProcess.run(["run", recipe, "--epochs", "2", "--jsonl", log])
        XCTAssertEqual(short.status, 0, short.standardError)
        let done = try XCTUnwrap(try PrunetopProcess.jsonLines(log).last)
        XCTAssertEqual(try XCTUnwrap(done["sparsity"] as? Double), 0.9, accuracy: 0.001,
                       "the default schedule (10% to 60% of the run) fits the 2 epochs asked for")

        let crossed = try write("data: embedded\nepochs: 2\nbatch: 64\nmethod: magnitude\nschedule:\n  final: 0.9\n"
                                + "  kind: polynomial\n  begin: 1\n  end: 10 steps\n")
        let result = try PrunetopProcess.run(["run", crossed])
        XCTAssertEqual(result.status, 65)
        XCTAssertEqual(result.standardError.split(separator: "\n").first.map(String.init),
                       "\(crossed):6:3: schedule: need 0 <= begin <= end, got begin 22, end 10 (in steps, at 22 steps an epoch)")
    }
}
