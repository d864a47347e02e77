import Training
import XCTest

final class SWATMethodTests: XCTestCase {
    private func session(_ options: [String: Double] = [:], target: Double = 0.9, model: String = "lenet300",
                         batch: Int = 64) throws -> TrainingSession {
        var config = RunConfig()
        config.model = model
        config.epochs = 1
        config.batchSize = batch
        config.seed = 3
        config.sparsity = SparsityConfig(method: "swat", target: target, options: options)
        return try TrainingSession(config: config, dataset: DatasetLoader.embeddedDigits())
    }

    private func swat(_ session: TrainingSession) -> SWATMethod { session.sparsity.method as! SWATMethod }

    private func nonzeroIndices(_ values: [Float]) -> Set<Int> { Set(values.indices.filter { values[$0] != 0 }) }

    func testNonActiveWeightsKeepTrainingAndAreZeroInTheForwardPass() throws {
        let session = try session()
        session.trainStep()
        let engine = session.sparsity!
        let l = 1  // fc2, 90% sparse
        let inactive = engine.masks[l].indices.filter { engine.masks[l][$0] == 0 }
        XCTAssertEqual(inactive.count, 27_000)
        let effective = engine.effectiveWeights(l)
        XCTAssertTrue(inactive.allSatisfy { effective[$0] == 0 })
        let before = engine.prunable[l].value
        XCTAssertTrue(inactive.allSatisfy { before[$0] != 0 }, "the dense shadow keeps the masked weights")
        session.trainStep()
        let after = engine.prunable[l].value
        let changed = inactive.filter { before[$0] != after[$0] }
        XCTAssertEqual(changed.count, inactive.count, "every non-active weight was updated by the dense gradient")
    }

    func testForwardWeightsAreExactlyTheTopKOfTheDenseWeights() throws {
        let session = try session()
        for _ in 0..<3 { session.trainStep() }
        let engine = session.sparsity!
        XCTAssertEqual(engine.measuredLayerSparsities, [0, 0.9, 0.9], "SWAT-U: first layer dense, the rest uniform")
        for l in engine.prunable.indices {
            let dense = engine.prunable[l].value
            let keep = MaskSelection.keepCount(count: dense.count, sparsity: l == 0 ? 0 : 0.9)
            let expected = Set(MaskSelection.topIndices(dense.map(abs), keep: keep))
            XCTAssertEqual(nonzeroIndices(engine.effectiveWeights(l)), expected, "layer \(l)")
        }
    }

    func testERKVariantUsesTheErdosRenyiKernelSplit() throws {
        let session = try session(["variant": 1])
        session.trainStep()
        let engine = session.sparsity!
        let erk = LayerBudget(.erdosRenyiKernel).layerSparsities(shapes: engine.shapes, target: 0.9)!
        XCTAssertEqual(engine.budget.name, "erk")
        for l in engine.prunable.indices {
            let keep = MaskSelection.keepCount(count: engine.prunable[l].count, sparsity: erk[l])
            XCTAssertEqual(nonzeroIndices(engine.effectiveWeights(l)).count, keep)
        }
        XCTAssertEqual(engine.measuredSparsity, 0.9, accuracy: 0.001)
    }

    func testMomentumVariantRedistributesAndKeepsTheOverallTarget() throws {
        let session = try session(["variant": 2])
        for _ in 0..<3 { session.trainStep() }
        let engine = session.sparsity!
        XCTAssertEqual(engine.budget.name, "manual")
        let split = engine.measuredLayerSparsities
        XCTAssertNotEqual(split, [0.9, 0.9, 0.9], "momentum moved non-zeros between layers")
        XCTAssertEqual(engine.measuredSparsity, 0.9, accuracy: 0.001)
        XCTAssertEqual(engine.layerTargets(for: 0.9), swat(session).layerSparsities)
        for (l, sparsifier) in swat(session).activationSparsifiers.enumerated() where split[l] > 0 {
            XCTAssertEqual(sparsifier!.sparsity, swat(session).layerSparsities[l], "activations follow the layer's sparsity")
        }
    }

    /// dW = dyᵀ·TopK(x) while y = x·Wᵀ + b and dx = dy·W use the dense x and W.
    func testWeightGradientOfATinyDenseLayerUsesTheTopKActivations() {
        let layer = Dense(name: "fc", inputs: 3, outputs: 2, seed: 1, firstParameterIndex: 0)
        layer.weight.value = [1, 2, 3, -1, 0.5, 2]  // rows: output neurons
        layer.bias.value = [0.5, -1]
        let sparsifier = TopKActivationSparsifier(sparsity: 0.5)
        layer.activationSparsifier = sparsifier
        let x = Tensor(shape: [2, 3], storage: [1, -4, 2, 0.5, 3, -1])
        let y = layer.forward(x, isTraining: true)
        // Dense forward: [1·1 − 4·2 + 2·3 + 0.5, −1·1 − 4·0.5 + 2·2 − 1], [0.5 + 6 − 3 + 0.5, −0.5 + 1.5 − 2 − 1].
        XCTAssertEqual(y.storage, [-0.5, 0, 4, -2])
        let dy = Tensor(shape: [2, 2], storage: [1, 2, 3, -1])
        let dx = layer.backward(dy, needsInputGradient: true)!
        // Keep 3 of 6 by magnitude: −4, 3, 2; so TopK(x) = [[0, −4, 2], [0, 3, 0]].
        XCTAssertEqual(layer.weight.gradient, [0, 5, 2, 0, -11, 4])
        XCTAssertEqual(layer.bias.gradient, [4, 1])
        XCTAssertEqual(dx.storage, [-1, 3, 7, 4, 5.5, 7])
        XCTAssertEqual(x.storage, [1, -4, 2, 0.5, 3, -1], "the caller's input is not modified")
        XCTAssertEqual(sparsifier.measuredSparsity, 0.5)
        XCTAssertEqual(sparsifier.threshold, 2)
    }

    func testConvWeightGradientIsTheGradientOfTheSparsifiedInput() {
        let hooked = Conv2D(name: "c", inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, seed: 5, firstParameterIndex: 0)
        let plain = Conv2D(name: "c", inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, seed: 5, firstParameterIndex: 0)
        var generator = SeededGenerator(seed: 9)
        let x = Tensor(shape: [2, 2, 5, 5], storage: (0..<100).map { _ in generator.nextUnitFloat() * 2 - 1 })
        let dy = Tensor(shape: [2, 3, 5, 5], storage: (0..<150).map { _ in generator.nextUnitFloat() * 2 - 1 })
        let sparsifier = TopKActivationSparsifier(sparsity: 0.7)
        hooked.activationSparsifier = sparsifier
        let y = hooked.forward(x, isTraining: true)
        XCTAssertEqual(y, plain.forward(x, isTraining: false), "the forward pass sees the dense input")
        let dx = hooked.backward(dy, needsInputGradient: true)!
        var sparse = x.storage
        TopKActivationSparsifier(sparsity: 0.7).sparsifyActivations(&sparse)
        XCTAssertEqual(nonzeroIndices(sparse).count, 30)
        _ = plain.forward(Tensor(shape: x.shape, storage: sparse), isTraining: true)
        _ = plain.backward(dy, needsInputGradient: false)
        XCTAssertEqual(hooked.weight.gradient, plain.weight.gradient)
        _ = plain.forward(x, isTraining: true)
        XCTAssertEqual(dx, plain.backward(dy, needsInputGradient: true)!, "the input gradient does not use the activations")
    }

    func testHooksOnlyOnSparseLayersAndGoneAfterASwitch() throws {
        let session = try session()
        session.trainStep()
        let layers = session.model.layers.compactMap { $0 as? Dense }
        XCTAssertNil(layers[0].activationSparsifier, "SWAT-U keeps the first layer's activations dense")
        XCTAssertEqual((layers[1].activationSparsifier as? TopKActivationSparsifier)?.sparsity, 0.9)
        XCTAssertEqual((layers[1].activationSparsifier as? TopKActivationSparsifier)?.measuredSparsity ?? 0, 0.9, accuracy: 1e-9)
        try session.sparsity.switchMethod(to: "dense")
        XCTAssertTrue(layers.allSatisfy { $0.activationSparsifier == nil })
    }

    func testThresholdsAreReusedForPeriodSteps() throws {
        let session = try session(["period": 3])
        let engine = session.sparsity!
        let method = swat(session)
        var weightThresholds: [[Float]] = [method.weightThresholds]
        var activationThresholds: [Float?] = []
        for step in 1...7 {
            session.trainStep()
            weightThresholds.append(method.weightThresholds)
            activationThresholds.append(method.activationSparsifiers[1]!.threshold)
            let fc2 = engine.prunable[1].value
            let kept = engine.masks[1].reduce(0, +)
            if step % 3 == 0 {
                XCTAssertEqual(kept, 3000, "step \(step): exact Top-K at a recomputation")
                XCTAssertEqual(method.lastRecomputeStep, step)
            } else {
                let expected = fc2.map { abs($0) >= method.weightThresholds[1] ? Float(1) : 0 }
                XCTAssertEqual(engine.masks[1], expected, "step \(step): mask from the stored threshold")
                XCTAssertEqual(method.lastRecomputeStep, step / 3 * 3)
            }
        }
        // Weight thresholds after steps 0...7: recomputed at 0, 3, 6.
        XCTAssertEqual(weightThresholds[1], weightThresholds[0])
        XCTAssertEqual(weightThresholds[2], weightThresholds[0])
        XCTAssertNotEqual(weightThresholds[3], weightThresholds[2])
        XCTAssertEqual(weightThresholds[4], weightThresholds[3])
        XCTAssertEqual(weightThresholds[5], weightThresholds[3])
        XCTAssertNotEqual(weightThresholds[6], weightThresholds[5])
        // Activation thresholds of the forward passes of steps 0...6: recomputed at 0, 3, 6.
        XCTAssertEqual(activationThresholds[1], activationThresholds[0])
        XCTAssertEqual(activationThresholds[2], activationThresholds[0])
        XCTAssertNotEqual(activationThresholds[3], activationThresholds[2])
        XCTAssertEqual(activationThresholds[5], activationThresholds[3])
        XCTAssertNotEqual(activationThresholds[6], activationThresholds[5])
        XCTAssertEqual(engine.snapshot.statistics.first { $0.name == "threshold age" }?.value, 1)
    }

    func testStructuredKeepsWholeKernelSlicesOfConvLayers() throws {
        let session = try session(["structured": 1], target: 0.5, model: "lenet5", batch: 8)
        session.trainStep()
        let engine = session.sparsity!
        let conv2 = engine.effectiveWeights(1)
        XCTAssertEqual(engine.shapes[1], [16, 6, 5, 5])
        let slices = (0..<96).map { s in conv2[(s * 25)..<((s + 1) * 25)] }
        XCTAssertTrue(slices.allSatisfy { slice in slice.allSatisfy { $0 != 0 } || slice.allSatisfy { $0 == 0 } })
        XCTAssertEqual(slices.filter { $0.allSatisfy { $0 != 0 } }.count, 48)
        let dense = engine.prunable[1].value
        let norms = (0..<96).map { s in dense[(s * 25)..<((s + 1) * 25)].reduce(0) { $0 + abs($1) } }
        let keptNorms = (0..<96).filter { conv2[$0 * 25] != 0 }.map { norms[$0] }
        let droppedNorms = (0..<96).filter { conv2[$0 * 25] == 0 }.map { norms[$0] }
        XCTAssertGreaterThanOrEqual(keptNorms.min()!, droppedNorms.max()!, "slices ranked by L1 norm")
        XCTAssertEqual(nonzeroIndices(engine.effectiveWeights(2)).count, 24_000, "linear layers stay unstructured")
        XCTAssertEqual(nonzeroIndices(engine.effectiveWeights(0)).count, 150, "first layer dense")
    }

    func testSparsifyWeightsOnlyKeepsTopKWeightsAndAttachesNoActivationSparsifier() throws {
        let session = try session(["sparsify": 1, "variant": 1])
        for _ in 0..<2 { session.trainStep() }
        let engine = session.sparsity!
        let erk = LayerBudget(.erdosRenyiKernel).layerSparsities(shapes: engine.shapes, target: 0.9)!
        for l in engine.prunable.indices {
            let keep = MaskSelection.keepCount(count: engine.prunable[l].count, sparsity: erk[l])
            XCTAssertEqual(nonzeroIndices(engine.effectiveWeights(l)).count, keep, "layer \(l): weights still Top-K")
        }
        let layers = session.model.layers.compactMap { $0 as? Dense }
        XCTAssertEqual(layers.count, 3)
        XCTAssertTrue(layers.allSatisfy { $0.activationSparsifier == nil }, "the weight gradient sees the dense input")
        XCTAssertFalse(engine.snapshot.statistics.contains { $0.name == "act sparsity" })
    }

    func testSparsifyActivationsOnlyKeepsEveryWeightActiveAndTopKInputs() throws {
        let session = try session(["sparsify": 2])
        for _ in 0..<2 { session.trainStep() }
        let engine = session.sparsity!
        XCTAssertEqual(engine.measuredLayerSparsities, [0, 0, 0], "all-ones weight masks")
        for l in engine.prunable.indices {
            XCTAssertEqual(engine.effectiveWeights(l), engine.prunable[l].value, "layer \(l): forward uses every weight")
        }
        XCTAssertEqual(swat(session).layerSparsities, [0, 0.9, 0.9], "SWAT-U's split still sets the activation sparsity")
        let layers = session.model.layers.compactMap { $0 as? Dense }
        XCTAssertNil(layers[0].activationSparsifier)
        for l in 1...2 {
            let sparsifier = layers[l].activationSparsifier as? TopKActivationSparsifier
            XCTAssertEqual(sparsifier?.sparsity, 0.9, "layer \(l)")
            XCTAssertEqual(sparsifier?.measuredSparsity ?? 0, 0.9, accuracy: 0.002, "layer \(l): Top-K inputs for dW")
        }
    }

    func testTheNetworksInputStaysDenseInTheFirstWeightGradientUnlessAsked() throws {
        // SWAT-ERK sparsifies every layer, fc1 included; its input is the image.
        let erk = try session(["variant": 1])
        for _ in 0..<2 { erk.trainStep() }
        let layers = erk.model.layers.compactMap { $0 as? Dense }
        XCTAssertNil(layers[0].activationSparsifier, "the data is not an activation: fc1's weight gradient sees the whole image")
        XCTAssertNotNil(layers[1].activationSparsifier)
        XCTAssertEqual(erk.sparsity.snapshot.activationDensities?[0], 1)
        XCTAssertLessThan(erk.sparsity.snapshot.activationDensities?[1] ?? 1, 0.5)
        let topKInput = try session(["variant": 1, "input": 1])
        for _ in 0..<2 { topKInput.trainStep() }
        let sparsifier = topKInput.model.layers.compactMap { $0 as? Dense }[0].activationSparsifier as? TopKActivationSparsifier
        XCTAssertEqual(sparsifier?.measuredSparsity ?? 0, swat(topKInput).layerSparsities[0], accuracy: 0.01, "input = 1: Top-K'd too")
        XCTAssertLessThan(topKInput.sparsity.snapshot.activationDensities?[0] ?? 1, 0.5)
    }

    func testBadOptionsAreRefused() {
        for options in [["variant": 3.0], ["period": 0], ["structured": 2], ["momentum": 1.5], ["sparsify": 3], ["input": 2], ["phase": 1]] {
            XCTAssertFalse(SparsityConfig(method: "swat", target: 0.9, options: options).validationErrors().isEmpty, "\(options)")
        }
        XCTAssertEqual(SparsityConfig(method: "swat", target: 0.9, options: ["variant": 2, "period": 5]).validationErrors(), [])
    }
}

private extension TopKActivationSparsifier {
    func sparsifyActivations(_ values: inout [Float]) {
        values.withUnsafeMutableBufferPointer { sparsifyActivations($0) }
    }
}
