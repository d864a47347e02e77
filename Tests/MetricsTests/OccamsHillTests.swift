import Foundation
import Metrics
import Training
import XCTest

final class OccamsHillTests: XCTestCase {
    /// Dense baseline 0.90 (a converged dense run), noise margin 0.005, budget 1%.
    private func constructedHill() -> OccamsHill {
        var hill = OccamsHill(budget: 0.01, noiseMargin: 0.005, baseline: HillBaseline(accuracy: 0.90, source: .sweep(name: "s")))
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
        var hill = OccamsHill(baseline: HillBaseline(accuracy: 0.9, source: .given))
        hill.record(HillPoint(sparsity: 0.5, accuracy: 0.9, phase: .afterFineTuning, runID: "r"))
        hill.record(HillPoint(sparsity: 0.8, accuracy: 0.92, phase: .afterFineTuning, runID: "r"))
        hill.record(HillPoint(sparsity: 0.9, accuracy: 0.5, phase: .afterFineTuning, runID: "r"))
        XCTAssertEqual(hill.knee?.sparsity, 0.8)
        XCTAssertEqual(hill.region(ofAccuracy: 0.92), .a)
    }

    func testDensePointsAloneNeverMakeABaselineAndMovingPointsAreNotOnTheHill() throws {
        var hill = OccamsHill()
        hill.record(HillPoint(sparsity: 0, accuracy: 0.70, phase: .dense, runID: "a"))
        hill.record(HillPoint(sparsity: 0.9, accuracy: 0.99, phase: .afterPruning, runID: "a"))
        XCTAssertNil(hill.denseBaseline, "an undertrained dense evaluation is not a baseline")
        XCTAssertNil(hill.region(ofAccuracy: 0.99))
        XCTAssertNil(hill.knee)
        hill.baseline = HillBaseline(accuracy: 0.9, source: .given)
        XCTAssertEqual(hill.region(ofAccuracy: 0.99), .a)
        XCTAssertNil(hill.knee, "a point taken while the mask moves is not on the hill")
        XCTAssertNil(hill.parameterSlack(relativeLoss: 0.05))
        hill.record(HillPoint(sparsity: 0.8, accuracy: 0.895, phase: .afterFineTuning, runID: "a"))
        XCTAssertEqual(hill.knee?.sparsity, 0.8)
    }

    private func evaluation(_ step: Int, _ sparsity: Double, _ accuracy: Double, _ phase: TrainingPhase) -> HillEvaluation {
        HillEvaluation(step: step, epoch: Double(step) / 100, sparsity: sparsity, accuracy: accuracy, phase: phase)
    }

    func testARunsPointsAreDenseMovingOrSettled() {
        let points = RunHill.points([
            evaluation(100, 0, 0.80, "dense"), evaluation(200, 0.5, 0.81, "pruning"), evaluation(300, 0.9, 0.78, "pruning"),
            evaluation(400, 0.9, 0.84, "pruning"), evaluation(500, 0.9, 0.85, "fine-tune"), evaluation(600, 0.9, 0.86, "fine-tune"),
        ], runID: "r")
        XCTAssertEqual(points.map(\.phase), [.dense, .afterPruning, .afterPruning, .afterFineTuning, .afterFineTuning, .afterFineTuning],
                       "settled once the sparsity has held for an evaluation interval")
        let oneShot = RunHill.points([evaluation(100, 0, 0.8, "dense"), evaluation(200, 0.9, 0.5, "fine-tune"),
                                      evaluation(300, 0.9, 0.8, "fine-tune")], runID: "r")
        XCTAssertEqual(oneShot.map(\.phase), [.dense, .afterPruning, .afterFineTuning], "right after a one-shot prune it is moving")
    }

    func testTheRunsOwnBaselineIsAConvergedDensePhaseAtItsEnd() {
        // Epochs are step / 100.
        let rising = [evaluation(100, 0, 0.80, "dense"), evaluation(150, 0, 0.825, "dense"), evaluation(200, 0, 0.83, "dense")]
        let flat = [evaluation(100, 0, 0.85, "dense"), evaluation(150, 0, 0.845, "dense"), evaluation(200, 0, 0.853, "dense")]
        let pruned = [evaluation(300, 0.9, 0.88, "fine-tune")]
        XCTAssertEqual(RunHill.densePhaseBaseline(rising, finished: false), .pending)
        XCTAssertEqual(RunHill.densePhaseBaseline(rising + pruned, finished: false),
                       .notConverged("dense phase still rising (+3.0 pt in its last epoch)"),
                       "judged over the phase's last epoch, not its last (half-epoch) interval, where it rose 0.5 pt")
        XCTAssertEqual(RunHill.densePhaseBaseline([rising[1], rising[2]] + pruned, finished: true),
                       .notConverged("dense phase under an epoch"))
        XCTAssertEqual(RunHill.densePhaseBaseline(flat + pruned, finished: false).baseline,
                       HillBaseline(accuracy: 0.853, source: .densePhase(epochs: 2)))
        XCTAssertEqual(RunHill.densePhaseBaseline(rising, finished: true).baseline, HillBaseline(accuracy: 0.83, source: .denseRun(epochs: 2)),
                       "a run dense throughout is its own baseline once it has finished")
        XCTAssertEqual(RunHill.densePhaseBaseline(pruned, finished: true), RunHill.DensePhaseBaseline.none)
        XCTAssertEqual(HillBaseline(accuracy: 0.853, source: .densePhase(epochs: 2)).label, "dense 2ep")
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
