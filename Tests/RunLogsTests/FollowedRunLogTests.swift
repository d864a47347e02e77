import Foundation
import RunLogs
import XCTest

/// A log followed whole as it grows (`prunetop compare` on runs still training): nothing
/// before the file exists, a line written in two parts read once whole, live until the end
/// event, only the latest recorded panels kept, a bad line named and skipped, a truncated
/// file read again from its start.
final class FollowedRunLogTests: XCTestCase {
    private var path = ""

    override func setUp() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("followed-\(UUID().uuidString).jsonl").path
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: path) }

    private func append(_ text: String) throws {
        if !FileManager.default.fileExists(atPath: path) { XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil)) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    /// start, two evaluations (each with a frame), done: one line each.
    private let lines: [String] = {
        let frame = #"{"heatmaps":{},"histograms":{},"histogramsShowDistance":false,"flops":{"layers":[],"dense":{"forward":6,"backwardInput":6,"backwardWeight":6},"sparse":{"forward":3,"backwardInput":3,"backwardWeight":3}},"cheapestStorage":{"format":"dense","bits":192,"compressionRatio":1},"acceleratorEstimate":{"forward":1,"backward":1,"training":1},"activationSparsity":0.5}"#
        let log = RunComparisonTests.log(method: "magnitude", evaluations: [(10, 0.80, 0.5), (20, 0.85, 0.9)],
                                         layers: [("fc1.weight", 100, 10), ("fc2.weight", 10, 5)])
        return log.split(separator: "\n").map { line in
            line.hasPrefix(#"{"event":"eval""#) ? String(line.dropLast()) + #","frame":\#(frame)}"# : String(line)
        }
    }()

    func testALogFollowedFromBeforeItExistsToItsEnd() throws {
        let log = FollowedRunLog(path: path)
        XCTAssertFalse(log.poll(), "no file yet: nothing changed")
        XCTAssertNil(log.comparedRun)
        XCTAssertNil(log.problem, "a log that does not exist yet is waited for, not an error")

        try append(lines[0] + "\n")
        XCTAssertTrue(log.poll())
        XCTAssertNil(log.comparedRun, "a start alone has no moment to compare")

        let evaluation = lines[1] + "\n"
        let middle = evaluation.utf8.count / 2
        try append(String(decoding: Array(evaluation.utf8)[..<middle], as: UTF8.self))
        XCTAssertFalse(log.poll(), "half a line is not read")
        XCTAssertNil(log.problem, "nor taken for a bad one")
        try append(String(decoding: Array(evaluation.utf8)[middle...], as: UTF8.self))
        XCTAssertTrue(log.poll())
        var run = try XCTUnwrap(log.comparedRun)
        XCTAssertEqual(run.name, (path as NSString).lastPathComponent)
        XCTAssertEqual(run.last.step, 10)
        XCTAssertEqual(run.evaluations.map(\.accuracy), [0.80])
        XCTAssertEqual(run.progress, "live")
        XCTAssertNotNil(run.lastFrame)

        try append(lines[2] + "\n" + lines[3] + "\n")
        XCTAssertTrue(log.poll())
        run = try XCTUnwrap(log.comparedRun)
        XCTAssertEqual(run.evaluations.map(\.accuracy), [0.80, 0.85])
        XCTAssertEqual(run.progress, "finished", "the done event ends it")
        XCTAssertEqual(log.timeline.moments.filter { $0.frame != nil }.map(\.snapshot.step), [20], "only the latest panels are kept")
        XCTAssertFalse(log.poll(), "nothing new")
    }

    func testABadLineIsNamedAndSkippedAndATruncatedLogStartsAgain() throws {
        try append(lines[0] + "\n" + lines[1] + "\n")
        let log = FollowedRunLog(path: path)
        log.poll()
        try append(#"{"event":"progress","step":-1}"# + "\n")
        XCTAssertTrue(log.poll())
        XCTAssertEqual(log.problem, "\(path):3: step: expected an integer >= 0, found -1; the line is skipped")
        XCTAssertEqual(log.comparedRun?.last.step, 10, "the bad line changed nothing")
        try append(#"{"event":"progress","step":12,"loss":0.5}"# + "\n")
        log.poll()
        XCTAssertNil(log.problem, "a later line reads")
        XCTAssertEqual(log.comparedRun?.last.step, 12)

        try Data((lines[0] + "\n").utf8).write(to: URL(fileURLWithPath: path))  // the writer started again
        XCTAssertTrue(log.poll())
        XCTAssertNil(log.comparedRun, "the new run has no moment yet")
        try append(lines[1] + "\n")
        log.poll()
        XCTAssertEqual(log.comparedRun?.last.step, 10)
        XCTAssertEqual(log.comparedRun?.evaluations.count, 1, "nothing of the first run is left")
    }

    /// A long run's log (20,000 progress lines, read in three polls) is followed whole, each line
    /// once: the reader hands its moments over after every line rather than growing a copy of
    /// itself (which made following a log quadratic in its length).
    func testALongLogIsReadWholeInSeveralPolls() throws {
        let log = FollowedRunLog(path: path)
        try append(lines[0] + "\n")
        let progress = (1...20_000).map { #"{"event":"progress","step":\#($0),"state":"running","loss":0.5}"# + "\n" }
        for chunk in [progress[..<5_000], progress[5_000..<12_345], progress[12_345...]] {
            try append(chunk.joined())
            XCTAssertTrue(log.poll())
            XCTAssertNil(log.problem)
        }
        let steps = log.timeline.moments.map(\.snapshot.step)
        XCTAssertEqual(steps.count, 20_000)
        XCTAssertEqual(steps.first, 1)
        XCTAssertEqual(steps.last, 20_000)
        XCTAssertEqual(try XCTUnwrap(log.comparedRun).last.step, 20_000)
    }

    /// Without its end event a log is live while it is written; once its file has been quiet
    /// for two minutes (a run killed outright, or paused) the comparison says for how long.
    func testALogThatStoppedBeingWrittenSaysHowLongAgo() throws {
        let log = FollowedRunLog(path: path)
        try append(lines[0] + "\n" + lines[1] + "\n")
        log.poll()
        XCTAssertEqual(try XCTUnwrap(log.comparedRun).progress, "live")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-31 * 60)], ofItemAtPath: path)
        XCTAssertEqual(try XCTUnwrap(log.comparedRun).progress, "no line for 31 min")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-5 * 3600 - 60)], ofItemAtPath: path)
        XCTAssertEqual(try XCTUnwrap(log.comparedRun).progress, "no line for 5 h")
        try append(lines.dropFirst(2).joined(separator: "\n") + "\n")
        log.poll()
        XCTAssertEqual(try XCTUnwrap(log.comparedRun).progress, "finished", "the end event says how it ended, however old")
    }
}
