import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// `prunetop export`, on a real run log and a real sweep.
final class ExportCommandTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = PrunetopProcess.temporaryPath("export")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    private func lines(_ name: String) throws -> [String] {
        try String(contentsOfFile: path(name), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func testRunLogToCSVAndSVG() throws {
        // Dense for 20 steps (evaluated at step 10 and at its end, step 19), then pruned to 90% at once.
        let run = try PrunetopProcess.run(["run", "--data", "embedded", "--epochs", "2", "--batch", "64", "--method", "magnitude",
                                           "--sparsity", "0.9", "--schedule", "oneshot:20", "--eval-every", "10",
                                           "--jsonl", path("run.jsonl")])
        XCTAssertEqual(run.status, 0, run.standardError)
        let evaluations = try PrunetopProcess.jsonLines(path("run.jsonl")).filter { $0["event"] as? String == "eval" }
        XCTAssertGreaterThanOrEqual(evaluations.count, 3)
        let layerCount = try XCTUnwrap(evaluations.first?["layers"] as? [[String: Any]]).count
        XCTAssertGreaterThan(layerCount, 0)

        let export = try PrunetopProcess.run(["export", path("run.jsonl"), "--csv", path("csv"), "--svg", path("hill.svg"),
                                              "--baseline", "0.95"])
        XCTAssertEqual(export.status, 0, export.standardError)
        XCTAssertTrue(export.standardOutput.contains("wrote \(path("csv/evaluations.csv"))"), export.standardOutput)

        let table = try lines("csv/evaluations.csv")
        XCTAssertEqual(table.first, "step,epoch,phase,target,sparsity,test_acc,test_loss,train_loss,lr")
        XCTAssertEqual(table.count, 1 + evaluations.count)
        for (row, evaluation) in zip(table.dropFirst(), evaluations) {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            XCTAssertEqual(Int(fields[0]), evaluation["step"] as? Int)
            XCTAssertEqual(Double(fields[5]), evaluation["test_acc"] as? Double)
            XCTAssertEqual(Double(fields[4]), evaluation["sparsity"] as? Double)
        }
        XCTAssertEqual(try lines("csv/layers.csv").first, "step,layer,shape,params,nonzero,sparsity,target")
        XCTAssertEqual(try lines("csv/layers.csv").count, 1 + evaluations.count * layerCount)
        XCTAssertTrue(try lines("csv/layers.csv")[1].hasPrefix("\(evaluations[0]["step"]!),fc1.weight,300x784,235200,"))
        XCTAssertEqual(try lines("csv/histograms.csv").count, 1 + evaluations.count * layerCount * 41)

        let svg = try String(contentsOfFile: path("hill.svg"), encoding: .utf8)
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse(), "hill.svg is not well-formed XML")
        XCTAssertEqual(svg.components(separatedBy: "class=\"point\"").count - 1, evaluations.count - 1,
                       "every evaluation but the dense phase's first, taken while the dense network still trained")
        XCTAssertEqual(evaluations.map { $0["step"] as? Int }.prefix(2), [10, 19], "the trainer evaluates the dense phase's end")
        XCTAssertTrue(svg.contains(">Occam&apos;s hill: magnitude, run.jsonl</text>"))
        for label in [">0%<", ">90%<", ">99%<", ">sparsity<", ">test accuracy<", ">dense baseline 95.0%<"] {
            XCTAssertTrue(svg.contains(label), label)
        }
    }

    func testSweepToCSVAndSVG() throws {
        try "data: embedded\nepochs: 2\nbatch: 64\nmethod: magnitude\nschedule:\n  kind: oneshot\n  at: 1\n"
            .write(toFile: path("recipe.yaml"), atomically: true, encoding: .utf8)
        let sweep = try PrunetopProcess.run(["sweep", path("recipe.yaml"), "--sparsities", "0,0.5,0.9", "--out", path("sweep")])
        XCTAssertEqual(sweep.status, 0, sweep.standardError)

        let export = try PrunetopProcess.run(["export", path("sweep/sweep.jsonl"), "--csv", path("csv"), "--svg", path("hill.svg")])
        XCTAssertEqual(export.status, 0, export.standardError)
        XCTAssertEqual(try String(contentsOfFile: path("csv/sweep.csv"), encoding: .utf8),
                       try String(contentsOfFile: path("sweep/sweep.csv"), encoding: .utf8))
        XCTAssertEqual(try String(contentsOfFile: path("csv/sweep-cells.csv"), encoding: .utf8),
                       try String(contentsOfFile: path("sweep/sweep-cells.csv"), encoding: .utf8))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("csv/evaluations.csv")))

        let points = try PrunetopProcess.jsonLines(path("sweep/sweep.jsonl")).filter { $0["event"] as? String == "sweep_point" }
        XCTAssertEqual(points.count, 3)
        let afterPruning = points.filter { $0["accuracy_after_pruning"] is Double }.count
        let svg = try String(contentsOfFile: path("hill.svg"), encoding: .utf8)
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse(), "hill.svg is not well-formed XML")
        XCTAssertEqual(svg.components(separatedBy: "class=\"point\"").count - 1, 3 + afterPruning)
        XCTAssertTrue(svg.contains(">Occam&apos;s hill: magnitude, sweep/sweep.jsonl</text>"), svg)
        XCTAssertTrue(svg.contains(">after fine-tuning</text>"))
        if points.contains(where: { $0["knee"] as? Bool == true }) { XCTAssertTrue(svg.contains("class=\"knee-label\"")) }
    }

    func testRefusesFilesItCannotExportAndMissingOutputs() throws {
        try "{\"event\":\"start\",\"config\":{}}\n".write(toFile: path("empty.jsonl"), atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["export", path("empty.jsonl"), "--svg", path("x.svg")], "\(path("empty.jsonl")): neither a run log with evaluations"),
            (["export", path("missing.jsonl"), "--csv", path("csv")], "\(path("missing.jsonl")): cannot read the file"),
            (["export", path("empty.jsonl")], "give --csv DIR, --svg FILE, --safetensors FILE or --onnx FILE"),
        ]
        for (arguments, message) in cases {
            let result = try PrunetopProcess.run(arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(message), "expected «\(message)» in «\(result.standardError)»")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.svg")))
    }
}
