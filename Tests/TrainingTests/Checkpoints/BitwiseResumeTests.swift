import Training
import XCTest

/// A run saved mid-way and restored ends bitwise where the uninterrupted run ends, for
/// every method, saved while the method is in the middle of what it keeps between steps.
/// On the embedded digits at their native 8x8 (lenet300 then has 50k weights, not 266k),
/// which keeps all 17 methods to seconds in a debug build; `TrainerCheckpointTests` resume
/// at 28x28.
final class BitwiseResumeTests: XCTestCase {
    /// One method's run: 2 epochs of 11 steps (batch 128), saved after `checkpointStep`,
    /// so that most resumed runs cross an epoch boundary.
    private struct Scenario {
        var target = 0.0
        var schedule: SparsitySchedule?
        var options: [String: Double] = [:]
        var optimizer = OptimizerConfig.defaultSGD
        var checkpointStep: Int
        /// A live change made at the checkpoint step in both runs, just before saving.
        var knob: ((TrainingSession) throws -> Void)?
        /// What should be under way at the checkpoint, and a check that it is.
        var midway: String
        var isMidway: (TrainingSession) -> Bool
    }

    private static func statistic(_ session: TrainingSession, _ name: String) -> Double {
        session.sparsity.method.statistics.first { $0.name == name }?.value ?? .nan
    }

    /// Mask updates at steps 2, 6, 10 and 14.
    private static let gradual = SparsitySchedule.polynomial(initial: 0, beginStep: 2, endStep: 14, frequency: 4, exponent: 3)

    private static var scenarios: [String: Scenario] { [
        "dense": Scenario(checkpointStep: 8, midway: "training", isMidway: { $0.step == 8 }),
        "magnitude": Scenario(
            target: 0.8, schedule: gradual, checkpointStep: 7,
            knob: { try $0.sparsity.setTarget(0.85) },
            midway: "gradual pruning, with a target change waiting for the next step",
            isMidway: { $0.sparsity.phase == "pruning" && $0.sparsity.updateRequested }),
        "random": Scenario(target: 0.7, schedule: gradual, checkpointStep: 7,
                           midway: "gradual random pruning", isMidway: { $0.sparsity.phase == "pruning" }),
        "lottery": Scenario(
            target: 0.8, schedule: .iterative(rounds: 3, stepsPerRound: 5), options: ["rewind": 1, "rewind_step": 2],
            checkpointStep: 8, midway: "round 2, after a rewind to the stored step-2 weights",
            isMidway: { statistic($0, "round") == 1 && $0.learningRateStepOffset == 3 }),
        "snip": Scenario(target: 0.7, options: ["batches": 2], checkpointStep: 6,
                         midway: "training the SNIP mask", isMidway: { $0.sparsity.measuredSparsity > 0.69 }),
        "synflow": Scenario(target: 0.7, options: ["rounds": 5], checkpointStep: 6,
                            midway: "training the SynFlow mask", isMidway: { statistic($0, "rounds done") == 5 }),
        "taylor": Scenario(target: 0.7, schedule: gradual, optimizer: .defaultAdam, checkpointStep: 8,
                           midway: "gradual pruning on the moving average of |g·w|",
                           isMidway: { $0.sparsity.phase == "pruning" && statistic($0, "updates") >= 2 }),
        "movement": Scenario(target: 0.7, schedule: gradual, checkpointStep: 8,
                             midway: "gradual pruning on the movement scores",
                             isMidway: { $0.sparsity.phase == "pruning" && statistic($0, "updates") >= 2 }),
        "set": Scenario(
            target: 0.8, options: ["delta_t": 3, "init": 1], checkpointStep: 7,
            knob: { try $0.sparsity.setTarget(0.75) },
            midway: "between regrowths (at random values), with a target change waiting",
            isMidway: { statistic($0, "updates") == 2 && $0.sparsity.updateRequested }),
        "rigl": Scenario(target: 0.8, options: ["delta_t": 3], optimizer: .defaultAdam, checkpointStep: 7,
                         midway: "between drop-and-grow updates, before T_end",
                         isMidway: { statistic($0, "updates") == 2 && $0.sparsity.phase != "fine-tune" }),
        "dropback": Scenario(target: 0.8, options: ["freeze_step": 15], checkpointStep: 8,
                             midway: "tracking the weights farthest from init, not yet frozen",
                             isMidway: { statistic($0, "compression") > 1 && $0.sparsity.phase != "frozen" }),
        "swat": Scenario(target: 0.7, options: ["variant": 2, "period": 3], checkpointStep: 7,
                         midway: "SWAT-M reusing its thresholds one step into a period",
                         isMidway: { statistic($0, "threshold age") == 1 }),
        "nm": Scenario(target: 0.5, checkpointStep: 13, midway: "fine-tuning the 2:4 mask",
                       isMidway: { $0.sparsity.measuredSparsity > 0.49 }),
        "structured": Scenario(target: 0.5, schedule: gradual, checkpointStep: 8, midway: "gradual neuron pruning",
                               isMidway: { $0.sparsity.phase == "pruning" && statistic($0, "groups removed") > 0 }),
        "dsd": Scenario(target: 0.7, checkpointStep: 10, midway: "the sparse phase",
                        isMidway: { $0.sparsity.phase == "sparse" }),
        "iht": Scenario(target: 0.7, options: ["sparse_steps": 4, "dense_steps": 3], optimizer: .defaultAdam,
                        checkpointStep: 12, midway: "alternating phases",
                        isMidway: { statistic($0, "cycle") >= 1 && statistic($0, "cycle") < statistic($0, "cycles") }),
        "l1": Scenario(
            target: 0.7, options: ["threshold_fraction": 0.5], checkpointStep: 8,
            knob: { $0.baseLearningRate = 0.03 },
            midway: "the L1 penalty phase, after a learning-rate change",
            isMidway: { $0.sparsity.phase == "L1 penalty" && statistic($0, "shrink lr·λ") > 0 }),
    ] }

    func testEveryMethodResumesBitwiseFromTheMiddleOfItsState() throws {
        for descriptor in MethodRegistry.all {
            guard let scenario = Self.scenarios[descriptor.name] else {
                XCTFail("no resume scenario for \(descriptor.name): add one, with the method mid-way through its state")
                continue
            }
            try checkResume(descriptor.name, scenario)
        }
    }

    private func checkResume(_ method: String, _ scenario: Scenario) throws {
        let config = CheckpointTestSupport.config(
            SparsityConfig(method: method, target: scenario.target, schedule: scenario.schedule, options: scenario.options),
            batch: 128, optimizer: scenario.optimizer)
        let dataset = CheckpointTestSupport.nativeResolutionDigits
        func trainUntil(_ session: TrainingSession, _ step: Int) {
            while session.step < step { session.trainStep() }
        }

        let uninterrupted = try TrainingSession(config: config, dataset: dataset)
        trainUntil(uninterrupted, scenario.checkpointStep)
        try scenario.knob?(uninterrupted)
        trainUntil(uninterrupted, uninterrupted.totalSteps)

        let interrupted = try TrainingSession(config: config, dataset: dataset)
        trainUntil(interrupted, scenario.checkpointStep)
        try scenario.knob?(interrupted)
        XCTAssertTrue(scenario.isMidway(interrupted), "\(method): the checkpoint is not taken during \(scenario.midway)")
        let saved = try Checkpoint(decoding: Checkpoint(session: interrupted).encoded())
        let resumed = try TrainingSession(checkpoint: saved, dataset: dataset)
        XCTAssertEqual(resumed.step, scenario.checkpointStep, method)
        trainUntil(resumed, resumed.totalSteps)

        // The whole state at the end, compared through its encoding; the parts say what differs.
        guard try Checkpoint(session: resumed).encoded() != Checkpoint(session: uninterrupted).encoded() else { return }
        let bits = CheckpointTestSupport.bits
        XCTAssertEqual(bits(resumed.model.parameters.map(\.value)), bits(uninterrupted.model.parameters.map(\.value)),
                       "\(method): the resumed run ends with other weights")
        XCTAssertEqual(bits(resumed.sparsity.masks), bits(uninterrupted.sparsity.masks), "\(method): other masks")
        XCTAssertEqual(resumed.sparsity.method.saveState(), uninterrupted.sparsity.method.saveState(),
                       "\(method): the method's own state differs at the end")
        XCTFail("\(method): the runs end in different states (optimizer, generator, counters...)")
    }
}
