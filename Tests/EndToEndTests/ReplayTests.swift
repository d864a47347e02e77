import DashboardModel
import Foundation
import Metrics
import RunLogs
import TUI
import Training
import XCTest

/// A run recorded by the real binary, played back: the timeline has every evaluation with
/// its panels, the replay source steps, pauses and changes speed, and the dashboard draws
/// the recorded run's panels from it.
final class ReplayTests: XCTestCase {
    func testARecordedRunDrivesTheDashboardsState() throws {
        let log = PrunetopProcess.temporaryPath("replay.jsonl")
        let result = try PrunetopProcess.run(["run", "--data", "embedded", "--epochs", "3", "--batch", "64", "--method", "magnitude",
                                              "--sparsity", "0.9", "--schedule", "oneshot:22", "--eval-every", "11", "--jsonl", log])
        XCTAssertEqual(result.status, 0, result.standardError)
        let timeline = try ReplayTimeline(path: log)
        XCTAssertEqual(timeline.model, "lenet300")
        let evaluations = timeline.moments.filter { $0.frame != nil }
        XCTAssertEqual(evaluations.map(\.snapshot.step), [11, 21, 22, 33, 44, 55, 66], "21: the dense phase's end, before the prune")
        XCTAssertEqual(evaluations.first?.snapshot.sparsity.measured, 0)
        XCTAssertEqual(try XCTUnwrap(evaluations.last?.snapshot.sparsity.measured), 0.9, accuracy: 0.001)
        let lastFrame = try XCTUnwrap(evaluations.last?.frame)
        XCTAssertEqual(lastFrame.heatmaps.keys.sorted(), ["fc1.weight", "fc2.weight", "fc3.weight"])
        XCTAssertEqual(lastFrame.heatmaps["fc1.weight"]?.rows, RecordedFrame.heatmapRows)
        XCTAssertEqual(lastFrame.histograms["fc1.weight"]?.total.reduce(0, +), 235_200)
        XCTAssertEqual(lastFrame.inputMap?.rows, 28)
        XCTAssertEqual(timeline.moments.last?.snapshot.state, .finished)
        XCTAssertEqual(timeline.moments.map(\.seconds), timeline.moments.map(\.seconds).sorted(), "in recorded order")
        // The prune at step 22 changed 90% of the masks: the replay knows it (the Loss panel's
        // tick, the NETWORK rows), as it knows the method's statistics.
        let afterPrune = try XCTUnwrap(evaluations.first { $0.snapshot.step == 22 }?.snapshot)
        XCTAssertEqual(afterPrune.sparsity.lastUpdateStep, 22)
        XCTAssertEqual(Double(afterPrune.sparsity.lastMaskChurn), 0.9 * 266_200, accuracy: 0.001 * 266_200)
        var ticks = RunHistory()
        for moment in timeline.moments { ticks.record(moment.snapshot) }
        XCTAssertEqual(ticks.maskUpdates, [22], "one tick where the masks changed")

        let replay = ReplaySource(timeline: timeline, speed: 1)
        replay.start()
        replay.stepToNextMoment()
        XCTAssertTrue(replay.isPaused)
        XCTAssertEqual(replay.latestSnapshot?.state, .paused)
        var stepped: [Int] = []
        while !replay.isAtEnd {
            replay.stepToNextMoment()
            stepped.append(try XCTUnwrap(replay.latestSnapshot?.step))
        }
        XCTAssertEqual(stepped, stepped.sorted(), "steps move forward")
        XCTAssertEqual(stepped.last, 66)
        XCTAssertEqual(replay.latestSnapshot?.state, .finished)
        replay.changeSpeed(by: 1)
        XCTAssertEqual(replay.speed, 2)
        XCTAssertTrue(replay.latestSnapshot?.message?.hasPrefix("replay 2x paused") == true)

        // The panels of the last evaluation, drawn as the dashboard draws them.
        let snapshot = try XCTUnwrap(replay.latestSnapshot)
        let frame = try XCTUnwrap(replay.recordedFrame(for: snapshot))
        let network = try XCTUnwrap(timeline.network, "the start event describes the network")
        XCTAssertEqual(network, try ModelCatalog.make("lenet300", inputShape: timeline.imageShape, classCount: timeline.classCount, seed: 0).description)
        var hillState = DashboardFrameContext(network: network)
        var history = RunHistory()
        for moment in timeline.moments {
            history.record(moment.snapshot)
            hillState.takeEvaluations(moment.snapshot)
        }
        XCTAssertEqual(hillState.hill.points.map(\.step), [21, 22, 33, 44, 55, 66],
                       "one hill point per evaluation, but for the dense network still training at step 11")
        var screen = Screen(width: 120, height: 40)
        DashboardView.draw(DashboardModel(snapshot: snapshot, frame: frame.dashboardFrame, hill: hillState.hill, history: history,
                                          state: DashboardViewState()),
                           into: &screen, theme: .fallback, glyphs: .unicode)
        let text = screen.lines.joined(separator: "\n")
        for expected in ["FINISHED", "fc1.weight 300×784  ", "sparsity 0.900 of 0.900", "10.0x", "ESTIMATE"] {
            XCTAssertTrue(text.contains(expected), "\(expected) missing; header: \(screen.lines.first ?? "")")
        }
    }

    func testALogWithoutRecordedMomentsIsRefused() throws {
        let path = PrunetopProcess.temporaryPath("empty.jsonl")
        try "{\"event\":\"start\",\"total_steps\":10,\"steps_per_epoch\":5}\nnot json\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ReplayTimeline(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path):2: expected one JSON object per line")
        }
    }
}
