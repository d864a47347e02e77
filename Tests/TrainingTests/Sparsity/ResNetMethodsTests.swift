import Foundation
import Training
import XCTest

/// Every method on ResNet-20 (batch norm, strided and bias-free convs, projection
/// shortcuts, residual sums): a short run on the embedded digits at their native 8x8,
/// 160 training images, one epoch of 10 steps of 16, with settings that prune within
/// them (batch 16 rather than 32 keeps the 17 runs near a minute in a debug build).
final class ResNetMethodsTests: XCTestCase {
    /// The native 8x8 digits cut to 160 training images (10 steps an epoch at batch 16)
    /// and 50 test images.
    static let digits: ImageDataset = {
        let full = CheckpointTestSupport.nativeResolutionDigits
        let (train, test) = (160, 50)
        return ImageDataset(name: "digits-8x8 (160)", source: "embedded", rows: 8, columns: 8, classCount: full.classCount,
                            trainImages: Array(full.trainImages.prefix(train * 64)), trainLabels: Array(full.trainLabels.prefix(train)),
                            testImages: Array(full.testImages.prefix(test * 64)), testLabels: Array(full.testLabels.prefix(test)))
    }()

    static func config(_ sparsity: SparsityConfig, optimizer: OptimizerConfig = .defaultSGD, epochs: Int = 1) -> RunConfig {
        var config = RunConfig()
        config.model = "resnet20"
        config.epochs = epochs
        config.batchSize = 16
        config.seed = 7
        config.optimizer = optimizer
        config.sparsity = sparsity
        return config
    }

    /// Mask updates at steps 2, 3, 4 and 5: the target is met after step 5 of 10.
    static let gradual = SparsitySchedule.polynomial(initial: 0, beginStep: 1, endStep: 5, frequency: 1, exponent: 3)

    private struct Scenario {
        var target = 0.7
        var schedule: SparsitySchedule?
        var options: [String: Double] = [:]
        var optimizer = OptimizerConfig.defaultSGD
        /// The sparsity the method is held to, and whether at the end of the run (else the
        /// highest measured after any step: DSD and IHT end or pass through dense phases).
        var expected = 0.7
        var atEnd = true
        /// The measured sparsity may exceed `expected` up to this (structured pruning:
        /// a removed filter also takes the inputs it fed).
        var above = 0.0
    }

    private static let scenarios: [String: Scenario] = [
        "dense": Scenario(target: 0, expected: 0),
        "magnitude": Scenario(schedule: gradual),
        "random": Scenario(schedule: gradual),
        "lottery": Scenario(schedule: .iterative(rounds: 2, stepsPerRound: 3), options: ["rewind": 1, "rewind_step": 1]),
        "snip": Scenario(options: ["batches": 2]),
        "synflow": Scenario(options: ["rounds": 5]),
        "taylor": Scenario(schedule: gradual, optimizer: .defaultAdam),
        "movement": Scenario(schedule: gradual),
        "set": Scenario(options: ["delta_t": 2, "init": 1]),
        "rigl": Scenario(options: ["delta_t": 2], optimizer: .defaultAdam),
        "dropback": Scenario(options: ["freeze_step": 7]),
        // SWAT-U keeps the stem (144 of 272k weights) dense.
        "swat": Scenario(options: ["period": 2]),
        // 2:4 at step 5; the stem reads one channel, groups of 1 keep it whole.
        "nm": Scenario(target: 0.5, expected: 0.5),
        // Half the filters of every conv (the classifier, 640 weights, stays whole); a
        // block's second conv also loses the inputs from its first conv's removed filters
        // (75%), the convs reading a residual sum only the channels every feeding conv removed.
        "structured": Scenario(target: 0.5, schedule: gradual, expected: 0.5, above: 0.25),
        // Dense to step 3, sparse to 7, dense again.
        "dsd": Scenario(atEnd: false),
        "iht": Scenario(options: ["sparse_steps": 3, "dense_steps": 2], optimizer: .defaultAdam, atEnd: false),
        // The L1 phase to step 8, then the threshold prune.
        "l1": Scenario(options: ["threshold_fraction": 0.5]),
    ]

    func testEveryMethodTrainsResNet20AndReachesItsTarget() throws {
        var durations: [String] = []
        for descriptor in MethodRegistry.all {
            guard let scenario = Self.scenarios[descriptor.name] else {
                XCTFail("no ResNet-20 scenario for \(descriptor.name): add one")
                continue
            }
            let start = Date()
            try check(descriptor.name, scenario)
            durations.append("\(descriptor.name) \(String(format: "%.1f", Date().timeIntervalSince(start)))s")
        }
        print("ResNet-20 method runs: " + durations.joined(separator: ", "))
    }

    private func check(_ method: String, _ scenario: Scenario) throws {
        let config = Self.config(SparsityConfig(method: method, target: scenario.target, schedule: scenario.schedule,
                                                options: scenario.options), optimizer: scenario.optimizer)
        let session = try TrainingSession(config: config, dataset: Self.digits)
        let engine = session.sparsity!
        let model = session.model
        XCTAssertEqual(session.totalSteps, 10, method)
        XCTAssertEqual(engine.prunable.map(\.name), model.prunableParameters.map(\.name), method)
        XCTAssertTrue(engine.prunable.allSatisfy { $0.role == .weight }, "\(method): only conv and linear weights are prunable")
        XCTAssertEqual(engine.prunable.last?.name, "fc.weight")
        let normalization = model.parameters.filter { $0.role == .scale || $0.role == .shift }
        XCTAssertEqual(normalization.count, 2 * 21, "ResNet-20 has 21 batch norms (19 convs and 2 shortcuts)")

        var highest = 0.0
        while !session.isComplete {
            let result = session.trainStep()
            XCTAssertTrue(result.loss.isFinite, "\(method): loss \(result.loss) at step \(session.step)")
            guard result.loss.isFinite else { return }
            highest = max(highest, engine.measuredSparsity)
        }
        let reached = scenario.atEnd ? engine.measuredSparsity : highest
        XCTAssertEqual(reached, scenario.expected + scenario.above / 2, accuracy: 0.02 + scenario.above / 2,
                       "\(method): measured sparsity \(scenario.atEnd ? "at the end" : "at its highest")")
        XCTAssertEqual(engine.masks.map(\.count), model.prunableParameters.map(\.count), "\(method): one mask per prunable tensor")
        if engine.method.declaration.maskedWeights == .zeroed {
            SparsityTestSupport.assertMaskedWeightsAreZero(session)
        }
        // Batch norm is never masked: its scales are never exactly zero, nothing of it is
        // among the masked tensors, and all of it is finite.
        for parameter in normalization {
            XCTAssertTrue(parameter.value.allSatisfy(\.isFinite), "\(method): \(parameter.name) is not finite")
            if parameter.role == .scale {
                XCTAssertFalse(parameter.value.contains(0), "\(method): \(parameter.name) has a zero scale")
            }
        }
        for buffer in model.buffers {
            XCTAssertTrue(buffer.values.allSatisfy(\.isFinite), "\(method): \(buffer.name) is not finite")
        }
        let evaluation = session.evaluate()
        XCTAssertTrue(evaluation.loss.isFinite, "\(method): test loss \(evaluation.loss)")
    }

    /// Structured pruning on ResNet-20: a channel of a residual sum leaves the convs
    /// reading it only when every conv feeding the sum removed it; a chain link (a
    /// block's first conv into its second) takes the inputs of every removed filter.
    func testStructuredMasksFollowTheResidualSums() throws {
        let config = Self.config(SparsityConfig(method: "structured", target: 0.5, schedule: .constant))
        let session = try TrainingSession(config: config, dataset: Self.digits)
        session.trainStep()
        let engine = session.sparsity!
        let links = session.model.description.unitLinks
        let names = engine.names
        func removed(_ l: Int) -> [Bool] {
            let units = engine.shapes[l][0], size = engine.masks[l].count / units
            return (0..<units).map { u in !engine.masks[l][(u * size)..<((u + 1) * size)].contains(1) }
        }
        let stem = names.firstIndex(of: "conv1.weight")!
        let reader = names.firstIndex(of: "layer1.1.conv1.weight")!
        XCTAssertEqual(links[reader].sources, [stem, names.firstIndex(of: "layer1.0.conv2.weight")!])
        // keepFirstDense keeps tensor 0, keepLastDense the last: the stem, the only tensor
        // reading the input, and the classifier.
        XCTAssertEqual(stem, 0)
        XCTAssertEqual(links.indices.filter { links[$0].sources.isEmpty }, [stem])
        XCTAssertEqual(names.last, "fc.weight")
        var tiedReaders = 0, partlyRemovedSumChannels = 0
        for (c, link) in links.enumerated() where !link.sources.isEmpty {
            let shape = engine.shapes[c], positions = shape.dropFirst(2).reduce(1, *), block = link.inputsPerSourceUnit
            let removedBySource = link.sources.map(removed)
            if link.sources.count > 1 { tiedReaders += 1 }
            let ownRows = removed(c)
            for unit in 0..<removedBySource[0].count {
                let gone = removedBySource.allSatisfy { $0[unit] }
                if link.sources.count > 1 && !gone && removedBySource.contains(where: { $0[unit] }) { partlyRemovedSumChannels += 1 }
                for output in 0..<shape[0] where !ownRows[output] {
                    let start = (output * shape[1] + unit * block) * positions
                    let column = engine.masks[c][start..<(start + block * positions)]
                    XCTAssertEqual(column.allSatisfy { $0 == 0 }, gone, "\(names[c]) input \(unit) from \(link.sources.map { names[$0] })")
                    XCTAssertEqual(column.allSatisfy { $0 == 1 }, !gone, "\(names[c]) input \(unit): masked whole or not at all")
                }
            }
        }
        XCTAssertEqual(tiedReaders, 11, "every block's first conv and shortcut but layer1.0's, and fc, read a residual sum")
        XCTAssertGreaterThan(partlyRemovedSumChannels, 0, "some summed channels lost only some of their feeding filters")
        // Every conv but the classifier lost half its filters.
        for l in engine.prunable.indices.dropLast() {
            XCTAssertEqual(removed(l).filter { $0 }.count, engine.shapes[l][0] / 2, names[l])
        }
        XCTAssertFalse(removed(engine.prunable.count - 1).contains(true), "the classes stay")
    }

    /// A lottery rewind puts batch norm back with the weights: to its initial state (scale
    /// 1, shift 0, running mean 0 and variance 1) for θ₀, to its state at step r for
    /// weight rewinding.
    func testLotteryRewindsBatchNorm() throws {
        for (mode, rewindStep) in [(0, 0), (1, 2)] {
            let config = Self.config(SparsityConfig(method: "lottery", target: 0.5, schedule: .iterative(rounds: 1, stepsPerRound: 4),
                                                    options: ["rewind": Double(mode), "rewind_step": Double(rewindStep)]))
            let session = try TrainingSession(config: config, dataset: Self.digits)
            let model = session.model
            let normalization = model.parameters.filter { $0.role == .scale || $0.role == .shift }
            let statistics = model.buffers
            var expectedParameters = normalization.map(\.value), expectedStatistics = statistics.map(\.values)
            while session.step < 4 {
                session.trainStep()
                if session.step == rewindStep {
                    (expectedParameters, expectedStatistics) = (normalization.map(\.value), statistics.map(\.values))
                }
            }
            XCTAssertEqual(session.sparsity.method.statistics.first { $0.name == "round" }?.value, 1, "mode \(mode): rewound")
            XCTAssertEqual(CheckpointTestSupport.bits(normalization.map(\.value)), CheckpointTestSupport.bits(expectedParameters),
                           "mode \(mode): batch-norm scales and shifts rewound")
            XCTAssertEqual(CheckpointTestSupport.bits(statistics.map(\.values)), CheckpointTestSupport.bits(expectedStatistics),
                           "mode \(mode): running statistics rewound")
            if mode == 0 {
                XCTAssertTrue(normalization.filter { $0.role == .scale }.allSatisfy { $0.value.allSatisfy { $0 == 1 } })
            }
        }
    }

    /// SynFlow scores in evaluation mode, as its reference code does (`model.eval()` in
    /// prune_loop, github.com/ganguli-lab/Synaptic-Flow): batch norm with its running
    /// statistics and dropout dropping nothing. A residual net's flow is then the same with
    /// its dropout layers as without them, and the probe leaves the pass counters alone.
    func testSynFlowProbeDropsNothing() throws {
        func withoutDropout(_ specs: [LayerSpec]) -> [LayerSpec] {
            specs.compactMap { spec in
                switch spec {
                case .dropout: nil
                case let .residual(name, body, shortcut): .residual(name: name, body: withoutDropout(body), shortcut: withoutDropout(shortcut))
                default: spec
                }
            }
        }
        func flow(_ architecture: Architecture) throws -> [[Float]] {
            var config = Self.config(SparsityConfig())
            config.model = "small-resnet"
            config.architecture = architecture
            let session = try TrainingSession(config: config, dataset: Self.digits)
            let buffers = session.model.buffers.map(\.values)
            let flow = session.sparsity.services.synapticFlowGradients()
            XCTAssertEqual(session.model.buffers.map(\.values), buffers, "statistics and pass counters untouched")
            return flow
        }
        let withDropout = BitwiseResumeResidualTests.architecture
        let plain = Architecture(withoutDropout(withDropout.layers))
        XCTAssertEqual(plain.layers.count, withDropout.layers.count - 1)
        let flows = (try flow(withDropout), try flow(plain))
        XCTAssertTrue(flows.0.joined().allSatisfy { $0.isFinite && $0 >= 0 })
        XCTAssertEqual(CheckpointTestSupport.bits(flows.0), CheckpointTestSupport.bits(flows.1))
    }
}
