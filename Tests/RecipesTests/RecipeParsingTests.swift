import Recipes
import Training
import XCTest

final class RecipeParsingTests: XCTestCase {
    private func errors(_ yaml: String, overrides: [String] = [], file: StaticString = #filePath, line: UInt = #line) -> [String] {
        do {
            _ = try RecipeLoader.parse(yaml: yaml, path: "r.yaml", overrides: overrides)
            XCTFail("expected the recipe to be refused", file: file, line: line)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    /// The recipe's problems, none when it is accepted.
    private func problems(_ yaml: String) -> [String] {
        do {
            _ = try RecipeLoader.parse(yaml: yaml, path: "r.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    func testAFullRecipeBecomesTheRunConfigInSteps() throws {
        let yaml = """
        # every section
        model: lenet5
        data: embedded
        seed: 7
        epochs: 10
        batch: 64
        eval_every: 0.5
        optimizer:
          name: sgd
          lr: 0.1
          momentum: 0.8
          nesterov: false
          weight_decay: 0.0001
        lr_schedule:
          kind: step
          warmup: 200 steps
          every: 3
          gamma: 0.5
        method:
          name: rigl
          alpha: 0.4
        schedule:
          final: 0.95
        budget:
          distribution: erk
          keep_first_dense: true
        granularity: weights
        """
        let recipe = try RecipeLoader.parse(yaml: yaml, path: "r.yaml")
        let config = recipe.runConfig(stepsPerEpoch: 100)
        XCTAssertEqual(config.model, "lenet5")
        XCTAssertEqual(config.dataDirectory, "embedded")
        XCTAssertEqual(config.seed, 7)
        XCTAssertEqual(config.epochs, 10)
        XCTAssertEqual(config.batchSize, 64)
        XCTAssertEqual(config.evaluateEverySteps, 50)
        XCTAssertEqual(config.learningRate, 0.1)
        XCTAssertEqual(config.optimizer, .sgd(momentum: 0.8, nesterov: false, weightDecay: 0.0001))
        XCTAssertEqual(config.learningRateSchedule, LearningRateSchedule(decay: .step(every: 300, gamma: 0.5), warmupSteps: 200))
        XCTAssertEqual(config.sparsity.method, "rigl")
        XCTAssertEqual(config.sparsity.options, ["alpha": 0.4])
        XCTAssertEqual(config.sparsity.target, 0.95)
        XCTAssertNil(config.sparsity.schedule, "no kind: the method's own schedule")
        XCTAssertEqual(config.sparsity.budget, LayerBudget(.erdosRenyiKernel, keepFirstDense: true))
        XCTAssertEqual(config.sparsity.granularity, .weights)
        XCTAssertNoThrow(try config.validate())
    }

    func testDefaultsAndScheduleKindsInEpochsOrSteps() throws {
        let empty = try RecipeLoader.parse(yaml: "{}", path: "r.yaml").runConfig(stepsPerEpoch: 100)
        var expected = RunConfig()
        expected.dataDirectory = DatasetLoader.fashionMNISTDirectory
        XCTAssertEqual(empty, expected, "an empty recipe is the default run on Fashion-MNIST")

        func schedule(_ yaml: String) throws -> SparsitySchedule? {
            try RecipeLoader.parse(yaml: "epochs: 10\nmethod: magnitude\nschedule:\n" + yaml, path: "r.yaml")
                .runConfig(stepsPerEpoch: 100).sparsity.schedule
        }
        XCTAssertEqual(try schedule("  kind: polynomial\n  begin: 1\n  end: 6.5\n  every: 50 steps\n  exponent: 1\n"),
                       .polynomial(initial: 0, beginStep: 100, endStep: 650, frequency: 50, exponent: 1))
        XCTAssertEqual(try schedule("  kind: polynomial\n"),
                       .polynomial(initial: 0, beginStep: 100, endStep: 600, frequency: 25, exponent: 3), "gradual defaults")
        XCTAssertEqual(try schedule("  kind: oneshot\n  at: 3 epochs\n"), .oneShot(atStep: 300))
        XCTAssertEqual(try schedule("  kind: iterative\n  rounds: 4\n  round_length: 2\n"), .iterative(rounds: 4, stepsPerRound: 200))
        XCTAssertEqual(try schedule("  kind: constant\n"), .constant)
    }

    func testPaceIsStepsPerSecondOrADurationSpreadOverTheRun() throws {
        func pace(_ yaml: String, totalSteps: Int = 1_000) throws -> RunPace {
            try RecipeLoader.parse(yaml: "model: lenet300\n" + yaml, path: "r.yaml").pace.pace(totalSteps: totalSteps)
        }
        XCTAssertEqual(try pace(""), .fullSpeed)
        XCTAssertEqual(try pace("pace: 50\n"), RunPace(stepsPerSecond: 50))
        XCTAssertEqual(try pace("pace:\n  steps_per_second: 2.5\n  pause_at_phases: true\n"),
                       RunPace(stepsPerSecond: 2.5, pausesAtPhaseChanges: true))
        XCTAssertEqual(try pace("pace:\n  duration: 80\n", totalSteps: 4_000), RunPace(stepsPerSecond: 50))
        XCTAssertEqual(errors("pace: 0\n"), ["r.yaml:1:7: pace: expected a number > 0 and <= 100000, found 0"])
        XCTAssertEqual(errors("pace:\n  duration: 60\n  steps_per_second: 5\n"),
                       ["r.yaml:2:13: pace.duration: give steps_per_second or duration, not both"])
        XCTAssertEqual(errors("pace:\n  pause_at_phase: true\n").first?.hasPrefix("r.yaml:2:3: pace: unknown key 'pause_at_phase'; did you mean 'pause_at_phases'?"), true)
    }

    /// `data` is a source, or a mapping of `source` and `augment`.
    func testDataIsASourceOrAMappingWithAugment() throws {
        let plain = try RecipeLoader.parse(yaml: "data: /data/cifar10\n", path: "r.yaml")
        XCTAssertEqual(plain.data, "/data/cifar10")
        XCTAssertNil(plain.config.augmentation)
        let augmented = try RecipeLoader.parse(yaml: "data:\n  source: embedded\n  augment: true\n", path: "r.yaml")
        XCTAssertEqual(augmented.data, "embedded")
        XCTAssertEqual(augmented.runConfig(stepsPerEpoch: 10).augmentation, .standard)
        XCTAssertEqual(augmented.runConfig(stepsPerEpoch: 10).dataDirectory, "embedded")
        let defaultSource = try RecipeLoader.parse(yaml: "data:\n  augment: yes\n", path: "r.yaml")
        XCTAssertEqual(defaultSource.dataDirectory, DatasetLoader.fashionMNISTDirectory)
        XCTAssertTrue(defaultSource.config.augment)
        XCTAssertFalse(try RecipeLoader.parse(yaml: "data:\n  augment: false\n", path: "r.yaml").config.augment)

        XCTAssertEqual(errors("data:\n  source: embedded\n  augment: maybe\n"),
                       ["r.yaml:3:12: data.augment: expected true or false, found 'maybe'"])
        XCTAssertEqual(errors("data:\n  agument: true\n"),
                       ["r.yaml:2:3: data: unknown key 'agument'; did you mean 'augment'? (keys of data: source, augment)"])
        XCTAssertEqual(errors("data:\n  source: [a, b]\n"), ["r.yaml:2:11: data.source: expected a string, found a list"])
        XCTAssertEqual(errors("data: [a, b]\n"), ["r.yaml:1:7: data: expected a mapping of keys to values, found a list"])
    }

    func testUnknownKeysAreReportedWithTheirPositionAndTheClosestKey() {
        XCTAssertEqual(errors("model: lenet300\nepcohs: 5\n"), [
            "r.yaml:2:1: unknown key 'epcohs'; did you mean 'epochs'? (recipe keys: model, data, seed, epochs, batch, threads, "
                + "eval_every, optimizer, lr_schedule, method, schedule, budget, granularity, pace)",
        ])
        XCTAssertEqual(errors("schedule:\n  finall: 0.9\n  kind: constant\n"), [
            "r.yaml:2:3: schedule: unknown key 'finall'; did you mean 'final'? (keys of schedule: final, kind, initial, begin, end, "
                + "every, exponent, at, rounds, round_length)",
        ])
    }

    func testWrongTypesAndOutOfRangeValuesSayWhatWasExpectedAndFound() {
        XCTAssertEqual(errors("epochs: five\n"), ["r.yaml:1:9: epochs: expected an integer from 1 to 1000000, found 'five'"])
        XCTAssertEqual(errors("epochs: 2.5\n"), ["r.yaml:1:9: epochs: expected an integer from 1 to 1000000, found '2.5'"])
        XCTAssertEqual(errors("schedule:\n  final: 1.5\n"), ["r.yaml:2:10: schedule.final: expected a number in [0, 1), found 1.5"])
        XCTAssertEqual(errors("optimizer:\n  lr: -1\n"), ["r.yaml:2:7: optimizer.lr: expected a number > 0 and <= 1000000, found -1"])
        XCTAssertEqual(errors("optimizer: sgd\n"), ["r.yaml:1:12: optimizer: expected a mapping of keys to values, found 'sgd'"])
        XCTAssertEqual(errors("budget:\n  keep_first_dense: maybe\n"),
                       ["r.yaml:2:21: budget.keep_first_dense: expected true or false, found 'maybe'"])
        XCTAssertEqual(errors("eval_every: soon\n"),
                       ["r.yaml:1:13: eval_every: expected epochs (number) or \"N steps\" such as 2, 0.5 or \"1200 steps\", found 'soon'"])
        XCTAssertEqual(errors("model: densenet121\n"),
                       ["r.yaml:1:8: model: expected one of lenet300, lenet5, mlp, vgg-small, resnet20, found 'densenet121'"])
        XCTAssertEqual(errors("model: lenet3000\n"),
                       ["r.yaml:1:8: model: expected one of lenet300, lenet5, mlp, vgg-small, resnet20, found 'lenet3000'; did you mean 'lenet300'?"])
    }

    func testAMisspeltMethodOrOptionGetsASuggestion() {
        let method = errors("method: rigl2\n")
        XCTAssertEqual(method.count, 1)
        XCTAssertTrue(method[0].hasPrefix("r.yaml:1:9: method: unknown method 'rigl2'; did you mean 'rigl'?"), method[0])
        XCTAssertEqual(errors("method:\n  name: rigl\n  delta: 100\n"), [
            "r.yaml:3:3: method.delta: unknown option of rigl; did you mean 'delta_t'? (rigl takes alpha, delta_t, t_end_fraction)",
        ])
        XCTAssertEqual(errors("method:\n  name: rigl\n  alpha: 3\n"),
                       ["r.yaml:3:10: method.alpha: expected a number in [0, 1], found 3"])
    }

    func testBadYAMLSyntaxPointsAtTheProblem() {
        let found = errors("model: lenet300\nepochs: [1, 2\n")
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(found[0].hasPrefix("r.yaml:3:1: YAML syntax: "), found[0])
        XCTAssertEqual(errors("epochs: 1\nepochs: 2\n").first, "r.yaml:2:1: epochs: duplicate key")
        XCTAssertEqual(errors(""), ["r.yaml:1:1: the recipe is empty; expected a mapping such as 'model: lenet300'"])
        XCTAssertEqual(errors("- model\n"), ["r.yaml:1:1: expected a mapping of keys to values, found a list"])
    }

    func testSeveralErrorsAreReportedAtOnceInFileOrder() {
        let found = errors("epochs: 0\nbatch: many\nschedule:\n  kind: oneshot\n  exponent: 3\n")
        XCTAssertEqual(found, [
            "r.yaml:1:9: epochs: expected an integer from 1 to 1000000, found 0",
            "r.yaml:2:8: batch: expected an integer from 1 to 1000000, found 'many'",
            "r.yaml:5:3: schedule.exponent: does not apply to a oneshot schedule (it takes at)",
            "r.yaml:4:9: schedule.at: a oneshot schedule needs `at`",
        ])
    }

    func testTheMethodJudgesItsOwnOptionCombinations() {
        let found = errors("method:\n  name: nm\n  n: 5\n  m: 4\n")
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(found[0].hasPrefix("r.yaml:2:3: nm."), found[0])
        let granularity = errors("method: rigl\ngranularity: neurons\n")
        XCTAssertEqual(granularity, ["r.yaml:1:9: granularity: rigl chooses single weights itself; neurons does not apply"])
    }

    func testManualBudgetsNameRealTensorsAndAdamGetsItsOwnDefaultRate() throws {
        XCTAssertEqual(errors("method: magnitude\nbudget:\n  distribution: manual\n  layers:\n    fc1.weight: 0.95\n    fc9.weight: 0.5\n"), [
            "r.yaml:6:5: budget.layers: unknown tensor 'fc9.weight' of lenet300; did you mean 'fc1.weight'? "
                + "(tensors: fc1.weight, fc2.weight, fc3.weight)",
        ])
        let adam = try RecipeLoader.parse(yaml: "optimizer:\n  name: adam\n", path: "r.yaml").config
        XCTAssertEqual(adam.learningRate, RunConfig.defaultAdamLearningRate)
        let given = try RecipeLoader.parse(yaml: "optimizer:\n  name: adam\n  lr: 0.003\n", path: "r.yaml").config
        XCTAssertEqual(given.learningRate, 0.003)
    }

    func testAliasesThatExpandExponentiallyAreRefusedQuickly() {
        let levels = "abcdefghi".map(String.init)
        var yaml = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for (previous, level) in zip(levels, levels.dropFirst()) {
            yaml += "\(level): &\(level) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
        }
        XCTAssertEqual(errors(yaml), ["r.yaml:1:1: expected at most 10000 values, found more (aliases expanding?); a recipe is small"])
    }

    /// A recipe, the command line's config and the dashboard's knobs share one rule per
    /// setting: the same value is refused everywhere, with the same words.
    func testTheLearningRateAndTargetFollowOneRuleEverywhere() throws {
        for (lr, refused) in [(0.05, false), (1e6, false), (2e6, true), (0, true), (-1, true)] {
            let recipe = problems("optimizer:\n  lr: \(lr)\n")
            var config = RunConfig()
            config.learningRate = Float(lr)
            XCTAssertEqual(!recipe.isEmpty, refused, "recipe lr \(lr)")
            XCTAssertEqual((try? config.validate()) == nil, refused, "config lr \(lr)")
            XCTAssertEqual(SettingRules.learningRate.problem(lr) != nil, refused, "rule lr \(lr)")
            if refused { XCTAssertTrue(recipe[0].hasSuffix(SettingRules.learningRate.problem(lr)!), recipe[0]) }
        }
        for (target, refused) in [(0.0, false), (0.9999999, false), (1.0, true), (-0.1, true)] {
            let recipe = problems("schedule:\n  final: \(target)\n")
            XCTAssertEqual(!recipe.isEmpty, refused, "recipe target \(target)")
            let config = SparsityConfig(method: "magnitude", target: target)
            XCTAssertEqual(config.validationErrors().isEmpty, !refused, "config target \(target)")
            if refused {
                XCTAssertEqual(config.validationErrors().first, "sparsity: " + SettingRules.targetSparsity.problem(target)!)
                XCTAssertTrue(recipe[0].hasSuffix(SettingRules.targetSparsity.problem(target)!), recipe[0])
            }
        }
    }
}
