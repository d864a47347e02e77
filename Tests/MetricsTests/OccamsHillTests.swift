import Metrics
import XCTest

final class OccamsHillTests: XCTestCase {
    /// Dense baseline 0.90 (the dense run's last evaluation), noise margin 0.005, budget 1%.
    private func constructedHill() -> OccamsHill {
        var hill = OccamsHill(budget: 0.01, noiseMargin: 0.005)
        hill.record(HillPoint(sparsity: 0, accuracy: 0.85, phase: .dense, runID: "dense", step: 100))
        hill.record(HillPoint(sparsity: 0, accuracy: 0.90, phase: .dense, runID: "dense", step: 200))
        for (sparsity, accuracy) in [(0.5, 0.91), (0.7, 0.904), (0.8, 0.895), (0.9, 0.891), (0.95, 0.87), (0.98, 0.70)] {
            hill.record(HillPoint(sparsity: sparsity, accuracy: accuracy, phase: .afterFineTuning, runID: "sweep"))
        }
        hill.record(HillPoint(sparsity: 0.9, accuracy: 0.80, phase: .afterPruning, runID: "sweep"))
        return hill
    }

    func testRegionLabellingOnAConstructedCurve() throws {
        let hill = constructedHill()
        XCTAssertEqual(try XCTUnwrap(hill.denseBaseline), 0.90, accuracy: 1e-15)
        let labels = hill.curve(run: "sweep").map { hill.region(of: $0) }
        // 0.91 beats 0.905: A. 0.904 is better than dense but within the noise: B.
        // 0.891 loses exactly 1%: still B. 0.87 and 0.70 lose more: C. The prune-only
        // point at 0.9 (0.80) is C and comes after the fine-tuned one at the same sparsity.
        XCTAssertEqual(labels, [.a, .b, .b, .b, .c, .c, .c])
        XCTAssertEqual(hill.curve(run: "sweep").map(\.sparsity), [0.5, 0.7, 0.8, 0.9, 0.9, 0.95, 0.98])
        XCTAssertEqual(hill.region(ofAccuracy: 0.85), .c)
        XCTAssertEqual(try XCTUnwrap(hill.relativeLoss(0.891)), 0.01, accuracy: 1e-12)
        XCTAssertEqual(hill.points[3].error, 0.096, accuracy: 1e-12)
    }

    func testKneeAndSlackByHand() throws {
        let hill = constructedHill()
        let knee = try XCTUnwrap(hill.knee)
        XCTAssertEqual(knee.sparsity, 0.9)
        XCTAssertEqual(knee.accuracy, 0.891)
        // 0%: accuracy >= 0.90 at 0, 0.5 and 0.7. 1%: >= 0.891, up to 0.9. 5%: >= 0.855, up to 0.95.
        let slack = hill.standardSlack
        XCTAssertEqual(slack.zero, 0.7)
        XCTAssertEqual(slack.onePercent, 0.9)
        XCTAssertEqual(slack.fivePercent, 0.95)
        XCTAssertEqual(hill.parameterSlack(relativeLoss: hill.budget), knee.sparsity)
    }

    /// An A point beyond every B point is the knee: it is within budget, and the knee must equal the slack.
    func testKneeIncludesImprovementsBeyondThePlateau() {
        var hill = OccamsHill(baselineOverride: 0.9)
        hill.record(HillPoint(sparsity: 0.5, accuracy: 0.9, phase: .afterFineTuning, runID: "r"))
        hill.record(HillPoint(sparsity: 0.8, accuracy: 0.92, phase: .afterFineTuning, runID: "r"))
        hill.record(HillPoint(sparsity: 0.9, accuracy: 0.5, phase: .afterFineTuning, runID: "r"))
        XCTAssertEqual(hill.knee?.sparsity, 0.8)
        XCTAssertEqual(hill.region(ofAccuracy: 0.92), .a)
    }

    func testBaselineIsTheMeanOfEachDenseRunsLastPoint() throws {
        var hill = OccamsHill()
        XCTAssertNil(hill.denseBaseline)
        XCTAssertNil(hill.region(ofAccuracy: 0.5))
        XCTAssertNil(hill.knee)
        hill.record(HillPoint(sparsity: 0, accuracy: 0.70, phase: .dense, runID: "a"))
        hill.record(HillPoint(sparsity: 0, accuracy: 0.90, phase: .dense, runID: "a"))
        hill.record(HillPoint(sparsity: 0, accuracy: 0.88, phase: .dense, runID: "b"))
        hill.record(HillPoint(sparsity: 0.9, accuracy: 0.99, phase: .afterPruning, runID: "b"))
        XCTAssertEqual(try XCTUnwrap(hill.denseBaseline), 0.89, accuracy: 1e-12)
        hill.baselineOverride = 0.5
        XCTAssertEqual(hill.denseBaseline, 0.5)
    }

    func testPhaseFromTheEngineAndNoiseMargin() {
        XCTAssertEqual(EvaluationPhase(snapshotPhase: "dense", measuredSparsity: 0), .dense)
        XCTAssertEqual(EvaluationPhase(snapshotPhase: "dense", measuredSparsity: 0.3), .afterPruning)
        XCTAssertEqual(EvaluationPhase(snapshotPhase: "pruning", measuredSparsity: 0.3), .afterPruning)
        XCTAssertEqual(EvaluationPhase(snapshotPhase: "round 1/5", measuredSparsity: 0), .dense, "lottery trains dense first")
        XCTAssertEqual(EvaluationPhase(snapshotPhase: "round 2/5", measuredSparsity: 0.2), .afterPruning)
        XCTAssertEqual(EvaluationPhase(snapshotPhase: "fine-tune", measuredSparsity: 0.9), .afterFineTuning)
        // 2 * sqrt(0.88 * 0.12 / 10,000)
        XCTAssertEqual(OccamsHill.binomialNoiseMargin(accuracy: 0.88, sampleCount: 10_000), 0.0064992307, accuracy: 1e-9)
    }
}
