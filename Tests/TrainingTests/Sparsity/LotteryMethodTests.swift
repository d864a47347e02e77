import Foundation
import Training
import XCTest

final class LotteryMethodTests: XCTestCase {
    // 2 epochs x 11 steps = 22 steps; the default schedule prunes at steps 5, 10 and 15.
    private func lottery(mode: Int, rewindStep: Int = 0, target: Double = 0.9, seed: UInt64 = 1) throws -> TrainingSession {
        try PAITest.session(SparsityConfig(method: "lottery", target: target,
                                           options: ["rewind": Double(mode), "rewind_step": Double(rewindStep)]), seed: seed)
    }

    private func initialValues(_ session: TrainingSession) -> [[Float]] {
        session.sparsity.prunable.map { parameter in
            parameter.value.indices.map {
                ParameterInitializer.initialValue(seed: session.config.seed, parameterIndex: parameter.index, element: $0,
                                                  fanIn: parameter.shape.dropFirst().reduce(1, *))
            }
        }
    }

    /// Kept weights equal `target` bit for bit, pruned weights are zero (either sign).
    private func assertRewound(_ session: TrainingSession, to target: [[Float]], file: StaticString = #filePath, line: UInt = #line) {
        for (l, parameter) in session.sparsity.prunable.enumerated() {
            let mask = session.sparsity.masks[l]
            let kept = parameter.value.indices.filter { mask[$0] != 0 }
            XCTAssertTrue(kept.map { parameter.value[$0].bitPattern } == kept.map { target[l][$0].bitPattern },
                          "\(parameter.name): survivors differ from the rewind target", file: file, line: line)
            XCTAssertTrue(parameter.value.indices.allSatisfy { mask[$0] != 0 || parameter.value[$0] == 0 },
                          "\(parameter.name): a pruned weight is not zero", file: file, line: line)
        }
    }

    private func statistic(_ session: TrainingSession, _ name: String) -> Double? {
        session.sparsity.snapshot.statistics.first { $0.name == name }?.value
    }

    func testEachRoundPrunesTheSameFractionAndRewindsSurvivorsToInit() throws {
        let session = try lottery(mode: 0)
        XCTAssertEqual(session.sparsity.schedule, .iterative(rounds: 3, stepsPerRound: 5))
        XCTAssertEqual(session.sparsity.phase, "round 1/3")
        let initial = initialValues(session)
        var previous = session.sparsity.masks
        for round in 1...3 {
            while session.step < 5 * round - 1 { session.trainStep() }
            XCTAssertEqual(session.sparsity.masks, previous, "no pruning between rounds")
            XCTAssertNotEqual(PAITest.weights(session)[2], initial[2].enumerated().map { previous[2][$0.offset] * $0.element })
            session.trainStep()
            let expected = 1 - pow(1 - 0.9, Double(round) / 3)
            XCTAssertEqual(session.sparsity.measuredSparsity, expected, accuracy: PAITest.oneWeight(session), "round \(round)")
            XCTAssertTrue(PAITest.isSubset(session.sparsity.masks, of: previous))
            assertRewound(session, to: initial)
            XCTAssertEqual(session.learningRateStepOffset, session.step, "learning rate back to step 0")
            XCTAssertEqual(statistic(session, "round"), Double(round))
            previous = session.sparsity.masks
        }
        XCTAssertEqual(session.sparsity.phase, "ticket")
        while !session.isComplete { session.trainStep() }
        XCTAssertEqual(session.sparsity.masks, previous)
        XCTAssertEqual(session.sparsity.measuredSparsity, 0.9, accuracy: PAITest.oneWeight(session))
        PAITest.assertMaskedWeightsAreZero(session)
        XCTAssertEqual(statistic(session, "rounds"), 3)
        XCTAssertEqual(session.sparsity.snapshot.variantLabel, "rewind to θ₀")
    }

    /// The header names the form that runs in words, never "rewind mode 0" or "variant 1".
    func testEachFormIsNamedInWords() throws {
        XCTAssertEqual(try lottery(mode: 0).sparsity.snapshot.variantLabel, "rewind to θ₀")
        XCTAssertEqual(try lottery(mode: 1, rewindStep: 20).sparsity.snapshot.variantLabel, "rewind to θ at step 20")
        XCTAssertEqual(try lottery(mode: 2, rewindStep: 20).sparsity.snapshot.variantLabel, "rewind the learning rate to step 20")
        XCTAssertEqual(try lottery(mode: 3).sparsity.snapshot.variantLabel, "random reinit")
        for (variant, label) in [(0.0, "SWAT-U"), (1, "SWAT-ERK"), (2, "SWAT-M")] {
            let swat = try PAITest.session(SparsityConfig(method: "swat", target: 0.9, options: ["variant": variant]))
            XCTAssertEqual(swat.sparsity.snapshot.variantLabel, label)
        }
        XCTAssertNil(try PAITest.session(SparsityConfig(method: "magnitude", target: 0.9)).sparsity.snapshot.variantLabel)
    }

    func testGlobalMagnitudeSelectionOnTheTrainedWeightsAndLearningRateRewinding() throws {
        // Mode 2 keeps the weights: the survivors are the trained weights of step 5, which
        // a dense run of the same seed reproduces, and they are its global top-k by |w|.
        let dense = try PAITest.session(SparsityConfig(method: "dense"))
        for _ in 0..<5 { dense.trainStep() }
        let trained = PAITest.weights(dense)
        let session = try lottery(mode: 2, rewindStep: 3)
        for _ in 0..<5 { session.trainStep() }
        let sparsity = 1 - pow(0.1, 1.0 / 3)
        XCTAssertEqual(session.sparsity.masks,
                       PAITest.globalTopK(trained.map { $0.map(abs) }, keep: PAITest.keepCount(session, sparsity: sparsity)))
        assertRewound(session, to: trained)
        XCTAssertEqual(session.learningRateStepOffset, 5 - 3, "learning rate back to step r = 3")
        XCTAssertEqual(session.learningRate,
                       session.config.learningRateSchedule.rate(base: session.config.learningRate, step: 3, totalSteps: 22))
    }

    func testWeightRewindingRestoresTheValuesOfStepR() throws {
        let session = try lottery(mode: 1, rewindStep: 2)
        for _ in 0..<2 { session.trainStep() }
        let atStepR = PAITest.weights(session)
        for _ in 0..<3 { session.trainStep() }
        XCTAssertGreaterThan(session.sparsity.measuredSparsity, 0)
        assertRewound(session, to: atStepR)
        XCTAssertEqual(session.learningRateStepOffset, 5 - 2)
        // A rewind step not reached yet at the round falls back to init.
        let late = try lottery(mode: 1, rewindStep: 8)
        for _ in 0..<5 { late.trainStep() }
        assertRewound(late, to: initialValues(late))
        XCTAssertEqual(late.learningRateStepOffset, 5)
    }

    func testRandomReinitialisationKeepsTheMaskWithFreshValues() throws {
        let ticket = try lottery(mode: 0), control = try lottery(mode: 3)
        for _ in 0..<5 {
            ticket.trainStep()
            control.trainStep()
        }
        XCTAssertEqual(control.sparsity.masks, ticket.sparsity.masks, "same training up to the round, same mask")
        var same = 0, kept = 0
        for (l, parameter) in control.sparsity.prunable.enumerated() {
            let bound = ParameterInitializer.heUniformBound(fanIn: parameter.shape[1])
            for i in parameter.value.indices where control.sparsity.masks[l][i] != 0 {
                kept += 1
                if parameter.value[i] == ticket.sparsity.prunable[l].value[i] { same += 1 }
                XCTAssertLessThanOrEqual(abs(parameter.value[i]), bound)
                XCTAssertEqual(parameter.value[i], LotteryMethod.randomValue(seed: 1, parameter: parameter, element: i, rewind: 1))
            }
        }
        XCTAssertLessThan(same, kept / 1000, "values differ from the initial ones")
        PAITest.assertMaskedWeightsAreZero(control)
        XCTAssertEqual(control.learningRateStepOffset, 5)
        // The next rewind draws new values again.
        for _ in 0..<5 { control.trainStep() }
        let parameter = control.sparsity.prunable[2]
        let i = try XCTUnwrap(control.sparsity.masks[2].firstIndex(of: 1))
        XCTAssertEqual(parameter.value[i], LotteryMethod.randomValue(seed: 1, parameter: parameter, element: i, rewind: 2))
        XCTAssertNotEqual(parameter.value[i], LotteryMethod.randomValue(seed: 1, parameter: parameter, element: i, rewind: 1))
    }

    func testTheRewindKnobRewindsNowAndKeepsTheMasks() throws {
        let session = try lottery(mode: 0)
        for _ in 0..<8 { session.trainStep() }  // past round 1, trained 3 more steps
        let masks = session.sparsity.masks
        XCTAssertGreaterThan(session.sparsity.measuredSparsity, 0)
        try session.sparsity.rewind()
        XCTAssertEqual(session.sparsity.masks, masks)
        assertRewound(session, to: initialValues(session))
        XCTAssertEqual(session.learningRateStepOffset, 8)
        XCTAssertEqual(statistic(session, "round"), 1, "a knob rewind is not a round")
        // Learning-rate-only mode: the knob leaves the weights alone.
        let lrOnly = try lottery(mode: 2)
        for _ in 0..<7 { lrOnly.trainStep() }
        let weights = PAITest.weights(lrOnly)
        try lrOnly.sparsity.rewind()
        XCTAssertEqual(PAITest.weights(lrOnly), weights)
        XCTAssertEqual(lrOnly.learningRateStepOffset, 7)
    }

    func testSameSeedSameTicket() throws {
        let a = try lottery(mode: 3), b = try lottery(mode: 3)
        for _ in 0..<11 {
            a.trainStep()
            b.trainStep()
        }
        XCTAssertEqual(a.sparsity.masks, b.sparsity.masks)
        XCTAssertEqual(PAITest.weights(a), PAITest.weights(b))
    }

    func testBadOptionsAreRefused() {
        XCTAssertEqual(PAITest.errors("lottery", ["rewind": 3, "rewind_step": 100]), [])
        XCTAssertEqual(PAITest.errors("lottery", ["rewind": 4]), ["lottery.rewind: expected an integer from 0 to 3, found 4"])
        XCTAssertEqual(PAITest.errors("lottery", ["rewind_step": -1]).count, 1)
        XCTAssertEqual(PAITest.errors("lottery", ["rounds": 3]).count, 1)
    }

    func testBiasesAreRewoundWithTheWeights() throws {
        // Rounds every 4 steps; after the first round's rewind, biases are back at their initial zeros.
        let toInit = try SparsityTestSupport.session(SparsityConfig(method: "lottery", target: 0.9,
                                                                    schedule: .iterative(rounds: 3, stepsPerRound: 4)))
        for _ in 0..<3 { toInit.trainStep() }
        let biases = toInit.model.parameters.filter { !$0.isPrunable }
        XCTAssertTrue(biases.contains { $0.value.contains { $0 != 0 } }, "training moved the biases")
        toInit.trainStep()
        for bias in biases { XCTAssertTrue(bias.value.allSatisfy { $0 == 0 }, bias.name) }

        // Weight rewinding to step 2 restores the biases of step 2.
        let toStep = try SparsityTestSupport.session(SparsityConfig(method: "lottery", target: 0.9,
                                                                    schedule: .iterative(rounds: 3, stepsPerRound: 4),
                                                                    options: ["rewind": 1, "rewind_step": 2]))
        for _ in 0..<2 { toStep.trainStep() }
        let atStep2 = toStep.model.parameters.filter { !$0.isPrunable }.map(\.value)
        for _ in 0..<2 { toStep.trainStep() }
        XCTAssertEqual(toStep.model.parameters.filter { !$0.isPrunable }.map(\.value), atStep2)
    }
}
