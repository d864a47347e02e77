import Training
import TUI
import XCTest

final class RunHistoryTests: XCTestCase {
    private func snapshot(step: Int, evaluated: Bool, maskUpdate: Int?) -> TrainingSnapshot {
        var snapshot = TrainingSnapshot(
            recordedState: .running, model: "lenet300", dataset: "test", step: step, totalSteps: 1_000_000, stepsPerEpoch: 100,
            recentLoss: 1 / Double(step + 1), testAccuracy: evaluated ? 0.5 : nil, testLoss: nil, evaluationStep: evaluated ? step : nil,
            learningRate: 0.05, samplesPerSecond: 1, elapsedSeconds: Double(step), layers: [],
            sparsity: SparsitySnapshot(recordedMethod: "magnitude", target: 0.9, scheduledTarget: 0.5, measured: 0.5, phase: "pruning",
                                       lastUpdateStep: maskUpdate), message: nil)
        snapshot.sparsity.lastMaskChurn = maskUpdate == nil ? 0 : 10
        return snapshot
    }

    func testEverySeriesStaysBoundedAndKeepsItsEndsOnARunOfAnyLength() {
        var history = RunHistory()
        history.capacity = 100
        for step in 1...5_001 { history.record(snapshot(step: step, evaluated: true, maskUpdate: step)) }
        for series in [history.loss.map(\.step), history.accuracy.map(\.step), history.maskUpdates] {
            XCTAssertLessThanOrEqual(series.count, 100)
            XCTAssertGreaterThanOrEqual(series.count, 50)
            XCTAssertEqual(series, series.sorted(), "in step order")
            XCTAssertEqual(series.first, 1, "the start of the run stays")
        }
        XCTAssertEqual(history.loss.last?.step, 5_001, "the latest point stays")
    }

    func testRepeatedSnapshotsOfOneStepAddNothing() {
        var history = RunHistory()
        for _ in 0..<3 { history.record(snapshot(step: 7, evaluated: true, maskUpdate: 7)) }
        XCTAssertEqual(history.loss.count, 1)
        XCTAssertEqual(history.accuracy.count, 1)
        XCTAssertEqual(history.maskUpdates, [7])
    }
}
