@testable import Metrics
@testable import RunLogs
import Training
import XCTest

/// Run logs as a fault can leave them: a last line cut off while it was written is left
/// out and reported; a broken line anywhere else is still an error at its line.
final class RunLogReadingTests: XCTestCase {
    private let lines = [
        #"{"event":"start","config":{"sparsity":{"method":"magnitude","target":0.9}}}"#,
        #"{"event":"eval","step":10,"epoch":1,"sparsity":0.5,"target":0.5,"phase":"pruning","test_acc":0.8}"#,
        #"{"event":"eval","step":20,"epoch":2,"sparsity":0.9,"target":0.9,"phase":"fine-tune","test_acc":0.85}"#,
    ]

    func testACutOffLastLineIsLeftOutAndReported() throws {
        let whole = try RunLog(text: lines.joined(separator: "\n") + "\n", path: "r.jsonl")
        XCTAssertNil(whole.incompleteLastLine)
        XCTAssertEqual(whole.evaluations.count, 2)

        let cut = lines.joined(separator: "\n") + "\n" + #"{"event":"done","step":20,"test_a"#
        let log = try RunLog(text: cut, path: "r.jsonl")
        XCTAssertEqual(log.incompleteLastLine, 4)
        XCTAssertEqual(log.evaluations.map(\.step), [10, 20])
        XCTAssertNil(log.outcome, "the cut `done` line is not read")
        XCTAssertEqual(incompleteLastLineWarning(path: "r.jsonl", line: 4),
                       "warning: r.jsonl:4: the last line is incomplete (cut off while it was written); read the lines before it")
    }

    func testABrokenLineBeforeTheEndIsStillAnError() {
        let broken = [lines[0], #"{"event":"eval","st"#, lines[2]].joined(separator: "\n") + "\n"
        XCTAssertThrowsError(try RunLog(text: broken, path: "r.jsonl")) {
            XCTAssertEqual("\($0)", "r.jsonl:2: expected one JSON object per line")
        }
        // A complete last line that is not JSON (it ends with a newline) is not a cut-off one.
        XCTAssertThrowsError(try RunLog(text: lines.joined(separator: "\n") + "\nnot json\n", path: "r.jsonl"))
    }

    /// What a sweep takes from a log: a finished run's `done` line, or its last evaluation
    /// when only the `done` line was cut and that evaluation was at the last step.
    func testTheResultOfAFinishedRunSurvivesACutDoneLineButNotAnEarlierEnd() throws {
        let start = #"{"event":"start","total_steps":20,"config":{"sparsity":{"method":"magnitude","target":0.9}},"#
            + #""recipe":{"path":"r.yaml","bytes":12,"crc32":"0x0badcafe","overrides":["schedule.final=0.9"]}}"#
        let body = ([start] + lines.dropFirst()).joined(separator: "\n") + "\n"
        let done = try RunLog(text: body + #"{"event":"done","step":20,"test_acc":0.86,"sparsity":0.9}"# + "\n", path: "r.jsonl")
        XCTAssertEqual(done.result, RunLog.Result(hillAccuracy: 0.86, sparsity: 0.9, fromLastEvaluation: false))
        XCTAssertEqual(done.recipe, RunLog.Recipe(path: "r.yaml", fingerprint: ContentFingerprint(crc32: 0x0bad_cafe, byteCount: 12),
                                                  overrides: ["schedule.final=0.9"]))

        let cut = try RunLog(text: body + #"{"event":"done","st"#, path: "r.jsonl")
        XCTAssertEqual(cut.result, RunLog.Result(hillAccuracy: 0.85, sparsity: 0.9, fromLastEvaluation: true))

        let early = try RunLog(text: ([start] + lines.dropFirst().dropLast()).joined(separator: "\n") + "\n" + #"{"event":"ev"#,
                               path: "r.jsonl")
        XCTAssertNil(early.result)
        XCTAssertEqual(early.unfinishedReason, "the log ends before the run's end (last evaluation at step 10 of 20)")

        let stopped = try RunLog(text: body + #"{"event":"stopped","step":20,"test_acc":0.86,"sparsity":0.9}"# + "\n", path: "r.jsonl")
        XCTAssertNil(stopped.result)
        XCTAssertEqual(stopped.unfinishedReason, "the run was stopped before its end")

        let badRecipe = start.replacingOccurrences(of: "0x0badcafe", with: "cafe")
        XCTAssertThrowsError(try RunLog(text: badRecipe + "\n", path: "r.jsonl")) {
            XCTAssertEqual("\($0)", #"r.jsonl:1: recipe: expected bytes (an integer), crc32 ("0x" and 8 hex digits) and overrides (strings)"#)
        }
    }
}
