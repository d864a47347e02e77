import Foundation
import RunLogs
import XCTest

/// Following a log as another process writes it: whole lines only, a restart when the file
/// shrinks or is replaced, and a timeline that starts over at a second start event.
final class RunLogFollowerTests: XCTestCase {
    private var path = ""

    override func setUp() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("follower-\(UUID().uuidString).jsonl").path
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: path) }

    private func append(_ text: String) throws {
        if !FileManager.default.fileExists(atPath: path) { XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil)) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    func testAHalfWrittenLineWaitsForItsLineBreak() throws {
        let follower = RunLogFollower(path: path)
        XCTAssertEqual(try follower.read(), RunLogFollower.Batch(), "no file yet: nothing, no error")
        try append("{\"a\":1}\n{\"b\":")
        var batch = try follower.read()
        XCTAssertEqual(batch.lines.map(\.text), ["{\"a\":1}"])
        XCTAssertTrue(batch.grew)
        batch = try follower.read()
        XCTAssertEqual(batch, RunLogFollower.Batch(), "nothing new: the half line stays pending")
        try append("2}\n\n{\"c\":3}\n")
        batch = try follower.read()
        XCTAssertEqual(batch.lines.map(\.text), ["{\"b\":2}", "{\"c\":3}"])
        XCTAssertEqual(batch.lines.map(\.number), [2, 4], "numbered as the file's lines, the empty one counted")
    }

    func testATruncatedOrReplacedFileIsReadAgainFromItsStart() throws {
        let follower = RunLogFollower(path: path)
        try append("{\"a\":1}\n{\"b\":2}\n")
        XCTAssertEqual(try follower.read().lines.count, 2)
        try Data("{\"x\":1}\n".utf8).write(to: URL(fileURLWithPath: path))  // shorter: truncated and rewritten
        var batch = try follower.read()
        XCTAssertTrue(batch.restarted)
        XCTAssertEqual(batch.lines.map(\.text), ["{\"x\":1}"])
        XCTAssertEqual(batch.lines.first?.number, 1)
        try FileManager.default.removeItem(atPath: path)
        try append("{\"y\":1}\n{\"z\":2}\n")  // a new file (another inode) at the path
        batch = try follower.read()
        XCTAssertTrue(batch.restarted)
        XCTAssertEqual(batch.lines.map(\.text), ["{\"y\":1}", "{\"z\":2}"])
    }

    private let start = #"{"event":"start","schema":2,"config":{"model":"m","sparsity":{"method":"magnitude","target":0.5}},"#
        + #""dataset":{"name":"d","rows":2,"columns":2,"classes":10},"steps_per_epoch":10,"total_steps":100,"#
        + #""steering":{"commands":"run.jsonl.commands","knobs":["pause","target","lr"]}}"#

    func testATimelineTakesLinesOneByOneAndStartsOverAtASecondStart() throws {
        var timeline = ReplayTimeline()
        try timeline.take(line: Substring(start), number: 1, path: "run.jsonl")
        XCTAssertEqual(timeline.steering, RunSteering(commands: "run.jsonl.commands", knobs: [.pause, .target, .lr]))
        try timeline.take(line: #"{"event":"progress","step":5,"state":"paused","loss":1.5,"lr":0.1,"target":0.1,"sparsity":0.1}"#,
                          number: 2, path: "run.jsonl")
        XCTAssertEqual(timeline.latestSnapshot?.state, .paused)
        XCTAssertEqual(timeline.latestSnapshot?.sparsity.target, 0.5)
        let (event, startedOver) = try timeline.take(
            line: #"{"event":"command","step":5,"message":"target sparsity 0.50 → 0.80 at step 5","id":3,"outcome":"applied","target":0.8}"#,
            number: 3, path: "run.jsonl")
        XCTAssertEqual(event, .command(RunCommandEvent(step: 5, message: "target sparsity 0.50 → 0.80 at step 5", id: 3, outcome: .applied,
                                                       target: 0.8)))
        XCTAssertFalse(startedOver)
        try timeline.take(line: #"{"event":"progress","step":6,"state":"running","loss":1.4}"#, number: 4, path: "run.jsonl")
        XCTAssertEqual(timeline.latestSnapshot?.sparsity.target, 0.8, "the knob shows the target the run acknowledged")
        XCTAssertThrowsError(try timeline.take(line: #"{"event":"progress","step":-1}"#, number: 5, path: "run.jsonl")) { error in
            XCTAssertEqual("\(error)", "run.jsonl:5: step: expected an integer >= 0, found -1")
        }
        XCTAssertEqual(timeline.latestSnapshot?.step, 6, "a refused line changes nothing")
        let restarted = try timeline.take(line: Substring(start), number: 6, path: "run.jsonl")
        XCTAssertTrue(restarted.startedOver)
        XCTAssertNil(timeline.latestSnapshot, "the new run has no moment yet")
    }
}
