import Foundation
import Metrics
import RunLogs
import XCTest

final class RunExportTests: XCTestCase {
    /// Two evaluations of two layers (4-bin histograms); the second layer's name needs
    /// quoting, the first evaluation has no test accuracy, and one layer has no target.
    private let logText = """
        {"event":"start","config":{"sparsity":{"method":"magnitude","target":0.9}}}
        {"event":"eval","step":10,"epoch":0.5,"train_loss":1.25,"train_acc":0.5,"test_loss":null,"test_acc":null,"lr":0.05,"method":"magnitude","phase":"dense","target":0,"sparsity":0,"compression":1,"layers":[{"name":"fc1.weight","shape":[3,4],"params":12,"nonzero":12,"target":0,"histogram":{"lower":-0.5,"upper":0.5,"kept":[1,5,5,1],"pruned":[0,0,0,0]}},{"name":"conv \\"big\\", 2","shape":[2,1,2,2],"params":8,"nonzero":8,"target":null,"histogram":{"lower":-1,"upper":1,"kept":[2,2,2,2],"pruned":[0,0,0,0]}}]}
        {"event":"eval","step":20,"epoch":1,"train_loss":0.4375,"train_acc":0.875,"test_loss":0.5125,"test_acc":0.8872,"lr":0.0123456789,"method":"magnitude","phase":"fine-tune","target":0.9,"sparsity":0.85,"compression":6.6667,"layers":[{"name":"fc1.weight","shape":[3,4],"params":12,"nonzero":1,"target":0.9166666666666666,"histogram":{"lower":-0.5,"upper":0.5,"kept":[1,0,0,0],"pruned":[0,6,5,0]}},{"name":"conv \\"big\\", 2","shape":[2,1,2,2],"params":8,"nonzero":2,"target":0.75,"histogram":{"lower":-1,"upper":1,"kept":[1,0,0,1],"pruned":[1,2,2,1]}}]}
        {"event":"done","step":20,"test_acc":0.8872,"sparsity":0.85}
        """

    private func log() throws -> RunLog { try RunLog(text: logText, path: "run.jsonl") }

    func testRunLogReadsShapeTargetAndHistogram() throws {
        let layer = try log().evaluations[1].layers[1]
        XCTAssertEqual(layer.shape, [2, 1, 2, 2])
        XCTAssertEqual(layer.target, 0.75)
        XCTAssertEqual(layer.histogram?.lower, -1)
        XCTAssertEqual(layer.histogram?.kept, [1, 0, 0, 1])
        XCTAssertEqual(layer.histogram?.pruned, [1, 2, 2, 1])
        XCTAssertNil(try log().evaluations[0].layers[1].target)
    }

    func testEvaluationsCSVHasOneRowPerEvaluationAndValuesReadBack() throws {
        let rows = parseCSV(RunExport.evaluationsCSV(try log()))
        XCTAssertEqual(rows.first, ["step", "epoch", "phase", "target", "sparsity", "test_acc", "test_loss", "train_loss", "lr"])
        XCTAssertEqual(rows.count, 1 + 2)
        XCTAssertEqual(rows[1], ["10", "0.5", "dense", "0.0", "0.0", "", "", "1.25", "0.05"])
        XCTAssertEqual(rows[2][0], "20")
        XCTAssertEqual(rows[2][2], "fine-tune")
        let read = rows[2].dropFirst(3).map { Double($0) }
        XCTAssertEqual(read, [0.9, 0.85, 0.8872, 0.5125, 0.4375, 0.0123456789])
    }

    func testLayersCSVIsLongFormatWithQuotedNames() throws {
        let csv = RunExport.layersCSV(try log())
        XCTAssertTrue(csv.hasPrefix("step,layer,shape,params,nonzero,sparsity,target\n"))
        XCTAssertTrue(csv.contains("\n20,\"conv \"\"big\"\", 2\",2x1x2x2,8,2,0.75,0.75\n"), csv)
        let rows = parseCSV(csv)
        XCTAssertEqual(rows.count, 1 + 2 * 2)
        XCTAssertEqual(rows[2], ["10", "conv \"big\", 2", "2x1x2x2", "8", "8", "0.0", ""])
        XCTAssertEqual(rows[3][0...4], ["20", "fc1.weight", "3x4", "12", "1"])
        XCTAssertEqual(Double(rows[3][5]), 11.0 / 12)
        XCTAssertEqual(Double(rows[3][6]), 0.9166666666666666)
    }

    func testHistogramsCSVGivesEachBinItsEdgesAndCounts() throws {
        let rows = parseCSV(RunExport.histogramsCSV(try log()))
        XCTAssertEqual(rows.first, ["step", "layer", "bin", "lower", "upper", "kept", "pruned"])
        XCTAssertEqual(rows.count, 1 + 2 * 2 * 4)
        let fc1AtStep20 = rows.filter { $0[0] == "20" && $0[1] == "fc1.weight" }
        XCTAssertEqual(fc1AtStep20.map { $0[2] }, ["0", "1", "2", "3"])
        XCTAssertEqual(fc1AtStep20.map { Double($0[3])! }, [-0.5, -0.25, 0, 0.25])
        XCTAssertEqual(fc1AtStep20.map { Double($0[4])! }, [-0.25, 0, 0.25, 0.5])
        XCTAssertEqual(fc1AtStep20.map { $0[5] }, ["1", "0", "0", "0"])
        XCTAssertEqual(fc1AtStep20.map { $0[6] }, ["0", "6", "5", "0"])
        XCTAssertEqual(rows.filter { $0[1] == "conv \"big\", 2" }.count, 8)
    }

    func testFieldQuotingFollowsRFC4180() {
        XCTAssertEqual(RunExport.field("fc1.weight"), "fc1.weight")
        XCTAssertEqual(RunExport.field("a,b"), "\"a,b\"")
        XCTAssertEqual(RunExport.field("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(RunExport.field("two\nlines"), "\"two\nlines\"")
        XCTAssertEqual(RunExport.field("cr\r\nlf"), "\"cr\r\nlf\"")
        XCTAssertEqual(parseCSV(RunExport.field("x, \"y\"\nz") + "\n"), [["x, \"y\"\nz"]])
    }

    func testReadTellsRunLogsFromSweepsAndRefusesAnythingElse() throws {
        let run = try temporaryFile("run.jsonl", logText)
        guard case let .run(readLog) = try RunExport.read(path: run) else { return XCTFail("not read as a run log") }
        XCTAssertEqual(readLog.evaluations.count, 2)
        XCTAssertEqual(RunExport.csvFiles(.run(readLog)).map(\.name), ["evaluations.csv", "layers.csv", "histograms.csv"])

        let startOnly = try temporaryFile("start.jsonl", "{\"event\":\"start\",\"config\":{}}\n")
        XCTAssertThrowsError(try RunExport.read(path: startOnly)) { error in
            XCTAssertEqual((error as? RunLogError)?.path, startOnly)
            XCTAssertTrue("\(error)".contains("neither a run log with evaluations"), "\(error)")
        }
        let notJSON = try temporaryFile("notes.txt", "hello\n")
        XCTAssertThrowsError(try RunExport.read(path: notJSON)) { error in
            XCTAssertEqual("\(error)", "\(notJSON):1: expected one JSON object per line")
        }
        XCTAssertThrowsError(try RunExport.read(path: notJSON + ".missing")) { error in
            XCTAssertEqual("\(error)", "\(notJSON).missing: cannot read the file: No such file or directory")
        }
    }

    /// A table written by `prunetop sweep` reads back equal, and its CSV is the same bytes.
    func testSweepJSONLReadsBackAsTheSameTable() throws {
        let table = SweepTable(runs: [
            (0, try sweepPointLog(prunedAccuracy: 0.88, finalAccuracy: 0.9, sparsity: 0), "sparsity-0.0000.jsonl"),
            (0.5, try sweepPointLog(prunedAccuracy: 0.88, finalAccuracy: 0.905, sparsity: 0.5), "sparsity-0.5000.jsonl"),
            (0.9, try sweepPointLog(prunedAccuracy: 0.88, finalAccuracy: 0.85, sparsity: 0.9), "sparsity-0.9000.jsonl"),
        ])
        XCTAssertEqual(table.rows.count, 3)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sweep.jsonl").path
        try table.jsonLines.write(toFile: path, atomically: true, encoding: .utf8)
        try logText.write(to: directory.appendingPathComponent("sparsity-0.0000.jsonl"), atomically: true, encoding: .utf8)

        guard case let .sweep(read, readPath, method) = try RunExport.read(path: path) else { return XCTFail("not read as a sweep") }
        XCTAssertEqual(read, table)
        XCTAssertEqual(readPath, path)
        XCTAssertEqual(method, "magnitude")
        XCTAssertEqual(RunExport.csvFiles(.sweep(read, path: path, method: nil)).map(\.name), ["sweep.csv", "sweep-cells.csv"])
        XCTAssertEqual(RunExport.csvFiles(.sweep(read, path: path, method: nil)).first?.contents, table.csv)
        XCTAssertEqual(parseCSV(table.csv).count, 1 + 3)
    }

    // MARK: - Helpers

    private func temporaryFile(_ name: String, _ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }
}

/// An RFC 4180 reader, independent of the writer under test: quoted fields may hold
/// commas, doubled quotes and line breaks; every record ends with a line break.
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = [], record: [String] = [], field = ""
    var inQuotes = false, afterQuote = false
    for character in text {
        if inQuotes {
            if character == "\"" { inQuotes = false; afterQuote = true } else { field.append(character) }
            continue
        }
        switch character {
        case "\"":
            if afterQuote { field.append("\"") }
            inQuotes = true
        case ",":
            record.append(field)
            field = ""
        case "\n":
            record.append(field)
            records.append(record)
            (record, field) = ([], "")
        default:
            field.append(character)
        }
        afterQuote = false
    }
    return records
}

/// One point of a sweep: an evaluation at the final sparsity, then the end of the run.
func sweepPointLog(prunedAccuracy: Double, finalAccuracy: Double, sparsity: Double) throws -> RunLog {
    let phase = sparsity == 0 ? "dense" : "fine-tune"
    return try RunLog(text: """
        {"event":"eval","step":10,"epoch":1,"train_loss":0.5,"test_acc":\(prunedAccuracy),"lr":0.05,"phase":"\(phase)","target":\(sparsity),"sparsity":\(sparsity),"layers":[]}
        {"event":"done","step":20,"test_acc":\(finalAccuracy),"sparsity":\(sparsity)}
        """, path: "run")
}
