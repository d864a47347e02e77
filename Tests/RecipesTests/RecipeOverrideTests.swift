import Recipes
import Training
import XCTest

final class RecipeOverrideTests: XCTestCase {
    private let base = "epochs: 4\nmethod: magnitude\nschedule:\n  final: 0.9\n  kind: polynomial\n"

    private func config(_ overrides: [String]) throws -> RunConfig {
        try RecipeLoader.parse(yaml: base, path: "r.yaml", overrides: overrides).runConfig(stepsPerEpoch: 10)
    }

    func testOverridesReplaceAddAndReshapeValues() throws {
        XCTAssertEqual(try config(["schedule.final=0.95"]).sparsity.target, 0.95)
        XCTAssertEqual(try config(["epochs=6", "seed=3"]).epochs, 6)
        XCTAssertEqual(try config(["optimizer.name=adam", "optimizer.lr=0.001"]).optimizer,
                       .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0), "a new section")
        let rigl = try config(["method=rigl", "method.alpha=0.5", "schedule.kind=constant"])
        XCTAssertEqual(rigl.sparsity.method, "rigl")
        XCTAssertEqual(rigl.sparsity.options, ["alpha": 0.5], "a method name becomes a mapping")
        let manual = try config(["budget.distribution=manual", "budget.layers.fc1.weight=0.97"])
        XCTAssertEqual(manual.sparsity.budget?.distribution, .manual(["fc1.weight": 0.97]), "tensor names keep their dots")
        XCTAssertEqual(manual.sparsity.budget?.manualTarget, 0.9, "the split is written for schedule.final")
        XCTAssertEqual(try config(["budget.distribution=manual", "budget.layers.fc1.weight=0.97", "schedule.final=0.95"])
            .sparsity.budget?.manualTarget, 0.95)
        XCTAssertEqual(try config(["schedule.kind=oneshot", "schedule.at=25 steps"]).sparsity.schedule, .oneShot(atStep: 25))
    }

    /// `data` written as a source becomes a mapping when `data.augment` is set.
    func testAugmentationCanBeSetOnADataSource() throws {
        let recipe = try RecipeLoader.parse(yaml: "data: embedded\n", path: "r.yaml", overrides: ["data.augment=true"])
        XCTAssertEqual(recipe.data, "embedded")
        XCTAssertEqual(recipe.config.augmentation, .standard)
        XCTAssertTrue(try config(["data.augment=on"]).augment, "a new section")
        XCTAssertNil(try RecipeLoader.parse(yaml: "data:\n  augment: true\n", path: "r.yaml", overrides: ["data.augment=~"])
            .config.augmentation)
        XCTAssertThrowsError(try config(["data.augment=2"])) {
            XCTAssertEqual(($0 as? RecipeErrors)?.diagnostics.map(\.description),
                           ["--set data.augment=2: data.augment: expected true or false, found '2'"])
        }
    }

    func testATildeRemovesAKeySoItsDefaultApplies() throws {
        let yaml = "optimizer:\n  name: sgd\n  momentum: 0.5\n"
        let removed = try RecipeLoader.parse(yaml: yaml, path: "r.yaml", overrides: ["optimizer.momentum=~", "optimizer.name=adam"])
        XCTAssertEqual(removed.config.optimizer, .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0))
        XCTAssertThrowsError(try RecipeLoader.parse(yaml: yaml, path: "r.yaml", overrides: ["optimizer.name=adam"]),
                             "momentum does not apply to adam")
        XCTAssertEqual(try RecipeLoader.parse(yaml: yaml, path: "r.yaml", overrides: ["seed=null"]).config.seed, 0, "absent stays absent")
    }

    func testOverridesAreValidatedLikeTheFileAndNamedInErrors() {
        func errors(_ overrides: [String]) -> [String] {
            do {
                _ = try config(overrides)
                return []
            } catch let error as RecipeErrors {
                return error.diagnostics.map(\.description)
            } catch {
                return ["\(error)"]
            }
        }
        XCTAssertEqual(errors(["schedule.final=1.2"]), ["--set schedule.final=1.2: schedule.final: expected a number in [0, 1), found 1.2"])
        XCTAssertEqual(errors(["method=rigl2"]).first?.hasPrefix("--set method=rigl2: method: unknown method 'rigl2'; did you mean 'rigl'?"), true)
        XCTAssertEqual(errors(["epcohs=3"]).first?.hasPrefix("--set epcohs=3: unknown key 'epcohs'; did you mean 'epochs'?"), true)
        XCTAssertEqual(errors(["epochs"]), ["--set epochs: expected KEY.PATH=VALUE, e.g. schedule.final=0.95"])
        XCTAssertEqual(errors(["epochs.max=3"]), ["--set epochs.max=3: epochs: cannot set 'max' inside it: it is a single value, not a mapping"])
    }
}
