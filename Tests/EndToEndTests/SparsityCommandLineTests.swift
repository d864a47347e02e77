import Foundation
import XCTest

final class SparsityCommandLineTests: XCTestCase {
    func testAPrunedRunReportsMethodMeasuredSparsityAndCompression() throws {
        let log = PrunetopProcess.temporaryPath("pruned.jsonl")
        let result = try PrunetopProcess.run(["run", "--headless", "--data", "embedded", "--epochs", "2",
                                              "--method", "magnitude", "--sparsity", "0.9", "--budget", "uniform",
                                              "--schedule", "agp:2:12:2", "--jsonl", log])
        XCTAssertEqual(result.status, 0, result.standardError)
        let events = try PrunetopProcess.jsonLines(log)
        let sparsity = try XCTUnwrap((events[0]["config"] as? [String: Any])?["sparsity"] as? [String: Any])
        XCTAssertEqual(sparsity["method"] as? String, "magnitude")
        XCTAssertEqual(sparsity["target"] as? Double, 0.9)
        XCTAssertEqual(sparsity["schedule"] as? String, "polynomial")
        XCTAssertEqual(sparsity["budget"] as? String, "uniform")

        let evaluations = events.filter { $0["event"] as? String == "eval" }
        XCTAssertEqual(evaluations.map { $0["method"] as? String }, ["magnitude", "magnitude", "magnitude"])
        XCTAssertEqual(evaluations.map { $0["phase"] as? String }, ["dense", "pruning", "fine-tune"],
                       "the dense model right before the first cut (step 3 of agp:2:12:2), then the epochs' ends")
        let last = try XCTUnwrap(evaluations.last)
        XCTAssertEqual(try XCTUnwrap(last["sparsity"] as? Double), 0.9, accuracy: 0.001)
        XCTAssertEqual(try XCTUnwrap(last["compression"] as? Double), 10, accuracy: 0.02)
        for layer in try XCTUnwrap(last["layers"] as? [[String: Any]]) {
            let params = try XCTUnwrap(layer["params"] as? Int), nonzero = try XCTUnwrap(layer["nonzero"] as? Int)
            XCTAssertEqual(Double(nonzero) / Double(params), 0.1, accuracy: 0.001, "\(layer)")
            XCTAssertEqual(try XCTUnwrap(layer["target"] as? Double), 0.9, accuracy: 1e-9)
        }
        let done = try XCTUnwrap(events.last)
        XCTAssertEqual(done["event"] as? String, "done")
        XCTAssertEqual(try XCTUnwrap(done["sparsity"] as? Double), 0.9, accuracy: 0.001)
    }

    func testBadSparsitySettingsAreRefusedWithWhatWasExpected() throws {
        let cases: [([String], String)] = [
            (["--sparsity", "1.2"], "--sparsity: expected a number in [0, 1), found 1.2"),
            (["--method", "magnitdue"], "--method: unknown method 'magnitdue'; did you mean 'magnitude'?"),
            (["--granularity", "5:4"], "--granularity: N:M needs N <= M, got 5:4"),
            (["--schedule", "agp:9:1:1"], "--schedule: need 0 <= begin <= end, got begin 9, end 1"),
            (["--budget", "erk2"], "--budget: expected one of global, uniform, er, erk, found 'erk2'"),
            (["--method", "magnitude", "--option", "speed=3"], "--magnitude.speed: unknown option; magnitude takes no options"),
            (["--option", "oops"], "--option: expected KEY=NUMBER, found 'oops'"),
        ]
        for (arguments, message) in cases {
            let result = try PrunetopProcess.run(["run", "--headless", "--data", "embedded"] + arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(message), "\(arguments): expected «\(message)» in «\(result.standardError)»")
        }
    }

    func testMethodsListsEveryRegisteredMethod() throws {
        let result = try PrunetopProcess.run(["methods"])
        XCTAssertEqual(result.status, 0)
        for name in ["dense", "magnitude", "random"] {
            XCTAssertTrue(result.standardOutput.contains("\n\(name)  ") || result.standardOutput.hasPrefix("\(name)  "), name)
        }
    }
}
