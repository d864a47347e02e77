@testable import Metrics
import Training
import XCTest

final class SensitivityBudgetTests: XCTestCase {
    /// Three layers of 600, 300 and 100 weights; dense accuracy 0.9. `big` loses little,
    /// `mid` more, `small` most.
    let curves = SensitivityCurves(
        sparsities: [0.5, 0.8, 0.9, 0.95, 0.99], denseAccuracy: 0.9, denseLoss: 0.3,
        layers: [
            .init(name: "big.weight", shape: [600], accuracies: [0.9, 0.899, 0.895, 0.89, 0.80], losses: [0.3, 0.3, 0.3, 0.3, 0.6]),
            .init(name: "mid.weight", shape: [30, 10], accuracies: [0.9, 0.89, 0.87, 0.85, 0.5], losses: [0.3, 0.3, 0.4, 0.4, 1]),
            .init(name: "small.weight", shape: [100], accuracies: [0.88, 0.8, 0.7, 0.6, 0.2], losses: [0.3, 0.5, 0.7, 0.9, 2]),
        ])

    func testTheBudgetMeetsTheTargetWithTheSmallestAllowedDropOnTheInterpolatedCurves() throws {
        let budget = try SensitivityBudget(curves: curves, target: 0.85, rule: .threshold)
        XCTAssertEqual(SensitivityBudget.overall(budget.layerSparsities, curves: curves), 0.85, accuracy: 1e-9)
        // By hand: the allowed drop t falls where big is between 0.95 (drop 0.01) and 0.99
        // (0.1), mid between 0.8 (0.01) and 0.9 (0.03), small between 0 (no drop) and 0.5
        // (0.02). Each layer's sparsity is linear in t there; the weighted sum is 850 of 1000.
        let (bigSlope, midSlope, smallSlope) = (0.04 / 0.09, 0.1 / 0.02, 0.5 / 0.02)
        let t = (850 - 600 * 0.95 - 300 * 0.8 + 0.01 * (600 * bigSlope + 300 * midSlope)) / (600 * bigSlope + 300 * midSlope + 100 * smallSlope)
        XCTAssertEqual(budget.threshold!, t, accuracy: 1e-9)
        let expected = [0.95 + (t - 0.01) * bigSlope, 0.8 + (t - 0.01) * midSlope, t * smallSlope]
        for (got, want) in zip(budget.layerSparsities, expected) { XCTAssertEqual(got, want, accuracy: 1e-9) }
        XCTAssertEqual(budget.unscaledOverall, 0.85, accuracy: 1e-9, "continuous curves: met without scaling")
    }

    func testHigherTargetsNeverLowerALayerOrTheThreshold() throws {
        var previous: SensitivityBudget?
        for target in stride(from: 0.05, through: 0.95, by: 0.05) {
            let budget = try SensitivityBudget(curves: curves, target: target, rule: .threshold)
            XCTAssertEqual(SensitivityBudget.overall(budget.layerSparsities, curves: curves), target, accuracy: 1e-9)
            if let previous {
                XCTAssertGreaterThanOrEqual(budget.threshold!, previous.threshold!, "target \(target)")
                for (now, before) in zip(budget.unscaledSparsities, previous.unscaledSparsities) {
                    XCTAssertGreaterThanOrEqual(now, before, "target \(target)")
                }
            }
            previous = budget
        }
    }

    func testATargetNoAllocationMeetsIsRefusedWithWhatCouldBeReached() {
        XCTAssertThrowsError(try SensitivityBudget(curves: curves, target: 0.995, rule: .threshold)) { error in
            guard case let .unreachable(target, largest, measured)? = error as? SensitivityBudgetError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(target, 0.995)
            XCTAssertEqual(largest, 0.99, accuracy: 1e-12, "every layer at 0.99")
            XCTAssertEqual(measured, 0.99)
            XCTAssertTrue("\(error)".contains("cannot be met"), "\(error)")
        }
        for bad in [0.0, 1.0, -0.1, .nan] {
            XCTAssertThrowsError(try SensitivityBudget(curves: curves, target: bad, rule: .threshold)) { error in
                XCTAssertTrue("\(error)".contains("expected a sparsity in (0, 1)"), "\(error)")
            }
        }
    }

    func testALayerThatNeverLosesAccuracyGetsTheLargestSparsityMeasured() throws {
        var robust = curves
        robust.layers[2].accuracies = [0.9, 0.9, 0.91, 0.9, 0.9]
        let budget = try SensitivityBudget(curves: robust, target: 0.5, rule: .threshold)
        XCTAssertEqual(budget.unscaledSparsities[2], 0.99, "no drop anywhere: its largest sparsity at any threshold >= 0")
        XCTAssertEqual(budget.threshold!, 0, accuracy: 1e-9, "big and mid at 0.5 lose nothing either")
        for (got, want) in zip(budget.unscaledSparsities, [0.5, 0.5, 0.99]) { XCTAssertEqual(got, want, accuracy: 1e-9) }
        // Below a drop of 0 only small (at its gain near 0.9) counts: 0.095 overall; at 0
        // the allocation jumps to 0.549, then every layer is scaled to meet 0.5 exactly.
        XCTAssertEqual(budget.unscaledOverall, 0.549, accuracy: 1e-9)
        XCTAssertEqual(SensitivityBudget.overall(budget.layerSparsities, curves: robust), 0.5, accuracy: 1e-12)
        for (got, want) in zip(budget.layerSparsities, budget.unscaledSparsities) { XCTAssertEqual(got, want * 0.5 / 0.549, accuracy: 1e-9) }
    }

    func testAGainCountsAsNoLoss() throws {
        var helped = curves
        helped.layers[0].accuracies[0] = 0.92
        let budget = try SensitivityBudget(curves: helped, target: 0.3, rule: .threshold)
        XCTAssertEqual(budget.threshold!, -0.02, accuracy: 1e-9, "the smallest measured drop is a gain, and it suffices")
        for (got, want) in zip(budget.unscaledSparsities, [0.5, 0, 0]) { XCTAssertEqual(got, want, accuracy: 1e-9) }
    }

    // MARK: The cheapest rule

    func testCheapestTakesTheLeastDropPerWeightFirstAndMeetsTheTarget() throws {
        let budget = try SensitivityBudget(curves: curves, target: 0.85, rule: .cheapest)
        XCTAssertNil(budget.threshold)
        XCTAssertEqual(SensitivityBudget.overall(budget.layerSparsities, curves: curves), 0.85, accuracy: 1e-12)
        // By hand, drop per weight of each hull segment: big (600) 0 → 0.5 costs 0, 0.5 → 0.95
        // 0.01 / (0.45 * 600) = 3.7e-5 (its 0.8 and 0.9 points lie above the hull), 0.95 →
        // 0.99 0.09 / 24 = 3.75e-3; mid (300) 0 → 0.5 costs 0, 0.5 → 0.8 0.01 / 90 = 1.1e-4,
        // 0.8 → 0.9 0.02 / 30 = 6.7e-4, 0.9 → 0.95 0.02 / 15 = 1.3e-3; small (100) 0 → 0.5
        // 0.02 / 50 = 4e-4. Taken in order: big to 0.95 (570), mid to 0.8 (240), small 0.02 /
        // 50 = 4e-4 to 0.5 (50): 860 > 850, so small stops at 0.4.
        XCTAssertEqual(budget.layerSparsities[0], 0.95, accuracy: 1e-12)
        XCTAssertEqual(budget.layerSparsities[1], 0.8, accuracy: 1e-12)
        XCTAssertEqual(budget.layerSparsities[2], 0.4, accuracy: 1e-12)
    }

    func testCheapestGrowsEveryLayerWithTheTargetAndRefusesWhatCannotBeMet() throws {
        var previous = [0.0, 0.0, 0.0]
        for target in stride(from: 0.05, through: 0.99, by: 0.02) {
            let budget = try SensitivityBudget(curves: curves, target: target, rule: .cheapest)
            XCTAssertEqual(SensitivityBudget.overall(budget.layerSparsities, curves: curves), target, accuracy: 1e-12)
            for (now, before) in zip(budget.layerSparsities, previous) { XCTAssertGreaterThanOrEqual(now, before - 1e-12, "target \(target)") }
            XCTAssertTrue(budget.layerSparsities.allSatisfy { $0 <= 0.99 + 1e-12 })
            previous = budget.layerSparsities
        }
        XCTAssertThrowsError(try SensitivityBudget(curves: curves, target: 0.995, rule: .cheapest)) { error in
            XCTAssertTrue("\(error)".contains("--budget 0.995: cannot be met"), "\(error)")
        }
    }

    func testCheapestPrunesALayerThatNeverLosesAccuracyFirstAndToItsLargestSparsity() throws {
        var robust = curves
        robust.layers[2].accuracies = [0.9, 0.9, 0.9, 0.9, 0.9]
        robust.layers[0].accuracies[0] = 0.899
        robust.layers[1].accuracies[0] = 0.899
        let budget = try SensitivityBudget(curves: robust, target: 0.2, rule: .cheapest)
        XCTAssertEqual(budget.layerSparsities[2], 0.99, accuracy: 1e-12, "its one hull segment costs nothing")
        // Then big's first hull segment, 0 → 0.8 at 0.001 / 480 per weight (mid's costs
        // 0.001 / 150): the 101 weights still needed of 600.
        XCTAssertEqual(budget.layerSparsities[0], 101.0 / 600, accuracy: 1e-12)
        XCTAssertEqual(budget.layerSparsities[1], 0)
    }

    func testTheLowerHullSkipsPointsAboveIt() {
        let hull = SensitivityBudget.lowerHull([(0, 0), (0.5, 0.3), (0.8, 0.2), (0.9, 0.9), (0.95, 1.0)])
        XCTAssertEqual(hull.map(\.sparsity), [0, 0.8, 0.95])
    }
}
