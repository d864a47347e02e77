import DashboardModel
import Metrics
import Training
import XCTest

/// The FLOP panel against an independent recount: for every method, on an MLP and a CNN,
/// the multiply-adds a frame reports equal those counted directly from the snapshot's
/// effective weights (the non-zero weights each GEMM multiplies, times the positions it
/// multiplies them at) and the method's own activation sparsification.
final class FLOPRecountTests: XCTestCase {
    /// Trains `steps` steps of `method` at 90% on the embedded digits and returns the snapshot.
    private func snapshot(method: String, model: String, steps: Int, epochs: Int = 3, target: Double = 0.9,
                          schedule: SparsitySchedule? = nil, options: [String: Double] = [:]) throws -> (TrainingSnapshot, Model) {
        var config = RunConfig()
        config.model = model
        config.epochs = epochs
        config.evaluateEverySteps = steps
        config.startPaused = true
        config.sparsity = SparsityConfig(method: method, target: method == "dense" ? 0 : target, schedule: schedule, options: options)
        let dataset = DatasetLoader.embeddedDigits()
        let trainer = try Trainer(config: config, dataset: dataset)
        let model = try TrainingSession(config: config, dataset: dataset).model
        trainer.start()
        defer {
            trainer.send(.stop)
            _ = trainer.waitUntilFinished(timeout: 30)
        }
        trainer.send(.step(count: steps))
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let s = trainer.latestSnapshot, s.step == steps, s.state == .paused, s.evaluationStep == steps { return (s, model) }
            Thread.sleep(forTimeInterval: 0.005)
        }
        throw XCTSkip("\(method) did not reach step \(steps)")
    }

    /// Per sample: forward, input-gradient and weight-gradient MACs, counted from the weights.
    private func recount(_ snapshot: TrainingSnapshot, model: Model) -> MACBreakdown {
        let prunable = snapshot.layers.filter(\.isPrunable)
        var total = MACBreakdown.zero
        var isFirst = true
        for (layer, inputShape) in zip(model.layers, model.layerInputShapes) {
            let weightName: String, positions: Int
            if let dense = layer as? Dense {
                (weightName, positions) = (dense.weight.name, 1)
            } else if let conv = layer as? Conv2D {
                let output = conv.outputShape(for: inputShape)
                (weightName, positions) = (conv.weight.name, output[1] * output[2])
            } else {
                continue
            }
            let index = prunable.firstIndex { $0.name == weightName }!
            let weights = prunable[index].weights
            let multiplied = Double(weights.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } * positions)
            let activationDensity = snapshot.sparsity.activationDensities?[index] ?? 1
            total = total + MACBreakdown(forward: multiplied, backwardInput: isFirst ? 0 : multiplied,
                                         backwardWeight: Double(weights.count * positions) * activationDensity)
            isFirst = false
        }
        return total
    }

    private func assertPanelMatchesRecount(method: String, model modelName: String, steps: Int, epochs: Int,
                                           file: StaticString = #filePath, line: UInt = #line) throws {
        let (snapshot, model) = try snapshot(method: method, model: modelName, steps: steps, epochs: epochs)
        var state = DashboardFrameContext(model: model)
        let frame = DashboardFrame.make(snapshot, context: &state)
        let expected = recount(snapshot, model: model)
        let context = "\(method) on \(modelName) at step \(steps)"
        XCTAssertEqual(frame.flops.sparse.forward, expected.forward, accuracy: 1e-9 * max(expected.forward, 1), context, file: file, line: line)
        XCTAssertEqual(frame.flops.sparse.backwardInput, expected.backwardInput, accuracy: 1e-9 * max(expected.backwardInput, 1),
                       context, file: file, line: line)
        XCTAssertEqual(frame.flops.sparse.backwardWeight, expected.backwardWeight, accuracy: 1e-9 * max(expected.backwardWeight, 1),
                       context, file: file, line: line)
        XCTAssertEqual(frame.flops.dense.forward, Double(model.forwardMACsPerSample), context, file: file, line: line)
        if snapshot.sparsity.operands != .weightsAndActivations && snapshot.sparsity.operands != .activations {
            XCTAssertEqual(frame.flops.sparse.backwardWeight, frame.flops.dense.backwardWeight,
                           "\(context): only SWAT's Top-K activations make the weight gradient sparse (SWAT Table 1)",
                           file: file, line: line)
        }
    }

    func testEveryMethodsPanelFLOPsEqualARecountOnLeNet300() throws {
        for method in MethodRegistry.names { try assertPanelMatchesRecount(method: method, model: "lenet300", steps: 20, epochs: 3) }
    }

    func testEveryMethodsPanelFLOPsEqualARecountOnLeNet5() throws {
        // Convolutions are slow in a debug build: 7 of the run's 11 steps, most methods sparse by then.
        for method in MethodRegistry.names { try assertPanelMatchesRecount(method: method, model: "lenet5", steps: 7, epochs: 1) }
    }

    func testADenseRunSavesExactlyNothing() throws {
        for model in ["lenet300", "lenet5"] {
            let (snapshot, network) = try snapshot(method: "dense", model: model, steps: 4, target: 0)
            var state = DashboardFrameContext(model: network)
            let frame = DashboardFrame.make(snapshot, context: &state)
            XCTAssertEqual(frame.flops.trainingReduction, 0, model)
            XCTAssertEqual(frame.flops.inferenceReduction, 0, model)
            XCTAssertEqual(frame.flops.idealTrainingSpeedup, 1.0, model)
            XCTAssertEqual(frame.cumulativeFLOPs.trainingReduction, 0, model)
            XCTAssertEqual(frame.acceleratorEstimate.training, 1.0, model)
            XCTAssertGreaterThan(frame.activationSparsity, 0.2, "\(model): ReLU zeros exist, and are not counted as savings")
        }
    }

    func testDropBackCountsEveryWeightItMultipliesAndStoresOnlyTheTrackedOnes() throws {
        let (snapshot, model) = try snapshot(method: "dropback", model: "lenet300", steps: 12)
        var state = DashboardFrameContext(model: model)
        let frame = DashboardFrame.make(snapshot, context: &state)
        XCTAssertEqual(snapshot.sparsity.operands, .none)
        XCTAssertEqual(frame.flops.inferenceReduction, 0, accuracy: 1e-6, "untracked weights are multiplied at w0")
        XCTAssertEqual(frame.acceleratorEstimate, SpeedupEstimate(forward: 1, backward: 1, training: 1, operands: SparsifiedOperands.none,
                                                                   extrapolated: false))
        XCTAssertEqual(SparsityStatistics.overallSparsity(SparsityStatistics.prunableLayers(of: snapshot.layers)), 0.9, accuracy: 1e-3,
                       "storage counts the tracked weights only")
        XCTAssertLessThan(frame.cheapestStorage.bits, 266_200 * 32 / 4)
        let pruned = try XCTUnwrap(snapshot.prunedTestAccuracy, "the pruned reading: untracked weights zeroed")
        XCTAssertNotEqual(pruned, snapshot.testAccuracy)
    }

    func testCumulativeFLOPsSumWhatEveryStepMultiplied() throws {
        // A constant schedule prunes at the start and keeps the mask: every step costs the same.
        let (fixed, model) = try snapshot(method: "magnitude", model: "lenet300", steps: 10, schedule: .constant)
        var state = DashboardFrameContext(model: model)
        let frame = DashboardFrame.make(fixed, context: &state)
        XCTAssertEqual(fixed.compute.samples, 10 * 128)
        XCTAssertEqual(frame.cumulativeFLOPs.sparse.training, frame.flops.sparse.training * 1280, accuracy: 1e-6 * frame.flops.sparse.training)
        XCTAssertEqual(frame.cumulativeFLOPs.dense.training, frame.flops.dense.training * 1280)

        // A gradual schedule is dense at first: the run's reduction trails the last step's.
        let (gradual, _) = try snapshot(method: "magnitude", model: "lenet300", steps: 20,
                                        schedule: .polynomial(initial: 0, beginStep: 5, endStep: 15, frequency: 5, exponent: 3))
        var gradualState = DashboardFrameContext(model: model)
        let gradualFrame = DashboardFrame.make(gradual, context: &gradualState)
        XCTAssertEqual(gradualFrame.flops.inferenceReduction, 0.9, accuracy: 1e-3)
        XCTAssertGreaterThan(gradualFrame.cumulativeFLOPs.trainingReduction, 0.05)
        XCTAssertLessThan(gradualFrame.cumulativeFLOPs.trainingReduction, gradualFrame.flops.trainingReduction - 0.1)

        // RigL's weight gradient is dense at every step, its mask-update steps included.
        let (rigl, _) = try snapshot(method: "rigl", model: "lenet300", steps: 12, options: ["delta_t": 4])
        XCTAssertEqual(rigl.sparsity.lastUpdateStep, 12, "RigL updated its mask (from dense gradients) during the run")
        var riglState = DashboardFrameContext(model: model)
        let riglFrame = DashboardFrame.make(rigl, context: &riglState)
        XCTAssertEqual(riglFrame.cumulativeFLOPs.sparse.backwardWeight, riglFrame.cumulativeFLOPs.dense.backwardWeight)
        XCTAssertLessThan(riglFrame.cumulativeFLOPs.sparse.forward, 0.2 * riglFrame.cumulativeFLOPs.dense.forward)
    }
}
