import Metrics
@testable import TUI
import Training
import XCTest

final class PhaseNarrationTests: XCTestCase {
    private func snapshot(phase: TrainingPhase, measured: Double, target: Double = 0.98) -> TrainingSnapshot {
        TrainingSnapshot(recordedState: .paused, model: "lenet300", dataset: "d", step: 1_872, totalSteps: 4_680, stepsPerEpoch: 468,
                         recentLoss: 0.3, testAccuracy: 0.88, testLoss: nil, evaluationStep: 1_871, learningRate: 0.05,
                         samplesPerSecond: 1, elapsedSeconds: 1, layers: [],
                         sparsity: SparsitySnapshot(recordedMethod: "magnitude", target: target, scheduledTarget: measured,
                                                    measured: measured, phase: phase, lastUpdateStep: 1_872),
                         message: nil)
    }

    /// The keys come first (at 80 columns the rest may be cut), then what happened and
    /// what comes next, with the numbers of the run; each fits 160 columns whole.
    func testEachPauseSaysWhatHappenedAndWhatComesNext() {
        var hill = OccamsHill(baseline: HillBaseline(accuracy: 0.885, source: .densePhase(epochs: 4)))
        let stages = PhaseNarration.pause(PhaseChange(from: "dense", to: "pruning", step: 1_872),
                                          snapshot: snapshot(phase: "pruning", measured: 0.3), hill: hill)
        XCTAssertEqual(stages, "paused (space goes on): dense phase over at step 1,872, baseline 88.5%; magnitude cut to 30.0%; "
                       + "each stage adds a hollow point, then filled ones as it recovers")
        let oneShot = PhaseNarration.pause(PhaseChange(from: "dense", to: "fine-tune", step: 44),
                                           snapshot: snapshot(phase: "fine-tune", measured: 0.9), hill: OccamsHill())
        XCTAssertEqual(oneShot, "paused (space goes on): dense phase over at step 44; magnitude cut to 90.0% at once; "
                       + "fine-tuning at that sparsity follows: the hollow point fills", "no baseline yet: none is named")
        let end = PhaseNarration.pause(PhaseChange(from: "pruning", to: "fine-tune", step: 3_627),
                                       snapshot: snapshot(phase: "fine-tune", measured: 0.98), hill: hill)
        XCTAssertEqual(end, "paused (space goes on): pruning reached 98.0% at step 3,627; fine-tuning at that sparsity settles the hill's last points")
        hill.baseline = nil
        let round = PhaseNarration.pause(PhaseChange(from: "round 1/3", to: "round 2/3", step: 500),
                                         snapshot: snapshot(phase: "round 2/3", measured: 0.54), hill: hill)
        XCTAssertEqual(round, "paused (space goes on): phase round 1/3 → round 2/3 at step 500, sparsity 54.0%")
        for text in [stages, oneShot, end, round] { XCTAssertLessThanOrEqual(text.count, 160, text) }
    }

    func testTheOpeningNamesThePhaseAndTheKeys() {
        XCTAssertEqual(PhaseNarration.opening(snapshot(phase: "dense", measured: 0)),
                       "space pauses, < > pace, ? help · dense phase: the full network trains to the hill's baseline, then magnitude prunes to 0.98")
        XCTAssertEqual(PhaseNarration.opening(snapshot(phase: "sparse", measured: 0.9, target: 0.9)),
                       "space pauses, < > pace, ? help · magnitude to 0.90 sparsity")
        XCTAssertEqual(PhaseNarration.toggled(paused: true, snapshot: snapshot(phase: "pruning", measured: 0.3)),
                       "paused at step 1,872 · space goes on, s steps one")
        XCTAssertEqual(PhaseNarration.toggled(paused: false, snapshot: snapshot(phase: "pruning", measured: 0.3)),
                       "pruning · space pauses, < > pace, ? help")
    }
}
