import Metrics
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
}
