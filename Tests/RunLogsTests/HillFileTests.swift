import Foundation
import Metrics
import RunLogs
import XCTest

/// Occam's hill's baseline and overlay read from files a user gives: run logs and sweep tables.
final class HillFileTests: XCTestCase {
    func testBaselinesUsersGive() throws {
        XCTAssertEqual(try HillBaseline.parse("0.895"), HillBaseline(accuracy: 0.895, source: .given))
        XCTAssertEqual(try HillBaseline.parse("89.5%").accuracy, 0.895, accuracy: 1e-12)
        XCTAssertThrowsError(try HillBaseline.parse("89.5")) { XCTAssertTrue("\($0)".contains("expected an accuracy as a fraction")) }
        XCTAssertThrowsError(try HillBaseline.parse("/nonexistent/dense.jsonl")) { XCTAssertTrue("\($0)".contains("cannot read")) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hill-baseline-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dense = directory.appendingPathComponent("dense.jsonl").path, sparse = directory.appendingPathComponent("sparse.jsonl").path
        try ([#"{"event":"start","config":{"sparsity":{"method":"dense","target":0}}}"#,
              #"{"event":"eval","step":10,"epoch":1,"sparsity":0,"target":0,"phase":"dense","test_acc":0.8}"#,
              #"{"event":"done","step":20,"test_acc":0.89,"sparsity":0}"#].joined(separator: "\n") + "\n").write(toFile: dense, atomically: true, encoding: .utf8)
        XCTAssertEqual(try HillBaseline.parse(dense), HillBaseline(accuracy: 0.89, source: .denseRunLog(name: "dense.jsonl")))
        try ([#"{"event":"eval","step":10,"epoch":1,"sparsity":0.5,"target":0.5,"phase":"pruning","test_acc":0.8}"#,
              #"{"event":"done","step":20,"test_acc":0.89,"sparsity":0.9}"#].joined(separator: "\n") + "\n").write(toFile: sparse, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try HillBaseline.parse(sparse)) { XCTAssertTrue("\($0)".contains("expected a dense run, found one that reached 90.0% sparsity"), "\($0)") }
    }

    /// A baseline or overlay file whose last line a fault cut off is read up to it, and the
    /// warning reaches whoever shows it (the dashboard's message line, export's stderr).
    func testFilesWithACutLastLineAreReadAndSaidSo() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hill-cut-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("dense.jsonl").path
        try ([#"{"event":"start","total_steps":20,"config":{"sparsity":{"method":"dense","target":0}}}"#,
              #"{"event":"eval","step":10,"epoch":1,"sparsity":0,"target":0,"phase":"dense","test_acc":0.8}"#,
              #"{"event":"eval","step":20,"epoch":2,"sparsity":0,"target":0,"phase":"dense","test_acc":0.89}"#].joined(separator: "\n")
             + "\n" + #"{"event":"done","step":20,"te"#).write(toFile: path, atomically: true, encoding: .utf8)
        let warning = "warning: \(path):4: the last line is incomplete (cut off while it was written); read the lines before it"
        var warnings: [String] = []
        XCTAssertEqual(try HillBaseline.parse(path, warn: { warnings.append($0) }),
                       HillBaseline(accuracy: 0.89, source: .denseRunLog(name: "dense.jsonl")), "the final evaluation stands for the done line")
        XCTAssertEqual(warnings, [warning])
        var overlay = HillOverlay()
        overlay.add(try HillOverlay(file: path))
        XCTAssertEqual(overlay.points.count, 1, "the dense phase's end")
        XCTAssertEqual(overlay.warnings, [warning])
    }
}
