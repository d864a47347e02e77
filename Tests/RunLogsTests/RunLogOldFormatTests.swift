import Foundation
@testable import Metrics
@testable import RunLogs
import Training
import XCTest

/// Logs written before the run log had a `schema` field (schema 1, Tests/Fixtures/runlogs):
/// every reader still takes them as it did.
final class RunLogOldFormatTests: XCTestCase {
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/runlogs/\(name)").path
    }

    private let lottery = fixture("schema1-lottery.jsonl")
    private let diverged = fixture("schema1-diverged.jsonl")

    func testTheRunLogReadsAnOldLotteryLog() throws {
        let log = try RunLog(path: lottery)
        XCTAssertEqual(log.method, "lottery")
        XCTAssertEqual(log.finalTarget, 0.9)
        XCTAssertEqual(log.totalSteps, 4400)
        XCTAssertEqual(log.recipe, RunLog.Recipe(path: "tiny-lottery.yaml", fingerprint: ContentFingerprint(crc32: 0xe5eb_de14, byteCount: 395),
                                                 overrides: []))
        XCTAssertEqual(log.evaluations.map(\.step), [1099, 1100, 2200, 3300, 4400])
        XCTAssertEqual(log.evaluations.map(\.phase), ["round 1/3", "round 2/3", "round 3/3", "ticket", "ticket"])
        XCTAssertEqual(log.evaluations.map(\.phase), [.round(1, of: 3), .round(2, of: 3), .round(3, of: 3), .ticket, .ticket])
        XCTAssertEqual(log.evaluations.map(\.epoch), [99.9090909090909, 100, 200, 300, 400])
        XCTAssertEqual(log.evaluations[1].target, 0.5358411166387221)
        XCTAssertEqual(log.evaluations[1].layers.map(\.name), ["fc1.weight", "fc2.weight"])
        XCTAssertEqual(log.evaluations[1].layers.map(\.shape), [[8, 784], [10, 8]])
        XCTAssertEqual(log.evaluations[1].layers.map { $0.histogram?.kept.count }, [5, 5])
        XCTAssertNil(log.incompleteLastLine)
        XCTAssertEqual(log.outcome, "done")
        // Read exactly (JSONSerialization, before the schema, read 0.9000314861460958).
        XCTAssertEqual(log.result, RunLog.Result(hillAccuracy: 0.7833333333333333, sparsity: 0.9000314861460957, fromLastEvaluation: false))
        // Lottery's first round is the dense network; the ticket settles once it stays at 90%.
        XCTAssertEqual(RunHill.points(log.hillEvaluations, runID: "r").map(\.phase),
                       [.dense, .afterPruning, .afterPruning, .afterPruning, .afterFineTuning])
    }

    func testAnOldLotteryLogReplays() throws {
        let timeline = try ReplayTimeline(path: lottery)
        XCTAssertEqual(timeline.model, "tiny")
        XCTAssertEqual(timeline.network?.name, "tiny")
        XCTAssertEqual(timeline.network?.layers.map(\.name), ["fc1", "relu1", "fc2"])
        XCTAssertEqual(timeline.imageShape, [1, 28, 28])
        XCTAssertEqual(timeline.classCount, 10)
        XCTAssertEqual(timeline.moments.map(\.snapshot.step), [1099, 1100, 1100, 2200, 2200, 3300, 3300, 4400, 4400])
        XCTAssertEqual(timeline.moments.map { $0.frame != nil }, [true, true, false, true, false, true, false, true, false])
        XCTAssertEqual(timeline.moments.map(\.snapshot.sparsity.phase.displayName),
                       ["round 1/3", "round 2/3", "round 2/3", "round 3/3", "round 3/3", "ticket", "ticket", "ticket", "ticket"])
        let last = try XCTUnwrap(timeline.moments.last?.snapshot)
        XCTAssertEqual(last.state, .finished)
        XCTAssertEqual(last.stepsPerEpoch, 11)
        XCTAssertEqual(last.sparsity.method, "lottery")
        XCTAssertEqual(last.testAccuracy, 0.7833333333333333)
        XCTAssertEqual(last.evaluations.map(\.phase), ["round 1/3", "round 2/3", "round 3/3", "ticket", "ticket"])
        XCTAssertEqual(last.sparsity.statistics.map(\.name), ["rewind step", "round", "rounds"])
        for moment in timeline.moments { XCTAssertNil(moment.frame?.consistencyProblem) }
    }

    func testAnOldLotteryLogExportsAndOverlays() throws {
        guard case let .run(log) = try RunExport.read(path: lottery) else { return XCTFail("read as a sweep") }
        let csv = RunExport.evaluationsCSV(log).split(separator: "\n")
        XCTAssertEqual(csv.first, "step,epoch,phase,target,sparsity,test_acc,test_loss,train_loss,lr")
        XCTAssertEqual(csv.dropFirst().map { $0.split(separator: ",")[2] }, ["round 1/3", "round 2/3", "round 3/3", "ticket", "ticket"])
        XCTAssertEqual(RunExport.layersCSV(log).split(separator: "\n").count, 1 + 5 * 2)
        let overlay = try HillOverlay(file: lottery)
        XCTAssertEqual(overlay.points.count, 5)
        XCTAssertEqual(overlay.warnings, [])
    }

    func testAnOldDivergedLogReadsAndReplays() throws {
        let log = try RunLog(path: diverged)
        XCTAssertEqual(log.outcome, "diverged")
        XCTAssertNil(log.result)
        XCTAssertEqual(log.unfinishedReason, "the run diverged")
        XCTAssertNil(log.recipe)
        XCTAssertEqual(log.evaluations.map(\.phase), [.dense])

        let timeline = try ReplayTimeline(path: diverged)
        XCTAssertEqual(timeline.moments.map(\.snapshot.state), [.running, .diverged, .diverged])
        XCTAssertEqual(timeline.moments.map(\.snapshot.sparsity.phase), [.dense, .pruning, .pruning])
        XCTAssertEqual(timeline.moments.last?.snapshot.message,
                       "training diverged at step 4: loss is -nan; lower the learning rate, then resume: it rolls back to step 2 "
                       + "(the last evaluation before the divergence)")
        XCTAssertEqual(timeline.moments[1].snapshot.recentLoss, 3.1669618349209745e+29)
        XCTAssertEqual(timeline.moments[1].snapshot.sparsity.lastMaskChurn, 104350)
    }
}
