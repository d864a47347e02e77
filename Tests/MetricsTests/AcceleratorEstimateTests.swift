import Foundation
import Metrics
import XCTest

final class AcceleratorEstimateTests: XCTestCase {
    func testTable6PointsAreReturnedExactly() {
        for (sparsity, forward, backward) in [(0.0, 1.0, 1.0), (0.8, 3.3, 3.4), (0.9, 5.6, 6.3)] {
            let estimate = AcceleratorEstimate.simulatedSpeedupEstimate(sparsity: sparsity)
            XCTAssertEqual(estimate.forward, forward, accuracy: 1e-12)
            XCTAssertEqual(estimate.backward, backward, accuracy: 1e-12)
        }
    }

    func testTheHarmonicMeanReproducesThePapersTrainingSpeedups() {
        // 3.3x at 80% (abstract, §4.4) and 5.9x at 90% (§1) of Raihan & Aamodt 2020, arXiv:2001.01969.
        let at80 = AcceleratorEstimate.simulatedSpeedupEstimate(sparsity: 0.8).training
        let at90 = AcceleratorEstimate.simulatedSpeedupEstimate(sparsity: 0.9).training
        XCTAssertEqual(at80, 2 / (1 / 3.3 + 1 / 3.4), accuracy: 1e-12)
        XCTAssertEqual((at80 * 10).rounded() / 10, 3.3)
        XCTAssertEqual((at90 * 10).rounded() / 10, 5.9)
        XCTAssertEqual(AcceleratorEstimate.trainingSpeedup(forward: 2, backward: 6), 3)
    }

    func testInterpolationIsLinearInLogSpeedupAgainstLogInverseDensity() {
        // 50%: 1/density = 2 on the 0–80% segment, whose exponent is ln 3.3 / ln 5.
        let half = AcceleratorEstimate.simulatedSpeedupEstimate(sparsity: 0.5)
        XCTAssertEqual(half.forward, pow(2, log(3.3) / log(5)), accuracy: 1e-12)
        XCTAssertEqual(half.backward, pow(2, log(3.4) / log(5)), accuracy: 1e-12)
        // 85%: 1/density is 4/3 of its value at 80%, on the 80–90% segment.
        let between = AcceleratorEstimate.simulatedSpeedupEstimate(sparsity: 0.85)
        XCTAssertEqual(between.forward, 3.3 * pow(4.0 / 3.0, log2(5.6 / 3.3)), accuracy: 1e-12)
        XCTAssertEqual(between.backward, 3.4 * pow(4.0 / 3.0, log2(6.3 / 3.4)), accuracy: 1e-12)
    }

    func testExtrapolationBeyond90PercentContinuesTheLastSegment() {
        // 99%: ten times fewer non-zeros than at 90%, at the 80–90% exponent.
        let estimate = AcceleratorEstimate.simulatedSpeedupEstimate(sparsity: 0.99)
        XCTAssertEqual(estimate.forward, 5.6 * pow(10, log2(5.6 / 3.3)), accuracy: 1e-9)
        XCTAssertEqual(estimate.backward, 6.3 * pow(10, log2(6.3 / 3.4)), accuracy: 1e-9)
        XCTAssertLessThan(estimate.forward, 100, "below the ideal 1/density")
        XCTAssertLessThan(estimate.backward, 100)
        var previous = SpeedupEstimate.none
        for step in 1..<1000 {
            let next = AcceleratorEstimate.simulatedSpeedupEstimate(sparsity: Double(step) / 1000)
            XCTAssertGreaterThan(next.forward, previous.forward)
            XCTAssertGreaterThan(next.backward, previous.backward)
            previous = next
        }
    }

    func testTheAcceleratorEstimateIsCappedAtTheFLOPIdeal() throws {
        // lenet300 with SWAT-U: the dense first layer holds 88% of the MACs.
        let layers = try XCTUnwrap(NetworkCatalog.layers("lenet300"))
        let flops = FLOPModel.network(layers, densities: FLOPModel.uniformDensities(
            layerCount: 3, sparsity: 0.9, firstLayerDense: true, sparsifiesActivations: true))
        let estimate = AcceleratorEstimate.estimate(.sparseAccelerator(sparsity: 0.9, operands: .weightsAndActivations), flops: flops)
        XCTAssertEqual(estimate.forward, flops.idealForwardSpeedup)
        XCTAssertEqual(estimate.forward, 266_200.0 / (235_200.0 + 3_100.0), accuracy: 1e-12)
        XCTAssertEqual(estimate.backward, flops.idealBackwardSpeedup)
        XCTAssertLessThanOrEqual(estimate.training, flops.idealTrainingSpeedup)
    }

    func testTheTrainingEstimateIsCappedWhenTheEqualWeightingOverstatesIt() {
        // One layer, 10% of weights kept, activations dense, its input gradient counted:
        // ideal forward 10x, backward 2/1.1, training 3/1.2 = 2.5x. Weight pruning speeds up
        // the input gradient as the forward (5.6x) and leaves the weight gradient dense:
        // backward 200 / (100/5.6 + 100) = 1.70x; their harmonic mean would claim 2.61x.
        let flops = FLOPModel.network([.linear("w", inputs: 10, outputs: 10)], densities: [LayerDensity(weight: 0.1, activation: 1)],
                                      rules: FLOPCountingRules(countsFirstLayerInputGradient: true))
        let estimate = AcceleratorEstimate.estimate(.sparseAccelerator(sparsity: 0.9, operands: .weights), flops: flops)
        XCTAssertEqual(estimate.forward, 5.6, accuracy: 1e-12)
        XCTAssertEqual(estimate.backward, 200 / (100 / 5.6 + 100), accuracy: 1e-12)
        XCTAssertEqual(estimate.training, 2.5, accuracy: 1e-12)
    }

    func testTheEstimateSpeedsUpOnlyWhatTheMethodSparsifies() {
        // One 100x100 layer, not the first: forward, input and weight gradient 10,000 MACs each.
        let layers: [LayerShape] = [.linear("first", inputs: 1, outputs: 1), .linear("w", inputs: 100, outputs: 100)]
        let swat = FLOPModel.network(layers, densities: [.dense, LayerDensity(weight: 0.1, activation: 0.1)])
        let pruned = FLOPModel.network(layers, densities: [.dense, LayerDensity(weight: 0.1, activation: 1)])
        let both = AcceleratorEstimate.estimate(.sparseAccelerator(sparsity: 0.9, operands: .weightsAndActivations), flops: swat)
        XCTAssertEqual(both.forward, 5.6, accuracy: 0.01)
        XCTAssertEqual(both.backward, 6.3, accuracy: 0.01)
        let weightsOnly = AcceleratorEstimate.estimate(.sparseAccelerator(sparsity: 0.9, operands: .weights), flops: pruned)
        XCTAssertEqual(weightsOnly.forward, 5.6, accuracy: 0.01, "the forward pass multiplies the sparse weights")
        XCTAssertEqual(weightsOnly.backward, 20_002 / (10_001 / 5.6 + 10_001), accuracy: 0.01,
                       "the input gradient at the forward's speed, the weight gradient dense (SWAT Table 1)")
        XCTAssertEqual(weightsOnly.operands, .weights)
        let activationsOnly = AcceleratorEstimate.estimate(.sparseAccelerator(sparsity: 0.9, operands: .activations),
                                                           flops: FLOPModel.network(layers, densities: [.dense, LayerDensity(weight: 1, activation: 0.1)]))
        XCTAssertEqual(activationsOnly.forward, 1)
        XCTAssertGreaterThan(activationsOnly.backward, 1.5)
        let nothing = AcceleratorEstimate.estimate(.sparseAccelerator(sparsity: 0.9, operands: .none), flops: FLOPModel.network(layers, densities: [.dense, .dense]))
        XCTAssertEqual([nothing.forward, nothing.backward, nothing.training], [1, 1, 1], "DropBack multiplies every weight")
        XCTAssertEqual(both.extrapolated, false)
        XCTAssertEqual(AcceleratorEstimate.estimate(.sparseAccelerator(sparsity: 0.95, operands: .weights), flops: pruned).extrapolated, true,
                       "Table 6 stops at 90%")
    }

    func testPastTable6TheEstimateIsHeldAtItsLastRowAsALowerBound() {
        let layers: [LayerShape] = [.linear("fc", inputs: 1_000, outputs: 1_000)]
        let at = { (sparsity: Double) in
            AcceleratorEstimate.estimate(.sparseAccelerator(sparsity: sparsity, operands: .weightsAndActivations),
                                         flops: FLOPModel.network(layers, densities: [LayerDensity(weight: 1 - sparsity, activation: 1 - sparsity)]))
        }
        let ninety = at(0.9), beyond = at(0.998)
        XCTAssertEqual(beyond.forward, ninety.forward, accuracy: 1e-12, "not the power law's 111x at 99.8%")
        XCTAssertEqual(beyond.backward, ninety.backward, accuracy: 1e-12)
        XCTAssertEqual(beyond.forward, 5.6, accuracy: 1e-12)
        XCTAssertEqual(beyond.extrapolated, true)
        XCTAssertEqual(ninety.extrapolated, false)
    }

    // Dense F: 100 (first layer, kept dense) and 1000 (10% weights and activations).
    private let twoLayers = FLOPModel.network(
        [.linear("first", inputs: 10, outputs: 10), .linear("second", inputs: 10, outputs: 100)],
        densities: [.dense, LayerDensity(weight: 0.1, activation: 0.1)])

    func testStructuredProfileIsTheFLOPRatio() {
        let estimate = AcceleratorEstimate.estimate(.structured, flops: twoLayers)
        XCTAssertEqual(estimate, SpeedupEstimate(forward: 1100 / 200, backward: 2100 / 300, training: 3200 / 500))
    }

    func testCPUProfileUsesTheSparseKernelOnlyBelowItsBreakEvenDensity() {
        // Break-even 70%: a sparse MAC costs 1/0.3 dense ones. The second layer's GEMMs cost
        // 100/0.3 each, the dense first layer 100 (forward) and 100 (weight gradient).
        let estimate = AcceleratorEstimate.estimate(.cpuUnstructured(breakEvenSparsity: 0.7), flops: twoLayers)
        let sparseGEMM = 100 / 0.3
        XCTAssertEqual(estimate.forward, 1100 / (100 + sparseGEMM), accuracy: 1e-12)
        XCTAssertEqual(estimate.backward, 2100 / (100 + 2 * sparseGEMM), accuracy: 1e-12)
        XCTAssertEqual(estimate.training, 3200 / (200 + 3 * sparseGEMM), accuracy: 1e-12)

        // At 50% sparsity every GEMM stays dense: no speedup, and never a slowdown.
        let halfSparse = FLOPModel.network(
            [.linear("first", inputs: 10, outputs: 10), .linear("second", inputs: 10, outputs: 100)],
            densities: [.dense, LayerDensity(weight: 0.5, activation: 0.5)])
        XCTAssertEqual(AcceleratorEstimate.estimate(.cpuUnstructured(breakEvenSparsity: 0.7), flops: halfSparse), .none)
    }

    func testAmpereTwoFourProfile() {
        XCTAssertEqual(AcceleratorEstimate.estimate(.ampereTwoFour(everyLayerCompliant: false), flops: twoLayers), .none)
        // Capped at 2x on the forward GEMM; the backward GEMMs run dense.
        let estimate = AcceleratorEstimate.estimate(.ampereTwoFour(everyLayerCompliant: true), flops: twoLayers)
        XCTAssertEqual(estimate.forward, 2)
        XCTAssertEqual(estimate.backward, 1)
        XCTAssertEqual(estimate.training, 3200 / (550 + 2100), accuracy: 1e-12)
        // At 25% sparsity the FLOP ratio, below 2, is the bound.
        let light = FLOPModel.network([.linear("w", inputs: 4, outputs: 4)], densities: [LayerDensity(weight: 0.75, activation: 1)])
        XCTAssertEqual(AcceleratorEstimate.estimate(.ampereTwoFour(everyLayerCompliant: true), flops: light).forward, 1 / 0.75, accuracy: 1e-12)
    }

    func testTwoFourCompliance() {
        XCTAssertTrue(AcceleratorEstimate.isTwoFourCompliant(mask: [1, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0], shape: [2, 8]))
        XCTAssertFalse(AcceleratorEstimate.isTwoFourCompliant(mask: [1, 1, 1, 0, 0, 0, 0, 0], shape: [1, 8]))
        // Groups do not cross rows: rows of 6 are groups of 4 and 2.
        XCTAssertTrue(AcceleratorEstimate.isTwoFourCompliant(mask: [1, 0, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1], shape: [2, 6]))
        XCTAssertFalse(AcceleratorEstimate.isTwoFourCompliant(mask: [0, 0, 0, 0, 1, 1, 1, 1, 1], shape: [1, 9]))
        // A conv weight [1 out, 4 in, 1x4 kernel], laid out by input channel: groups run over
        // the 4 input channels at each kernel position, as `nm` prunes them, not along the
        // kernel's width. Each channel keeping 2 of its 4 kernel weights, but all 4 channels
        // at position 0, is not 2:4; channels 0 and 1 fully kept, 2 and 3 empty, is.
        let widthwise: [Float] = [1, 1, 0, 0, /* in 1 */ 1, 0, 0, 0, /* in 2 */ 1, 0, 0, 0, /* in 3 */ 1, 0, 0, 0]
        XCTAssertFalse(AcceleratorEstimate.isTwoFourCompliant(mask: widthwise, shape: [1, 4, 1, 4]))
        let channelwise: [Float] = [1, 1, 1, 1, /* in 1 */ 1, 1, 1, 1, /* in 2 */ 0, 0, 0, 0, /* in 3 */ 0, 0, 0, 0]
        XCTAssertTrue(AcceleratorEstimate.isTwoFourCompliant(mask: channelwise, shape: [1, 4, 1, 4]))
    }
}
