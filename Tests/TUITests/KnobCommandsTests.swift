@testable import TUI
import Training
import XCTest

final class KnobCommandsTests: XCTestCase {
    /// A real snapshot: a paused run of gradual magnitude pruning on the embedded digits.
    private func snapshot(method: String = "magnitude", target: Double = 0.9, schedule: SparsitySchedule? = nil) throws -> TrainingSnapshot {
        var config = RunConfig()
        config.epochs = 10
        config.startPaused = true
        config.sparsity = SparsityConfig(method: method, target: target, schedule: schedule)
        let trainer = try Trainer(config: config, dataset: DatasetLoader.embeddedDigits())
        trainer.start()
        defer {
            trainer.send(.stop)
            _ = trainer.waitUntilFinished(timeout: 10)
        }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let s = trainer.latestSnapshot, s.state == .paused { return s }
            Thread.sleep(forTimeInterval: 0.005)
        }
        throw XCTSkip("no snapshot")
    }

    private func command(_ result: Result<TrainerCommand, KnobCommands.Refusal>) throws -> TrainerCommand {
        try result.get()
    }

    func testThePaceKnobSlowsFromTheRateTheRunTrainsAtAndTypesFullOrANumber() throws {
        var s = try snapshot()
        s.samplesPerSecond = 128 * 340  // 340 steps a second
        s.step = 10
        s.samplesSeen = 1_280
        XCTAssertEqual(try command(KnobCommands.step(.pace, by: -1, snapshot: s)), .setPace(RunPace(stepsPerSecond: 200)),
                       "the first press down from full speed is below the rate the run has")
        XCTAssertEqual(KnobCommands.step(.pace, by: 1, snapshot: s).failure, "pace: already full speed")
        s.pace = RunPace(stepsPerSecond: 52.1, pausesAtPhaseChanges: true)
        XCTAssertEqual(try command(KnobCommands.step(.pace, by: 1, snapshot: s)), .setPace(RunPace(stepsPerSecond: 100, pausesAtPhaseChanges: true)))
        XCTAssertEqual(try command(KnobCommands.step(.pace, by: -1, snapshot: s)), .setPace(RunPace(stepsPerSecond: 50, pausesAtPhaseChanges: true)))
        s.pace = RunPace(stepsPerSecond: 2_000)
        XCTAssertEqual(try command(KnobCommands.step(.pace, by: 1, snapshot: s)), .setPace(.fullSpeed), "past the top is full speed")
        s.pace = RunPace(stepsPerSecond: 0.5)
        XCTAssertEqual(KnobCommands.step(.pace, by: -1, snapshot: s).failure, "pace: - stops at 0.5 steps/s; press Enter to type a lower one")
        XCTAssertEqual(try command(KnobCommands.typed("0.1", for: .pace, snapshot: s)), .setPace(RunPace(stepsPerSecond: 0.1)))
        XCTAssertEqual(try command(KnobCommands.typed("full", for: .pace, snapshot: s)), .setPace(.fullSpeed))
        XCTAssertEqual(KnobCommands.typed("fast", for: .pace, snapshot: s).failure,
                       "pace: expected 'full' or a number > 0 and <= 100000 (steps a second), found 'fast'")
        XCTAssertEqual(KnobCommands.typed("0", for: .pace, snapshot: s).failure,
                       "pace: expected 'full' or a number > 0 and <= 100000 (steps a second), found '0'")
    }

    func testStepsTurnEachKnobByASensibleAmount() throws {
        let s = try snapshot()  // 10 epochs x 11 steps = 110; magnitude's default AGP runs 11 -> 66, every 2 steps
        XCTAssertEqual(try command(KnobCommands.step(.target, by: 1, snapshot: s)), .setTargetSparsity(0.95))
        XCTAssertEqual(try command(KnobCommands.step(.target, by: -1, snapshot: s)), .setTargetSparsity(0.85))
        XCTAssertEqual(try command(KnobCommands.step(.method, by: 1, snapshot: s)), .setMethod("random"))
        XCTAssertEqual(try command(KnobCommands.step(.method, by: -1, snapshot: s)), .setMethod("dense"))
        XCTAssertEqual(try command(KnobCommands.step(.learningRate, by: 1, snapshot: s)), .setLearningRate(0.07))
        XCTAssertEqual(try command(KnobCommands.step(.learningRate, by: -1, snapshot: s)), .setLearningRate(0.03))
        XCTAssertEqual(try command(KnobCommands.step(.scheduleEnd, by: 1, snapshot: s)),
                       .setSparsitySchedule(.polynomial(initial: 0, beginStep: 11, endStep: 71, frequency: 2, exponent: 3)))
        XCTAssertEqual(try command(KnobCommands.step(.exponent, by: -1, snapshot: s)),
                       .setSparsitySchedule(.polynomial(initial: 0, beginStep: 11, endStep: 66, frequency: 2, exponent: 2)))
        guard case let .setLayerBudget(budget) = try command(KnobCommands.step(.budget, by: 1, snapshot: s)) else {
            return XCTFail("expected a budget")
        }
        XCTAssertEqual(budget.name, "uniform", "global -> uniform")
    }

    /// Learning-rate steps land on round numbers (1, 1.5, 2, 3, 5, 7 x 10^k) from any value,
    /// where a factor of 1.25 used to give 0.12207031 -> 0.15258789.
    func testLearningRateStepsLandOnRoundNumbers() {
        XCTAssertEqual(KnobCommands.learningRateStep(from: 0.12207031, direction: 1), 0.15)
        XCTAssertEqual(KnobCommands.learningRateStep(from: 0.12207031, direction: -1), 0.1)
        XCTAssertEqual(KnobCommands.learningRateStep(from: 0.1, direction: -1), 0.07)
        XCTAssertEqual(KnobCommands.learningRateStep(from: 0.07, direction: 1), 0.1)
        XCTAssertEqual(KnobCommands.learningRateStep(from: 1e-5, direction: 1), 1.5e-5)
        XCTAssertEqual(KnobCommands.learningRateStep(from: 7, direction: 1), 10)
        var rate = 0.001
        for _ in 0..<6 { rate = KnobCommands.learningRateStep(from: rate, direction: 1) }
        XCTAssertEqual(rate, 0.01, "0.0015 0.002 0.003 0.005 0.007 0.01")
        XCTAssertEqual(KnobValues.learningRate(Float(0.015)), "0.015")
    }

    /// `+` says where it stops instead of silently resending 0.99; a typed 0.998 is shown as
    /// 0.998, not as "1.00" (a value the check refuses).
    func testTheTargetStepSaysWhereItStopsAndTypedValuesShowAsTyped() throws {
        let top = try snapshot(target: 0.99)
        XCTAssertThrowsError(try command(KnobCommands.step(.target, by: 1, snapshot: top))) {
            XCTAssertEqual("\($0)", "target sparsity: + stops at 0.99; press Enter to type a higher one (below 1)")
        }
        XCTAssertEqual(try command(KnobCommands.step(.target, by: 1, snapshot: try snapshot(target: 0.96))), .setTargetSparsity(0.99))
        XCTAssertThrowsError(try command(KnobCommands.step(.target, by: -1, snapshot: try snapshot(target: 0))))
        XCTAssertEqual(KnobValues(method: "magnitude", target: 0.998, schedule: nil, budget: "global", learningRate: 0.05)[.target], "0.998")
        XCTAssertEqual(KnobValues(method: "magnitude", target: 0.9, schedule: nil, budget: "global", learningRate: 0.05)[.target], "0.90")
        XCTAssertEqual(Format.fraction(0.9999999), "0.9999999")
    }

    func testTargetStaysInRangeAndTypedValuesAreParsed() throws {
        let s = try snapshot()
        XCTAssertEqual(try command(KnobCommands.typed("0.97", for: .target, snapshot: s)), .setTargetSparsity(0.97))
        XCTAssertEqual(try command(KnobCommands.typed(" rigl ", for: .method, snapshot: s)), .setMethod("rigl"))
        XCTAssertEqual(try command(KnobCommands.typed("40", for: .scheduleBegin, snapshot: s)),
                       .setSparsitySchedule(.polynomial(initial: 0, beginStep: 40, endStep: 66, frequency: 2, exponent: 3)))
        XCTAssertThrowsError(try command(KnobCommands.typed("lots", for: .target, snapshot: s))) {
            XCTAssertEqual("\($0)", "target sparsity: expected a number in [0, 1), found 'lots'")
        }
        XCTAssertThrowsError(try command(KnobCommands.typed("erk2", for: .budget, snapshot: s)))
    }

    /// A typed schedule value is taken as it is or refused, never clamped or rounded (an end
    /// before the begin used to become the begin; a frequency of 0.3 became 1).
    func testTypedScheduleValuesAreRefusedRatherThanClamped() throws {
        let s = try snapshot()  // AGP from step 11 to 66, every 2 steps
        XCTAssertThrowsError(try command(KnobCommands.typed("5", for: .scheduleEnd, snapshot: s))) {
            XCTAssertEqual("\($0)", "schedule end: need 0 <= begin <= end, got begin 11, end 5")
        }
        XCTAssertThrowsError(try command(KnobCommands.typed("0.3", for: .frequency, snapshot: s))) {
            XCTAssertEqual("\($0)", "frequency: expected a whole number of steps, found 0.3")
        }
        XCTAssertThrowsError(try command(KnobCommands.typed("0", for: .frequency, snapshot: s))) {
            XCTAssertEqual("\($0)", "frequency: frequency must be >= 1, got 0")
        }
        XCTAssertThrowsError(try command(KnobCommands.typed("-3", for: .scheduleBegin, snapshot: s)))
        XCTAssertEqual(try command(KnobCommands.typed("0.5", for: .exponent, snapshot: s)),
                       .setSparsitySchedule(.polynomial(initial: 0, beginStep: 11, endStep: 66, frequency: 2, exponent: 0.5)),
                       "an exponent below 1 is valid (s(t) stays in range) and taken as typed")
        // A +/- step still stops at the bound.
        XCTAssertEqual(try command(KnobCommands.step(.frequency, by: -5, snapshot: s)),
                       .setSparsitySchedule(.polynomial(initial: 0, beginStep: 11, endStep: 66, frequency: 1, exponent: 3)))
    }

    func testKnobsThatDoNotApplyToTheScheduleAreRefused() throws {
        let s = try snapshot(method: "rigl")
        XCTAssertThrowsError(try command(KnobCommands.step(.scheduleBegin, by: 1, snapshot: s))) {
            XCTAssertEqual("\($0)", "the constant schedule has no schedule begin")
        }
    }
}

private extension Result where Failure == KnobCommands.Refusal {
    var failure: String? {
        if case let .failure(refusal) = self { return refusal.description }
        return nil
    }
}
