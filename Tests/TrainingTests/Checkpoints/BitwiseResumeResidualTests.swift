import Training
import XCTest

/// A residual network with batch norm and dropout, saved mid-run and restored, ends
/// bitwise where the uninterrupted run ends: the checkpoint carries the running
/// statistics and dropout's pass counters (after the parameters), and the methods'
/// state. Dense, magnitude (gradual, with a target change waiting), RigL (dynamic) and
/// lottery (weight rewinding, whose stored point now holds batch norm too), like
/// `BitwiseResumeTests` but on residual blocks, a strided projection shortcut and dropout.
final class BitwiseResumeResidualTests: XCTestCase {
    /// Two blocks (identity, then a stride-2 projection), dropout inside a block and
    /// before the classifier: 6 convs, 1 linear, 6 batch norms, 2 dropouts.
    static let architecture = Architecture([
        .convolution(channels: 8, kernel: 3, padding: 1, bias: false), .batchNorm(), .relu(),
        .residual(name: "block1", body: [
            .convolution(channels: 8, kernel: 3, padding: 1, bias: false), .batchNorm(), .relu(), .dropout(rate: 0.2),
            .convolution(channels: 8, kernel: 3, padding: 1, bias: false), .batchNorm(),
        ]),
        .relu(),
        .residual(name: "block2", body: [
            .convolution(channels: 16, kernel: 3, stride: 2, padding: 1, bias: false), .batchNorm(), .relu(),
            .convolution(channels: 16, kernel: 3, padding: 1, bias: false), .batchNorm(),
        ], shortcut: [.convolution(channels: 16, kernel: 1, stride: 2, bias: false), .batchNorm()]),
        .relu(), .globalAveragePool(), .dropout(rate: 0.3), .dense(name: "fc", units: .classes),
    ])

    /// The native 8x8 digits cut to 704 training images: 11 steps an epoch at batch 64.
    static let digits: ImageDataset = {
        let full = CheckpointTestSupport.nativeResolutionDigits
        let (train, test) = (704, 100)
        return ImageDataset(name: "digits-8x8 (704)", source: "embedded", rows: 8, columns: 8, classCount: full.classCount,
                            trainImages: Array(full.trainImages.prefix(train * 64)), trainLabels: Array(full.trainLabels.prefix(train)),
                            testImages: Array(full.testImages.prefix(test * 64)), testLabels: Array(full.testLabels.prefix(test)))
    }()

    private struct Scenario {
        var target = 0.0
        var schedule: SparsitySchedule?
        var options: [String: Double] = [:]
        var optimizer = OptimizerConfig.defaultSGD
        var checkpointStep: Int
        var knob: ((TrainingSession) throws -> Void)?
        var midway: String
        var isMidway: (TrainingSession) -> Bool
    }

    private static func statistic(_ session: TrainingSession, _ name: String) -> Double {
        session.sparsity.method.statistics.first { $0.name == name }?.value ?? .nan
    }

    /// Mask updates at steps 2, 6, 10 and 14 of 22.
    private static let gradual = SparsitySchedule.polynomial(initial: 0, beginStep: 2, endStep: 14, frequency: 4, exponent: 3)

    private static var scenarios: [(String, Scenario)] { [
        ("dense", Scenario(checkpointStep: 8, midway: "training", isMidway: { $0.step == 8 })),
        ("magnitude", Scenario(
            target: 0.8, schedule: gradual, checkpointStep: 7, knob: { try $0.sparsity.setTarget(0.85) },
            midway: "gradual pruning, with a target change waiting for the next step",
            isMidway: { $0.sparsity.phase == "pruning" && $0.sparsity.updateRequested })),
        ("rigl", Scenario(target: 0.8, options: ["delta_t": 3], optimizer: .defaultAdam, checkpointStep: 7,
                          midway: "between drop-and-grow updates, before T_end",
                          isMidway: { statistic($0, "updates") == 2 && $0.sparsity.phase != "fine-tune" })),
        ("lottery", Scenario(
            target: 0.8, schedule: .iterative(rounds: 3, stepsPerRound: 5), options: ["rewind": 1, "rewind_step": 2],
            checkpointStep: 8, midway: "round 2, after a rewind to the stored step-2 weights and batch norm",
            isMidway: { statistic($0, "round") == 1 && $0.learningRateStepOffset == 3 })),
    ] }

    func testResidualNetworkWithBatchNormAndDropoutResumesBitwise() throws {
        for (method, scenario) in Self.scenarios { try checkResume(method, scenario) }
    }

    private func checkResume(_ method: String, _ scenario: Scenario) throws {
        var config = CheckpointTestSupport.config(
            SparsityConfig(method: method, target: scenario.target, schedule: scenario.schedule, options: scenario.options),
            batch: 64, optimizer: scenario.optimizer)
        config.model = "small-resnet"
        config.architecture = Self.architecture
        let dataset = Self.digits
        func trainUntil(_ session: TrainingSession, _ step: Int) {
            while session.step < step { session.trainStep() }
        }

        let uninterrupted = try TrainingSession(config: config, dataset: dataset)
        XCTAssertEqual(uninterrupted.model.buffers.filter { $0.name.hasSuffix(".passes") }.count, 2, "two dropouts")
        XCTAssertEqual(uninterrupted.model.buffers.filter { $0.name.hasSuffix(".running_var") }.count, 6, "six batch norms")
        XCTAssertEqual(uninterrupted.totalSteps, 22)
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

        guard try Checkpoint(session: resumed).encoded() != Checkpoint(session: uninterrupted).encoded() else { return }
        let bits = CheckpointTestSupport.bits
        XCTAssertEqual(bits(resumed.model.parameters.map(\.value)), bits(uninterrupted.model.parameters.map(\.value)),
                       "\(method): the resumed run ends with other parameters")
        XCTAssertEqual(bits(resumed.model.buffers.map(\.values)), bits(uninterrupted.model.buffers.map(\.values)),
                       "\(method): other running statistics or dropout counters")
        XCTAssertEqual(bits(resumed.sparsity.masks), bits(uninterrupted.sparsity.masks), "\(method): other masks")
        XCTAssertEqual(resumed.sparsity.method.saveState(), uninterrupted.sparsity.method.saveState(),
                       "\(method): the method's own state differs at the end")
        XCTFail("\(method): the runs end in different states (optimizer, generator, counters...)")
    }
}
