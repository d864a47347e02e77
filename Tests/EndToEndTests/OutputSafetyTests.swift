import Foundation
import XCTest

/// No command writes over a file it reads: the output is refused, naming both roles,
/// before anything runs, and the input is left as it was.
final class OutputSafetyTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = PrunetopProcess.temporaryPath("outputs")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    private func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    private func assertRefused(_ arguments: [String], saying expected: String, keeps file: String,
                               line: UInt = #line) throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        let result = try PrunetopProcess.run(arguments)
        XCTAssertEqual(result.status, 64, result.standardError, line: line)
        XCTAssertTrue(result.standardError.contains(expected), result.standardError, line: line)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), before, "\(file) is untouched", line: line)
    }

    func testARunNeverWritesItsLogOverItsRecipeOrCheckpoint() throws {
        let recipe = path("r.yaml")
        try "data: embedded\nepochs: 1\n".write(toFile: recipe, atomically: true, encoding: .utf8)
        try assertRefused(["run", recipe, "--jsonl", recipe], saying: "--jsonl: \(recipe) is the recipe", keeps: recipe)
        // The same file under another name: a hard link, and a path through "..".
        try FileManager.default.linkItem(atPath: recipe, toPath: path("linked.yaml"))
        try assertRefused(["run", recipe, "--jsonl", path("linked.yaml")], saying: "is the recipe", keeps: recipe)
        try assertRefused(["run", recipe, "--jsonl", directory + "/../" + (directory as NSString).lastPathComponent + "/r.yaml"],
                          saying: "is the recipe", keeps: recipe)

        let run = try PrunetopProcess.run(["run", "--data", "embedded", "--epochs", "1", "--checkpoint-every", "5",
                                           "--checkpoint-dir", path("ckpt"), "--stop-after-steps", "5"])
        XCTAssertEqual(run.status, 0, run.standardError)
        let checkpoint = path("ckpt/step-000005.ckpt")
        try assertRefused(["run", "--resume", checkpoint, "--jsonl", checkpoint], saying: "is the checkpoint --resume reads",
                          keeps: checkpoint)
    }

    /// A log is never truncated silently: a file that holds anything is refused unless
    /// --overwrite says to replace it; an empty one is used.
    func testAnExistingLogIsRefusedUnlessOverwriteIsGiven() throws {
        let log = path("run.jsonl")
        let first = try PrunetopProcess.run(["run", "--data", "embedded", "--epochs", "1", "--jsonl", log])
        XCTAssertEqual(first.status, 0, first.standardError)
        try assertRefused(["run", "--data", "embedded", "--epochs", "1", "--jsonl", log],
                          saying: "--jsonl: \(log) already holds", keeps: log)
        let replaced = try PrunetopProcess.run(["run", "--data", "embedded", "--epochs", "1", "--seed", "1", "--jsonl", log, "--overwrite"])
        XCTAssertEqual(replaced.status, 0, replaced.standardError)
        XCTAssertTrue(try String(contentsOfFile: log, encoding: .utf8).contains("\"seed\":\"1\""), "replaced by the new run")
        let empty = path("empty.jsonl")
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: nil))
        XCTAssertEqual(try PrunetopProcess.run(["run", "--data", "embedded", "--epochs", "1", "--jsonl", empty]).status, 0)
    }

    func testExportNeverWritesOverTheLogItReads() throws {
        let log = path("evaluations.csv")
        let run = try PrunetopProcess.run(["run", "--data", "embedded", "--epochs", "1", "--jsonl", log])
        XCTAssertEqual(run.status, 0, run.standardError)
        try assertRefused(["export", log, "--svg", log], saying: "--svg: \(log) is the file export reads", keeps: log)
        try assertRefused(["export", log, "--csv", directory], saying: "--csv's evaluations.csv", keeps: log)
    }

    func testSweepPointsThatWouldShareALogAreRefusedBeforeAnyRuns() throws {
        let recipe = path("r.yaml")
        try "data: embedded\nepochs: 1\nmethod: magnitude\n".write(toFile: recipe, atomically: true, encoding: .utf8)
        try assertRefused(["sweep", recipe, "--sparsities", "0.5,0.50004", "--out", path("sweep")],
                          saying: "would share the log sparsity-0.5000.jsonl", keeps: recipe)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("sweep")), "nothing ran")
    }

    /// A log cut off mid-line (a full disk, a file-size limit, a kill) still exports and
    /// replays: the cut line is left out and said.
    func testALogWithACutOffLastLineStillExports() throws {
        let log = path("run.jsonl")
        let run = try PrunetopProcess.run(["run", "--data", "embedded", "--epochs", "2", "--jsonl", log])
        XCTAssertEqual(run.status, 0, run.standardError)
        var text = try String(contentsOfFile: log, encoding: .utf8)
        let lineCount = text.split(separator: "\n").count
        text = String(text.dropLast(25))  // into the middle of the `done` line
        try text.write(toFile: log, atomically: true, encoding: .utf8)
        let export = try PrunetopProcess.run(["export", log, "--svg", path("hill.svg")])
        XCTAssertEqual(export.status, 0, export.standardError)
        XCTAssertTrue(export.standardError.contains("warning: \(log):\(lineCount): the last line is incomplete"), export.standardError)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("hill.svg")))
    }
}
