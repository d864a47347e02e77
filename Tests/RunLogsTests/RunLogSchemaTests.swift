import Foundation
@testable import Metrics
@testable import RunLogs
import Training
import XCTest

/// The one schema of run logs and sweep tables (`RunLogEvent`): what `RunLogEncoder` writes
/// reads back as the same events, lines read as they always did, and a log of a newer
/// schema is refused by every reader with one clear message.
final class RunLogSchemaTests: XCTestCase {
    private func decode(_ line: String) throws -> RunLogEvent {
        try JSONDecoder().decode(RunLogEvent.self, from: Data(line.utf8))
    }

    private func fixtureLines(_ name: String) throws -> [String] {
        try String(contentsOfFile: RunLogOldFormatTests.fixture(name), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// Every line of the schema-1 logs, decoded and written again, is the line prunetop
    /// wrote (its keys, their order and its numbers): the schema is the old writer's.
    func testOldLinesWrittenAgainAreTheSameBytes() throws {
        for name in ["schema1-lottery.jsonl", "schema1-diverged.jsonl"] {
            for (index, line) in try fixtureLines(name).enumerated() {
                let event = try decode(line)
                // The method's statistics read back in no particular order (a JSON object has none).
                if case var .evaluation(evaluation) = event, let stats = evaluation.methodStats {
                    let written = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                    let order = try XCTUnwrap(written["method_stats"] as? [String: Any]).keys
                    let inFileOrder = line.components(separatedBy: "\"method_stats\":{")[1].prefix { $0 != "}" }
                    let names = order.sorted { inFileOrder.range(of: "\"\($0)\"")!.lowerBound < inFileOrder.range(of: "\"\($1)\"")!.lowerBound }
                    evaluation.methodStats = RunLogNumbers(names.map { ($0, stats[$0]!) })
                    XCTAssertEqual(RunLogEncoder.line(.evaluation(evaluation)), line, "\(name):\(index + 1)")
                } else {
                    XCTAssertEqual(RunLogEncoder.line(event), line, "\(name):\(index + 1)")
                }
                XCTAssertEqual(try decode(RunLogEncoder.line(event)), event, "\(name):\(index + 1)")
            }
        }
    }

    func testTheStartEventCarriesTheSchemaSecond() throws {
        let line = RunLogEncoder.line(.start(RunStartEvent(totalSteps: 10)))
        XCTAssertTrue(line.hasPrefix(#"{"event":"start","schema":2,"config":null,"#), line)
        XCTAssertFalse(line.contains("recipe"), "a run of flags only has no recipe: the key is left out, as before")
        guard case let .start(start) = try decode(line) else { return XCTFail("not a start") }
        XCTAssertEqual(start.schemaVersion, 2)
        guard case let .start(old) = try decode(#"{"event":"start","total_steps":10}"#) else { return XCTFail("not a start") }
        XCTAssertNil(old.schema)
        XCTAssertEqual(old.schemaVersion, 1, "a log without the field is schema 1")
    }

    /// Absent values are null, as the hand-built writer wrote them, and so is a number that
    /// is not finite (a diverged run's loss); a schedule's settings appear for its kind only.
    func testAbsentAndNotFiniteValuesAreNull() throws {
        var progress = RunProgressEvent(step: 4)
        progress.loss = .nan
        progress.lr = .infinity
        progress.phase = .round(2, of: 5)
        XCTAssertEqual(RunLogEncoder.line(.progress(progress)),
                       #"{"event":"progress","step":4,"state":null,"loss":null,"lr":null,"samples_per_s":null,"method":null,"phase":"round 2/5","#
                           + #""target":null,"sparsity":null,"compression":null,"mask_churn":null,"last_update_step":null,"message":null,"seconds":null}"#)
        let config = RunStartEvent.Config(lrSchedule: RunStartEvent.LearningRateSchedule(name: "constant", warmupSteps: 0),
                                          optimizer: RunStartEvent.Optimizer(name: "sgd", momentum: 0.9, nesterov: true, weightDecay: 0.0005))
        let line = RunLogEncoder.line(.start(RunStartEvent(config: config)))
        XCTAssertTrue(line.contains(#""lr_schedule":{"name":"constant","warmup_steps":0},"optimizer":{"name":"sgd","momentum":0.9,"nesterov":true,"weight_decay":0.0005}"#), line)
        var end = RunEndEvent(.diverged, step: 3)
        end.message = "a \"quoted\"\nline"
        XCTAssertTrue(RunLogEncoder.line(.end(end)).hasPrefix(#"{"event":"diverged","step":3,"epoch":null,"#))
        XCTAssertEqual(try decode(RunLogEncoder.line(.end(end))), .end(end))
    }

    func testEveryEventKindRoundTrips() throws {
        var evaluation = RunEvaluationEvent(step: 20)
        (evaluation.epoch, evaluation.testAccuracy, evaluation.phase, evaluation.sparsity) = (2, 0.875, .fineTune, 0.9)
        evaluation.layers = [RunEvaluationEvent.Layer(name: "fc1.weight", shape: [3, 4], params: 12, nonzero: 1, target: 0.9,
                                                      histogram: RunEvaluationEvent.Histogram(lower: -0.5, upper: 0.5, kept: [1, 0], pruned: [5, 6]))]
        evaluation.methodStats = RunLogNumbers([("updates", 3)])
        let events: [RunLogEvent] = [
            .start(RunStartEvent(config: RunStartEvent.Config(model: "lenet300", seed: "7",
                                                              sparsity: RunStartEvent.Sparsity(method: "magnitude", target: 0.9,
                                                                                               options: RunLogNumbers([("alpha", 0.5)]))),
                                 dataset: RunStartEvent.Dataset(name: "d", channels: 3, rows: 32, columns: 32, classes: 100),
                                 stepsPerEpoch: 10, totalSteps: 20,
                                 recipe: RunStartEvent.Recipe(path: nil, bytes: 12, crc32: "0x0badcafe", overrides: ["epochs=2"]),
                                 resumedFrom: RunStartEvent.ResumedFrom(checkpoint: "c.ckpt", step: 4))),
            .evaluation(evaluation),
            .progress(RunProgressEvent(step: 21)),
            .end(RunEndEvent(.stopped, step: 22)),
            .command(RunCommandEvent(step: 22, message: "target 0.95")),
            .checkpoint(RunCheckpointEvent(step: 22, path: "runs/c.ckpt")),
            .checkpointFailed(RunCheckpointFailedEvent(step: 22, path: "/full/c.ckpt", reason: "disk full")),
            .sweepPoint(SweepPointEvent(target: 0.5, sparsity: 0.5, accuracyAfterFineTuning: 0.9, region: "B", knee: true, log: "a.jsonl")),
            .sweepCell(SweepCellEvent(settings: [SweepSetting(key: "method", value: "rigl")], target: 0.5, count: 3, sparsityMean: 0.5,
                                      sparsityStd: 0.001, accuracyAfterPruningMean: nil, accuracyAfterPruningStd: nil,
                                      accuracyAfterFineTuningMean: 0.9, accuracyAfterFineTuningStd: 0.01, region: "B", knee: true)),
            .sweepSummary(SweepSummaryEvent(denseBaseline: 0.9, knee: 0.5)),
        ]
        for event in events {
            let line = RunLogEncoder.line(event)
            XCTAssertTrue(line.hasPrefix("{\"event\":\"\(event.name!)\""), line)
            XCTAssertEqual(try decode(line), event, line)
        }
        XCTAssertTrue(RunLogEncoder.line(events[0]).contains(#""recipe":{"path":null,"bytes":12,"crc32":"0x0badcafe","overrides":["epochs=2"]},"resumed_from":{"checkpoint":"c.ckpt","step":4}}"#))
    }

    /// Events this build does not know, and lines without one, are skipped by every reader.
    func testUnknownEventsAreSkipped() throws {
        for line in [#"{"event":"future","x":[1,2]}"#, #"{"note":"no event"}"#, #"{"event":7}"#] {
            guard case .unknown = try decode(line) else { return XCTFail(line) }
        }
        let text = [#"{"event":"start","dataset":{"rows":28,"columns":28},"total_steps":10,"steps_per_epoch":5}"#,
                    #"{"event":"future","step":"soon"}"#,
                    #"{"event":"eval","step":5,"epoch":1,"sparsity":0.5,"target":0.5,"phase":"rewind","test_acc":0.5}"#].joined(separator: "\n")
        let log = try RunLog(text: text, path: "r.jsonl")
        XCTAssertEqual(log.evaluations.map(\.phase), [.other("rewind")], "a phase this build does not know is kept as written")
        XCTAssertEqual(RunExport.evaluationsCSV(log).split(separator: "\n").last?.split(separator: ",")[2], "rewind")
        XCTAssertEqual(try ReplayTimeline(text: text, path: "r.jsonl").moments.count, 1)
    }

    // MARK: - Versions

    private let schema1Body = [
        #"{"event":"eval","step":5,"epoch":1,"test_acc":0.5,"sparsity":0.5,"target":0.5,"phase":"round 1/2","method_stats":{"round":0}}"#,
        #"{"event":"done","step":10,"test_acc":0.6,"sparsity":0.5,"phase":"ticket"}"#,
    ]

    private func log(schema: String) -> String {
        ([#"{"event":"start","# + schema + #""config":{"model":"lenet300","sparsity":{"method":"lottery","target":0.5}},"dataset":{"rows":28,"columns":28},"total_steps":10,"steps_per_epoch":5}"#]
            + schema1Body).joined(separator: "\n") + "\n"
    }

    func testSchemaOneAndTwoReadAlike() throws {
        let (old, new) = (log(schema: ""), log(schema: #""schema":2,"#))
        for text in [old, new] {
            let log = try RunLog(text: text, path: "r.jsonl")
            XCTAssertEqual(log.method, "lottery")
            XCTAssertEqual(log.evaluations.map(\.step), [5])
            XCTAssertEqual(log.evaluations.map(\.phase), [.round(1, of: 2)])
            XCTAssertEqual(log.result, RunLog.Result(hillAccuracy: 0.6, sparsity: 0.5, fromLastEvaluation: false))
        }
        let (oldReplay, newReplay) = (try ReplayTimeline(text: old, path: "r.jsonl"), try ReplayTimeline(text: new, path: "r.jsonl"))
        XCTAssertEqual(oldReplay.moments.map(\.snapshot.sparsity.phase), [.round(1, of: 2), .ticket])
        XCTAssertEqual(newReplay.moments.map(\.snapshot.sparsity.phase), [.round(1, of: 2), .ticket])
        XCTAssertEqual(newReplay.moments.last?.snapshot.evaluations, oldReplay.moments.last?.snapshot.evaluations)
    }

    /// A log from a newer prunetop is refused at its start line, by every reader, before
    /// any of its other fields (which that schema may have changed) is read.
    func testANewerSchemaIsRefusedByEveryReader() throws {
        let text = log(schema: #""schema":3,"#).replacingOccurrences(of: #""total_steps":10"#, with: #""total_steps":"ten""#)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("newer-\(UUID().uuidString).jsonl").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let message = "\(path):1: written by a newer prunetop (schema 3); this one reads up to 2"
        let readers: [(String, () throws -> Any)] = [
            ("RunLog", { try RunLog(path: path) }), ("ReplayTimeline", { try ReplayTimeline(path: path) }),
            ("SweepTable", { try SweepTable(jsonLines: text, path: path) as Any }), ("RunExport", { try RunExport.read(path: path) }),
            ("HillOverlay", { try HillOverlay(file: path) }),
        ]
        for (name, read) in readers {
            XCTAssertThrowsError(try read(), name) { XCTAssertEqual("\($0)", message, name) }
        }
    }

    func testASchemaOutOfRangeOrOfTheWrongTypeIsNamed() {
        for (schema, problem) in [("0", "schema: expected an integer from 1 to 2, found 0"), ("-1", "schema: expected an integer from 1 to 2, found -1"),
                                  (#""2""#, "schema: expected an integer"),
                                  ("2.5", "a number does not fit its key (a fraction where an integer belongs, or out of range)")] {
            XCTAssertThrowsError(try RunLog(text: log(schema: #""schema":"# + schema + ","), path: "r.jsonl"), schema) {
                XCTAssertTrue("\($0)".hasPrefix("r.jsonl:1: \(problem)"), "\($0)")
            }
        }
    }

    // MARK: - Errors

    /// A value of the wrong type is an error at its line, naming the key (with its place in
    /// lists and nested objects) and what was expected.
    func testTypeErrorsNameTheLineAndTheKey() throws {
        let start = #"{"event":"start","total_steps":10,"steps_per_epoch":5}"#
        let cases: [(String, String)] = [
            (#"{"event":"eval","step":"ten","epoch":1,"sparsity":0,"target":0}"#, "step: expected an integer"),
            (#"{"event":"eval","epoch":1,"sparsity":0,"target":0}"#, "step: missing"),
            (#"{"event":"eval","step":1,"epoch":1,"sparsity":0,"target":0,"test_acc":"high"}"#, "test_acc: expected a number"),
            (#"{"event":"eval","step":1,"epoch":1,"sparsity":0,"target":0,"layers":[{"shape":[3,"x"]}]}"#, "layers[0].shape[1]: expected an integer"),
            (#"{"event":"eval","step":1,"epoch":1,"sparsity":0,"target":0,"layers":{}}"#, "layers: expected a list"),
            (#"{"event":"eval","step":1,"epoch":1,"sparsity":0,"target":0,"phase":2}"#, "phase: expected a string"),
            (#"{"event":"progress","step":null}"#, "step: expected an integer, found null"),
            (#"{"event":"start","config":{"sparsity":{"method":["magnitude"]}}}"#, "config.sparsity.method: expected a string"),
            (#"{"event":"start","config":"lenet300"}"#, "config: expected an object"),
            (#"{"event":"eval","step":1,"epoch":1,"sparsity":0,"target":0,"frame":{"heatmaps":{}}}"#, "frame.histograms: missing"),
            (#"{"event":"done","step":1,"test_acc":0.5,"sparsity":2}"#, "sparsity: expected a number in [0, 1], found 2.0"),
            (#"{"event":"eval","step":1,"sparsity":0,"target":0}"#, "epoch: expected a number"),
            ("[1,2]", "expected one JSON object per line"),
        ]
        for (line, problem) in cases {
            XCTAssertThrowsError(try RunLog(text: start + "\n" + line + "\n", path: "r.jsonl"), line) {
                XCTAssertEqual("\($0)", "r.jsonl:2: \(problem)", line)
            }
        }
    }

    // MARK: - Sweep tables

    /// A sweep table written by the hand-built writer reads and is written again with its
    /// lines byte for byte, and a `sweep_cell` line per cell (one run each) before the summary
    /// (regions, knee and slack are recomputed from the points: the dense point has 0% loss).
    func testASweepTableWritesAsBefore() throws {
        let text = """
            {"event":"sweep_point","target":0,"sparsity":0,"accuracy_after_pruning":null,"accuracy_after_fine_tuning":0.8875,"dense_baseline":0.8875,"region":"B","knee":false,"log":"sparsity-0.0000.jsonl"}
            {"event":"sweep_point","target":0.9,"sparsity":0.900003,"accuracy_after_pruning":0.123457,"accuracy_after_fine_tuning":0.8861,"dense_baseline":0.8875,"region":"B","knee":true,"log":"a \\"quoted\\" name.jsonl"}
            {"event":"sweep_summary","dense_baseline":0.8875,"knee":0.900003,"parameter_slack_0":0,"parameter_slack_1pct":0.900003,"parameter_slack_5pct":0.900003}

            """
        let table = try XCTUnwrap(try SweepTable(jsonLines: text, path: "sweep.jsonl"))
        XCTAssertEqual(table.rows.map(\.log), ["sparsity-0.0000.jsonl", #"a "quoted" name.jsonl"#])
        var written = table.jsonLines.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(written.count, 6)
        XCTAssertEqual(written[2], #"{"event":"sweep_cell","target":0,"count":1,"sparsity_mean":0,"sparsity_std":null,"#
                       + #""accuracy_after_pruning_mean":null,"accuracy_after_pruning_std":null,"accuracy_after_fine_tuning_mean":0.8875,"#
                       + #""accuracy_after_fine_tuning_std":null,"region":"B","knee":false}"#)
        XCTAssertTrue(written[3].hasPrefix(#"{"event":"sweep_cell","target":0.9,"count":1,"#), written[3])
        written.removeSubrange(2...3)
        XCTAssertEqual(written.joined(separator: "\n"), text)
    }
}
