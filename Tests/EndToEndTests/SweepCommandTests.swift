import Foundation
import Metrics
import RunLogs
import XCTest

/// `prunetop sweep` on the embedded digits: one process per point, a well-formed table,
/// the commands to run elsewhere, a merge from existing logs, and the overlay it feeds.
final class SweepCommandTests: XCTestCase {
    func testASweepWritesTheWholeHillAsCSVAndJSONL() throws {
        let recipe = PrunetopProcess.temporaryPath("sweep.yaml")
        try "data: embedded\nepochs: 3\nbatch: 64\nmethod: magnitude\nschedule:\n  kind: oneshot\n  at: 1\n"
            .write(toFile: recipe, atomically: true, encoding: .utf8)
        let out = PrunetopProcess.temporaryPath("sweep")
        let result = try PrunetopProcess.run(["sweep", recipe, "--sparsities", "0.9,0,0.5", "--jobs", "2", "--out", out])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(result.standardError.components(separatedBy: ": done").count - 1, 3, result.standardError)

        let csv = try String(contentsOfFile: out + "/sweep.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(csv.first, SweepTable.csvHeader)
        XCTAssertEqual(csv.count, 4)
        let rows = csv.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows.map { $0[0] }, ["0", "0.5", "0.9"], "sorted by target")
        for row in rows {
            XCTAssertEqual(row.count, 13)
            XCTAssertEqual(Double(row[1])!, Double(row[0])!, accuracy: 0.002, "measured sparsity reaches the target")
            let accuracy = try XCTUnwrap(Double(row[3]))
            XCTAssertTrue(accuracy > 0.3 && accuracy <= 1, "accuracy after fine-tuning \(accuracy)")
            XCTAssertEqual(row[4], rows[0][3], "the dense run is the baseline")
            XCTAssertTrue(["A", "B", "C"].contains(row[5]))
        }
        XCTAssertEqual(rows[0][2], "", "no after-pruning accuracy for the dense point")
        XCTAssertNotNil(Double(rows[2][2]), "after-pruning accuracy at 0.9")
        XCTAssertEqual(rows.filter { $0[6] == "yes" }.count, 1, "one knee")

        let lines = try String(contentsOfFile: out + "/sweep.jsonl", encoding: .utf8).split(separator: "\n")
        let objects = try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(objects.map { $0["event"] as? String }, ["sweep_point", "sweep_point", "sweep_point", "sweep_cell", "sweep_cell", "sweep_cell", "sweep_summary"])
        let overlay = try HillOverlay(file: out + "/sweep.jsonl")
        XCTAssertEqual(overlay.points.map(\.phase), [.dense, .afterFineTuning, .afterFineTuning])
        XCTAssertEqual(overlay.points.map(\.accuracy), rows.map { Double($0[3])! })
        XCTAssertEqual(overlay.baseline, HillBaseline(accuracy: Double(rows[0][3])!, source: .sweep(name: "sweep.jsonl")),
                       "an overlaid sweep's baseline is its dense run's")

        let merged = try PrunetopProcess.run(["sweep", recipe, "--sparsities", "0,0.5,0.9", "--out", out, "--merge"])
        XCTAssertEqual(merged.status, 0, merged.standardError)
        XCTAssertEqual(try String(contentsOfFile: out + "/sweep.csv", encoding: .utf8).split(separator: "\n").map(String.init), csv,
                       "merging the same logs gives the same table")

        let commands = try PrunetopProcess.run(["sweep", recipe, "--from", "0.5", "--to", "0.9", "--steps", "3", "--print-commands",
                                                "--out", "out"])
        XCTAssertEqual(commands.standardOutput.split(separator: "\n").map(String.init), [0.5, 0.7, 0.9].map {
            "prunetop run \(recipe) --set schedule.final=\($0) --jsonl out/sparsity-\(String(format: "%.4f", $0)).jsonl --overwrite"
        })
    }
}
