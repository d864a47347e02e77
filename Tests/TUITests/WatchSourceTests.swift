import Foundation
import RunLogs
import TUI
import Training
import XCTest

/// The dashboard's source for a log another process writes, on hand-written lines: its
/// latest moment, a log gone quiet, a run that ended, and commands through the command file.
final class WatchSourceTests: XCTestCase {
    private var directory = ""
    private var log: String { directory + "/run.jsonl" }
    private var commands: String { log + ".commands" }
    private var clock = Date(timeIntervalSince1970: 1_000_000)

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    private func append(_ path: String, _ text: String) throws {
        if !FileManager.default.fileExists(atPath: path) { XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil)) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    private func start(knobs: String = #"["pause","target","lr"]"#) -> String {
        #"{"event":"start","schema":2,"config":{"model":"small-cnn","lr":0.1,"sparsity":{"method":"magnitude","target":0.5}},"#
            + #""dataset":{"name":"fashion-mnist","rows":28,"columns":28,"classes":10},"steps_per_epoch":100,"total_steps":300,"#
            + #""steering":{"commands":"run.jsonl.commands","knobs":\#(knobs)}}"# + "\n"
    }

    private func source() -> WatchSource { WatchSource(path: log, staleAfter: 30, now: { [unowned self] in clock }) }

    func testALogThatStopsGrowingSaysSoAndAnEndedRunSaysItEnded() throws {
        let watch = source()
        XCTAssertNil(watch.latestSnapshot, "no file yet")
        try append(log, start() + #"{"event":"progress","step":7,"state":"running","loss":2.0,"lr":0.1,"message":"pruning"}"# + "\n")
        XCTAssertEqual(watch.latestSnapshot?.step, 7)
        XCTAssertEqual(watch.latestSnapshot?.message, "pruning")
        clock += 31
        XCTAssertEqual(watch.latestSnapshot?.message,
                       "no new events for 31 s: the writer may have stopped (watching \(log))")
        try append(log, #"{"event":"done","step":300,"test_acc":0.81}"# + "\n")
        let ended = try XCTUnwrap(watch.latestSnapshot)
        XCTAssertEqual(ended.state, .finished)
        XCTAssertEqual(ended.testAccuracy, 0.81)
        XCTAssertEqual(ended.message, "the run ended at step 300; watching \(log) for a restart; q quits")
    }

    func testABadLineIsNamedAndSkippedAndAHalfWrittenOneWaits() throws {
        let watch = source()
        try append(log, start() + #"{"event":"progress","step":"x"}"# + "\n" + #"{"event":"progress","st"#)
        let snapshot = watch.latestSnapshot
        XCTAssertNil(snapshot, "nothing to show yet")
        try append(log, #"ep":9,"state":"running","loss":1.0}"# + "\n")
        XCTAssertEqual(watch.latestSnapshot?.step, 9)
        try append(log, "not json\n")
        XCTAssertEqual(watch.latestSnapshot?.message, "\(log):4: expected one JSON object per line; the line is skipped")
    }

    func testCommandsGoToTheCommandFileAndTheirAcknowledgementsComeFromTheLog() throws {
        let watch = source()
        try append(log, start(knobs: #"["pause","target"]"#) + #"{"event":"progress","step":1,"state":"running"}"# + "\n")
        try append(commands, #"{"id":41,"command":"pause"}"# + "\n")  // an earlier dashboard's
        _ = watch.latestSnapshot
        XCTAssertEqual(watch.unavailableKnobs, Set(Knob.allCases).subtracting([.target]))
        let id = watch.send(.setTargetSparsity(0.8))
        XCTAssertEqual(id.rawValue, 42, "ids go on after the command file's")
        XCTAssertEqual(try String(contentsOfFile: commands, encoding: .utf8).split(separator: "\n").last,
                       #"{"id":42,"command":"set_target","value":0.8}"#)
        XCTAssertNil(watch.awaitAcknowledgement(of: id, timeout: 0.01))
        try append(log, #"{"event":"command","step":2,"message":"target sparsity 0.50 → 0.80 at step 2","id":42,"outcome":"applied","target":0.8}"#
                   + "\n")
        _ = watch.latestSnapshot
        XCTAssertEqual(watch.takeAcknowledgements(),
                       [CommandAcknowledgement(id: id, outcome: .applied, message: "target sparsity 0.50 → 0.80 at step 2")],
                       "acknowledged after the dashboard stopped waiting")
        XCTAssertNotNil(watch.commandLatency)
        // Knobs the log does not list are refused at once, and nothing is written.
        let before = try String(contentsOfFile: commands, encoding: .utf8)
        let lr = watch.send(.setLearningRate(0.01))
        XCTAssertEqual(watch.awaitAcknowledgement(of: lr, timeout: 0)?.message,
                       "refused: the watched run does not take the learning rate (it takes pause, target sparsity)")
        let step = watch.send(.step(count: 1))
        XCTAssertEqual(watch.awaitAcknowledgement(of: step, timeout: 0)?.outcome, .refused)
        XCTAssertEqual(try String(contentsOfFile: commands, encoding: .utf8), before)
    }

    func testAStartLineThatCannotBeReadIsTheProblemWatchStopsOn() throws {
        let watch = source()
        try append(log, start().replacingOccurrences(of: #""rows":28"#, with: #""rows":0"#))
        XCTAssertNil(watch.latestSnapshot)
        XCTAssertFalse(watch.timelineSoFar.hasStart)
        XCTAssertEqual(watch.problem, "\(log):1: dataset: expected images of 1 to 262144 pixels and 1 to 256 classes, found 0x28 and "
                       + "10 classes; the line is skipped")
    }

    func testACommandFileOutsideTheLogsDirectoryIsRefused() throws {
        let watch = source()
        try append(log, start().replacingOccurrences(of: "run.jsonl.commands", with: "../elsewhere")
                   + #"{"event":"progress","step":1}"# + "\n")
        _ = watch.latestSnapshot
        let id = watch.send(.pause)
        XCTAssertEqual(watch.awaitAcknowledgement(of: id, timeout: 0)?.message,
                       "\(log): steering.commands: expected a file name beside the log, found '../elsewhere'")
    }

    func testAWriterThatStartsAgainStartsTheRunOver() throws {
        let watch = source()
        try append(log, start() + #"{"event":"progress","step":50,"state":"running","loss":1.0}"# + "\n")
        XCTAssertEqual(watch.latestSnapshot?.step, 50)
        try append(log, start() + #"{"event":"progress","step":2,"state":"running","loss":2.0}"# + "\n")
        XCTAssertEqual(watch.latestSnapshot?.step, 2)
        XCTAssertEqual(watch.restarts, 1)
        try Data((start() + #"{"event":"progress","step":1}"# + "\n").utf8).write(to: URL(fileURLWithPath: log))
        XCTAssertEqual(watch.latestSnapshot?.step, 1)
        XCTAssertEqual(watch.restarts, 2, "a truncated and rewritten log is a restart too")
    }
}
