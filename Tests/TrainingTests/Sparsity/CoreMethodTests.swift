import Training
import XCTest

/// dense, magnitude and random, and the engine behaviour they exercise.
final class CoreMethodTests: XCTestCase {
    func testGradualMagnitudeReachesTheTargetAndKeepsTheLargestWeights() throws {
        // 2 epochs x 11 steps; prune from step 2 to 12 every 2 steps, then fine-tune.
        let schedule = SparsitySchedule.polynomial(initial: 0, beginStep: 2, endStep: 12, frequency: 2, exponent: 3)
        let session = try SparsityTestSupport.session(SparsityConfig(method: "magnitude", target: 0.9, schedule: schedule,
                                                                     budget: LayerBudget(.uniform)))
        var measured: [Double] = []
        while !session.isComplete {
            session.trainStep()
            measured.append(session.sparsity.measuredSparsity)
            SparsityTestSupport.assertMaskedWeightsAreZero(session)
        }
        XCTAssertEqual(measured[0], 0, "dense before the schedule begins")
        // After step 4 the cubic schedule stands at 0.9 - 0.9 * (1 - 2/10)^3 = 0.4392.
        XCTAssertEqual(measured[3], 0.4392, accuracy: 1e-3)
        XCTAssertEqual(measured[11], 0.9, accuracy: 1e-3)
        for (l, layer) in session.sparsity.prunable.enumerated() {
            XCTAssertEqual(SparsityTestSupport.sparsity(of: session.sparsity.masks[l]), 0.9, accuracy: 1e-3, layer.name)
        }
        XCTAssertEqual(session.sparsity.phase, "fine-tune")
        XCTAssertGreaterThan(session.evaluate().accuracy, 0.6)
    }

    /// A manual split under a gradual schedule: every layer follows the cubic ramp toward its
    /// own final sparsity (it used to jump to it at the first update).
    func testGradualMagnitudeRampsEachLayerOfAManualBudgetToItsOwnFinal() throws {
        let schedule = SparsitySchedule.polynomial(initial: 0, beginStep: 2, endStep: 12, frequency: 2, exponent: 3)
        let finals = ["fc1.weight": 0.95, "fc2.weight": 0.8, "fc3.weight": 0.5]
        var budget = LayerBudget(.manual(finals))
        budget.manualTarget = 0.9
        let session = try SparsityTestSupport.session(SparsityConfig(method: "magnitude", target: 0.9, schedule: schedule, budget: budget))
        var layerSparsities: [[Double]] = []
        while !session.isComplete {
            session.trainStep()
            layerSparsities.append(session.sparsity.masks.map(SparsityTestSupport.sparsity(of:)))
        }
        // After step 4 the cubic schedule stands at 0.4392 of 0.9: each layer at 0.4392 / 0.9 of its own.
        for (l, layer) in session.sparsity.prunable.enumerated() {
            let final = try XCTUnwrap(finals[layer.name])
            XCTAssertEqual(layerSparsities[3][l], final * 0.4392 / 0.9, accuracy: 2e-3, "\(layer.name) at step 4")
            XCTAssertEqual(layerSparsities[11][l], final, accuracy: 1e-3, "\(layer.name) at the end of the ramp")
        }
    }

    func testMagnitudeSelectsTheLargestMagnitudesGlobally() throws {
        let session = try SparsityTestSupport.session(SparsityConfig(method: "magnitude", target: 0.8, schedule: .oneShot(atStep: 3)))
        for _ in 0..<2 { session.trainStep() }
        XCTAssertEqual(session.sparsity.measuredSparsity, 0)
        session.trainStep()  // step 3 -> prune after the optimizer step, on the updated weights
        let magnitudes = session.sparsity.prunable.flatMap { $0.value.map(abs) }
        let kept = magnitudes.filter { $0 > 0 }
        XCTAssertEqual(Double(kept.count) / Double(magnitudes.count), 0.2, accuracy: 1e-5)
        SparsityTestSupport.assertMaskedWeightsAreZero(session)
        // One more step: pruned weights stay exactly zero although momentum had built up.
        session.trainStep()
        SparsityTestSupport.assertMaskedWeightsAreZero(session)
        XCTAssertEqual(session.sparsity.measuredSparsity, 0.8, accuracy: 1e-5)
    }

    func testMagnitudeKeepsExactlyTheTopKOfTheWeightsItSaw() throws {
        // A dense twin with the same seed takes the same first step, so its weights are
        // the ones the pruner saw right after the optimizer step.
        let pruned = try SparsityTestSupport.session(SparsityConfig(method: "magnitude", target: 0.7, schedule: .oneShot(atStep: 1),
                                                                    budget: LayerBudget(.uniform)))
        let twin = try SparsityTestSupport.session(SparsityConfig(method: "dense"))
        pruned.trainStep()
        twin.trainStep()
        for (l, parameter) in twin.model.prunableParameters.enumerated() {
            let keep = Int((Double(parameter.count) * 0.3).rounded())
            let expected = Set(parameter.value.indices.sorted { abs(parameter.value[$0]) > abs(parameter.value[$1]) }.prefix(keep))
            let kept = Set(pruned.sparsity.masks[l].indices.filter { pruned.sparsity.masks[l][$0] == 1 })
            XCTAssertEqual(kept, expected, parameter.name)
            for i in kept { XCTAssertEqual(pruned.sparsity.prunable[l].value[i], parameter.value[i]) }
        }
    }

    func testRandomMeetsAUniformBudgetAndDependsOnTheSeed() throws {
        let first = try SparsityTestSupport.session(SparsityConfig(method: "random", target: 0.9), seed: 1)
        let again = try SparsityTestSupport.session(SparsityConfig(method: "random", target: 0.9), seed: 1)
        let other = try SparsityTestSupport.session(SparsityConfig(method: "random", target: 0.9), seed: 2)
        for l in 0..<3 {
            XCTAssertEqual(SparsityTestSupport.sparsity(of: first.sparsity.masks[l]), 0.9, accuracy: 1e-3)
        }
        XCTAssertEqual(first.sparsity.masks, again.sparsity.masks)
        XCTAssertNotEqual(first.sparsity.masks, other.sparsity.masks)
        let magnitude = try SparsityTestSupport.session(SparsityConfig(method: "magnitude", target: 0.9, schedule: .constant,
                                                                       budget: LayerBudget(.uniform)), seed: 1)
        XCTAssertNotEqual(first.sparsity.masks[1], magnitude.sparsity.masks[1])
        first.trainStep()
        SparsityTestSupport.assertMaskedWeightsAreZero(first)
    }

    func testKnobsTakeEffectAtTheNextStepAndBadValuesChangeNothing() throws {
        let session = try SparsityTestSupport.session(SparsityConfig(method: "magnitude", target: 0.5, schedule: .constant,
                                                                     budget: LayerBudget(.uniform)))
        let engine = session.sparsity!
        XCTAssertEqual(engine.measuredSparsity, 0.5, accuracy: 1e-3)
        try engine.setTarget(0.8)
        XCTAssertEqual(engine.measuredSparsity, 0.5, accuracy: 1e-3, "not before the next step")
        session.trainStep()
        XCTAssertEqual(engine.measuredSparsity, 0.8, accuracy: 1e-3)
        try engine.setTarget(0.3)
        session.trainStep()
        XCTAssertEqual(engine.measuredSparsity, 0.3, accuracy: 1e-3, "lowering the target regrows weights")

        XCTAssertThrowsError(try engine.setTarget(1.2)) { XCTAssertEqual("\($0)", "sparsity: expected a number in [0, 1), found 1.2") }
        XCTAssertThrowsError(try engine.setGranularity(.nOfM(n: 5, m: 4))) { XCTAssertEqual("\($0)", "granularity: N:M needs N <= M, got 5:4") }
        XCTAssertThrowsError(try engine.switchMethod(to: "magnitdue")) {
            XCTAssertTrue("\($0)".hasPrefix("method: unknown method 'magnitdue'; did you mean 'magnitude'?"), "\($0)")
        }
        XCTAssertThrowsError(try engine.rewind()) { XCTAssertTrue("\($0)".hasPrefix("rewind applies to the lottery method")) }
        session.trainStep()
        XCTAssertEqual(engine.target, 0.3)
        XCTAssertEqual(engine.method.name, "magnitude")
        XCTAssertEqual(engine.measuredSparsity, 0.3, accuracy: 1e-3)

        // Switching method carries the masks over; dense revives every weight.
        let masks = engine.masks
        try engine.switchMethod(to: "random")
        XCTAssertEqual(engine.masks, masks, "random starts from the current mask")
        try engine.switchMethod(to: "dense")
        XCTAssertEqual(engine.measuredSparsity, 0)

        // N:M sets its own target (50% at 2:4); leaving it gives back the one asked for.
        try engine.switchMethod(to: "magnitude")
        try engine.setTarget(0.8)
        try engine.switchMethod(to: "nm")
        XCTAssertEqual(engine.target, 0.5, "N:M's own")
        try engine.switchMethod(to: "nm")
        try engine.switchMethod(to: "set")
        XCTAssertEqual(engine.target, 0.8, "the target asked for before N:M, not N:M's 50%")
    }

    func testTrainerAppliesSparsityKnobsAndReportsThem() throws {
        var config = RunConfig()
        config.epochs = 2
        config.startPaused = true
        config.sparsity = SparsityConfig(method: "magnitude", target: 0.9, schedule: .constant)
        let trainer = try Trainer(config: config, dataset: DatasetLoader.embeddedDigits())
        trainer.start()
        func waitFor(_ condition: (TrainingSnapshot) -> Bool) -> TrainingSnapshot? {
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                if let s = trainer.latestSnapshot, condition(s) { return s }
                Thread.sleep(forTimeInterval: 0.005)
            }
            return nil
        }
        let start = try XCTUnwrap(waitFor { $0.state == .paused })
        XCTAssertEqual(start.sparsity.method, "magnitude")
        XCTAssertEqual(start.sparsity.measured, 0.9, accuracy: 1e-3)
        XCTAssertEqual(start.layers.filter(\.isPrunable).map { $0.mask?.count }, [235_200, 30_000, 1_000])

        trainer.send(.setTargetSparsity(0.95))
        let announced = try XCTUnwrap(waitFor { $0.message?.hasPrefix("target sparsity") == true })
        XCTAssertEqual(announced.message, "target sparsity 0.90 → 0.95 at step 0")
        trainer.send(.step(count: 1))
        let stepped = try XCTUnwrap(waitFor { $0.step == 1 })
        XCTAssertEqual(stepped.sparsity.measured, 0.95, accuracy: 1e-3)
        let nonzero = stepped.layers.filter(\.isPrunable).reduce(0) { $0 + $1.nonzeroCount }
        XCTAssertEqual(Double(nonzero) / 266_200, 0.05, accuracy: 1e-3, "snapshots carry the masked weights")

        trainer.send(.setTargetSparsity(1.5))
        XCTAssertNotNil(waitFor { $0.message == "refused: sparsity: expected a number in [0, 1), found 1.5" })
        trainer.send(.setMethod("rand"))
        let refused = try XCTUnwrap(waitFor { $0.message?.hasPrefix("refused: method") == true })
        XCTAssertTrue(refused.message!.contains("did you mean 'random'?"), refused.message!)
        trainer.send(.setMethod("random"))
        XCTAssertNotNil(waitFor { $0.sparsity.method == "random" && $0.message == "method magnitude → random at step 1" })
        trainer.send(.stop)
        XCTAssertTrue(trainer.waitUntilFinished(timeout: 30))
    }

    func testOptionsAndGranularityAreValidatedAgainstTheMethod() {
        XCTAssertEqual(SparsityConfig(method: "lottery", target: 0.9, options: ["rewind": 1.5]).validationErrors(),
                       ["lottery.rewind: expected an integer from 0 to 3, found 1.5"])
        XCTAssertEqual(SparsityConfig(method: "nm", options: ["n": 6, "m": 4]).validationErrors(),
                       ["nm.n: N:M needs N <= M, got 6:4"])
        XCTAssertEqual(SparsityConfig(method: "rigl", target: 0.9, granularity: .neurons).validationErrors(),
                       ["granularity: rigl chooses single weights itself; neurons does not apply"])
        XCTAssertEqual(SparsityConfig(method: "magnitude", target: 0.9, granularity: .neurons).validationErrors(), [])
        XCTAssertEqual(SparsityConfig(method: "rigl", target: 0.9, options: ["alpha": 0.5]).validationErrors(), [])
    }

    func testSwitchingMethodAdoptsTheNewMethodsDefaults() throws {
        let session = try SparsityTestSupport.session(SparsityConfig(method: "magnitude", target: 0.8, schedule: .constant,
                                                                     budget: LayerBudget(.uniform)))
        let engine = session.sparsity!
        try engine.switchMethod(to: "rigl")
        XCTAssertEqual(engine.budget.name, "erk")
        XCTAssertEqual(engine.target, 0.8)
        XCTAssertEqual(engine.measuredSparsity, 0.8, accuracy: 1e-3, "the masks carry over")
    }
}
