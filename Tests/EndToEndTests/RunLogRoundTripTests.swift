import Foundation
import Metrics
import RunLogs
import Training
import XCTest

/// What `prunetop run --jsonl` writes is `RunLogEvent`'s schema: each line decodes as its
/// event and is written again byte for byte, the readers find in it what the lines say,
/// and a log of a newer schema is refused by the commands with one clear message.
final class RunLogRoundTripTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = PrunetopProcess.temporaryPath("roundtrip")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// `event` written again, with its method statistics in the line's order (they read
    /// back sorted by name: a JSON object keeps no order).
    private func rewritten(_ event: RunLogEvent, like line: String) throws -> String {
        guard case var .evaluation(evaluation) = event, let stats = evaluation.methodStats,
              let written = line.components(separatedBy: "\"method_stats\":{").dropFirst().first?.prefix(while: { $0 != "}" })
        else { return RunLogEncoder.line(event) }
        func position(_ name: String) throws -> String.Index { try XCTUnwrap(written.range(of: "\"\(name)\":")).lowerBound }
        evaluation.methodStats = RunLogNumbers(try stats.entries.sorted { try position($0.name) < position($1.name) })
        return RunLogEncoder.line(.evaluation(evaluation))
    }

    func testTheRecordersLinesAreTheSchemasAndReadBack() throws {
        // Dense to step 11, pruned to 80% at once, evaluated every 5 steps, checkpointed every 10.
        let run = try PrunetopProcess.run(["run", "--data", "embedded", "--epochs", "2", "--method", "magnitude", "--sparsity", "0.8",
                                           "--schedule", "oneshot:11", "--eval-every", "5", "--checkpoint-every", "10",
                                           "--checkpoint-dir", path("ckpt"), "--jsonl", path("run.jsonl")])
        XCTAssertEqual(run.status, 0, run.standardError)
        let text = try String(contentsOfFile: path("run.jsonl"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix(#"{"event":"start","schema":2,"config":{"#), lines[0])

        var events: [RunLogEvent] = []
        for (index, line) in lines.enumerated() {
            XCTAssertTrue(line.hasPrefix("{\"event\":\""), "line \(index + 1) begins with its event")
            let event = try JSONDecoder().decode(RunLogEvent.self, from: Data(line.utf8))
            XCTAssertEqual(try rewritten(event, like: line), line, "line \(index + 1) written again")
            events.append(event)
        }
        XCTAssertTrue(Set(["start", "eval", "checkpoint", "done"]).isSubset(of: events.compactMap(\.name)), "\(events.map(\.name))")

        let evaluations = events.compactMap { if case let .evaluation(evaluation) = $0 { evaluation } else { nil } }
        let log = try RunLog(text: text, path: path("run.jsonl"))
        XCTAssertEqual(log.evaluations.map(\.step), evaluations.map(\.step))
        XCTAssertEqual(log.evaluations.map(\.phase), evaluations.map { $0.phase! })
        XCTAssertEqual(log.evaluations.map(\.testAccuracy), evaluations.map(\.testAccuracy))
        XCTAssertEqual(log.evaluations.first?.phase, .dense)
        XCTAssertEqual(log.evaluations.last?.phase, .fineTune)
        XCTAssertEqual(log.evaluations.last?.layers.map(\.name), evaluations.last?.layers?.map { $0.name! })
        XCTAssertEqual(log.outcome, "done")
        XCTAssertEqual(log.method, "magnitude")
        XCTAssertEqual(log.finalTarget, 0.8)

        let timeline = try ReplayTimeline(text: text, path: path("run.jsonl"))
        XCTAssertEqual(timeline.moments.count, events.filter { ["eval", "progress", "done"].contains($0.name) }.count)
        XCTAssertEqual(timeline.moments.filter { $0.frame != nil }.count, evaluations.count)
        XCTAssertEqual(timeline.network?.name, "lenet300")
        XCTAssertEqual(timeline.moments.last?.snapshot.state, .finished)
        XCTAssertEqual(timeline.moments.last?.snapshot.evaluations.map(\.phase), log.evaluations.map(\.phase))
    }

    func testTheCommandsRefuseALogOfANewerSchema() throws {
        try [#"{"event":"start","schema":3,"config":{"model":"lenet300"},"total_steps":10,"steps_per_epoch":5}"#,
             #"{"event":"eval","step":5,"epoch":1,"test_acc":0.5,"sparsity":0.5,"target":0.5,"phase":"pruning"}"#]
            .joined(separator: "\n").appending("\n").write(toFile: path("newer.jsonl"), atomically: true, encoding: .utf8)
        let message = "\(path("newer.jsonl")):1: written by a newer prunetop (schema 3); this one reads up to 2"
        for arguments in [["replay", path("newer.jsonl")], ["export", path("newer.jsonl"), "--csv", path("csv")]] {
            let result = try PrunetopProcess.run(arguments)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            XCTAssertTrue(result.standardError.contains(message), "\(arguments): expected «\(message)» in «\(result.standardError)»")
        }
    }
}
