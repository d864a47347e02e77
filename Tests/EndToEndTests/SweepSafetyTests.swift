import Foundation
import XCTest

/// A sweep never runs points it cannot use, never shares its directory with another
/// sweep, never takes another recipe's log for one of its points, and never replaces a
/// complete table with a partial one.
final class SweepSafetyTests: XCTestCase {
    private var directory = ""
    private var recipe = ""
    private let recipeText = "data: embedded\nepochs: 2\nbatch: 64\nmethod: magnitude\nschedule:\n  kind: oneshot\n  at: 1\n"

    override func setUpWithError() throws {
        directory = PrunetopProcess.temporaryPath("sweeps")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        recipe = path("r.yaml")
        try recipeText.write(toFile: recipe, atomically: true, encoding: .utf8)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    private func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    func testBadArgumentsAreRefusedBeforeAnyPointStarts() throws {
        let out = path("out")
        let missing = try PrunetopProcess.run(["sweep", path("missing.yaml"), "--sparsities", "0,0.5", "--out", out])
        XCTAssertEqual(missing.status, 65, missing.standardError)
        XCTAssertTrue(missing.standardError.contains("missing.yaml:1:1: cannot read the recipe: No such file or directory"),
                      missing.standardError)
        XCTAssertFalse(missing.standardError.contains("started"), "no point ran:\n\(missing.standardError)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing was created")

        let badPoint = try PrunetopProcess.run(["sweep", recipe, "--sparsities", "0,0.5", "--set", "epochs=0", "--out", out])
        XCTAssertEqual(badPoint.status, 65, badPoint.standardError)
        XCTAssertFalse(badPoint.standardError.contains("started"), badPoint.standardError)

        let empty = try PrunetopProcess.run(["sweep", recipe, "--sparsities", "", "--out", out])
        XCTAssertEqual(empty.status, 64, empty.standardError)
        XCTAssertTrue(empty.standardError.contains("--sparsities: expected at least one value, found none"), empty.standardError)

        let file = path("a-file")
        try "keep me\n".write(toFile: file, atomically: true, encoding: .utf8)
        let onFile = try PrunetopProcess.run(["sweep", recipe, "--sparsities", "0.5", "--out", file])
        XCTAssertEqual(onFile.status, 64, onFile.standardError)
        XCTAssertEqual(onFile.standardError, "Error: --out \(file): is a file; expected a directory for the points' logs and the table\n",
                       "the reason, without Cocoa's error domain or the usage text")
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "keep me\n")
    }

    func testASecondSweepIntoTheSameDirectoryIsRefusedNamingTheFirst() throws {
        let out = path("out")
        let first = Process()
        first.executableURL = PrunetopProcess.executable
        first.arguments = ["sweep", recipe, "--sparsities", "0,0.5,0.9", "--out", out]
        first.environment = PrunetopProcess.cleanEnvironment
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer { first.waitUntilExit() }
        let lock = (out as NSString).appendingPathComponent(".sweep.lock")
        let deadline = Date().addingTimeInterval(30)
        while (try? String(contentsOfFile: lock, encoding: .utf8))?.contains("pid \(first.processIdentifier)") != true {
            XCTAssertTrue(first.isRunning, "the first sweep ended before it took its lock")
            XCTAssertLessThan(Date(), deadline)
            Thread.sleep(forTimeInterval: 0.02)
        }
        let second = try PrunetopProcess.run(["sweep", recipe, "--sparsities", "0,0.5,0.9", "--out", out, "--merge"])
        XCTAssertTrue(first.isRunning, "the test needs the first sweep still running")
        XCTAssertEqual(second.status, 1, second.standardError)
        XCTAssertTrue(second.standardError.contains("--out \(out): another sweep is writing there (pid \(first.processIdentifier), started "),
                      second.standardError)
        XCTAssertTrue(second.standardError.contains("prunetop sweep \(recipe) --sparsities 0,0.5,0.9 --out \(out)"), second.standardError)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationStatus, 0)
        let afterwards = try PrunetopProcess.run(["sweep", recipe, "--sparsities", "0,0.5,0.9", "--out", out, "--merge"])
        XCTAssertEqual(afterwards.status, 0, "the lock goes with its holder:\n\(afterwards.standardError)")
    }

    func testMergeTakesOnlyThisRecipesFinishedPointsAndNeverReplacesACompleteTable() throws {
        let out = path("out")
        let sweep = try PrunetopProcess.run(["sweep", recipe, "--sparsities", "0,0.5", "--out", out])
        XCTAssertEqual(sweep.status, 0, sweep.standardError)
        let table = path("out/sweep.csv")
        let complete = try String(contentsOfFile: table, encoding: .utf8)
        let merge = ["sweep", recipe, "--sparsities", "0,0.5", "--out", out, "--merge"]

        // The recipe edited since the points ran: every point is left out, saying why.
        try (recipeText + "# edited\n").write(toFile: recipe, atomically: true, encoding: .utf8)
        let edited = try PrunetopProcess.run(merge)
        XCTAssertEqual(edited.status, 1)
        XCTAssertTrue(edited.standardError.contains("sparsity-0.5000.jsonl ran another recipe, or this one before an edit"),
                      edited.standardError)
        XCTAssertTrue(edited.standardError.contains("sweep.csv was left as it was"), edited.standardError)
        XCTAssertEqual(try String(contentsOfFile: table, encoding: .utf8), complete, "the complete table is kept")
        XCTAssertEqual(try String(contentsOfFile: path("out/sweep.partial.csv"), encoding: .utf8).split(separator: "\n").count, 1,
                       "the partial table has its header and no row")
        try recipeText.write(toFile: recipe, atomically: true, encoding: .utf8)

        // Other overrides than the points ran with.
        let reseeded = try PrunetopProcess.run(merge + ["--set", "seed=5"])
        XCTAssertEqual(reseeded.status, 1)
        XCTAssertTrue(reseeded.standardError.contains("ran with the overrides schedule.final=0.5, not seed=5 schedule.final=0.5"),
                      reseeded.standardError)
        XCTAssertEqual(try String(contentsOfFile: table, encoding: .utf8), complete)

        // A point whose done line a fault cut off: its last evaluation, at the last step, stands for it.
        let log = path("out/sparsity-0.5000.jsonl")
        let whole = try Data(contentsOf: URL(fileURLWithPath: log))
        let lastLineStart = try XCTUnwrap(whole.dropLast().lastIndex(of: UInt8(ascii: "\n"))) + 1
        try whole.prefix(lastLineStart + 40).write(to: URL(fileURLWithPath: log))
        let cut = try PrunetopProcess.run(merge)
        XCTAssertEqual(cut.status, 0, cut.standardError)
        XCTAssertTrue(cut.standardError.contains("sparsity-0.5000.jsonl lost its done line; its final evaluation"), cut.standardError)
        XCTAssertEqual(try String(contentsOfFile: table, encoding: .utf8), complete, "the same table as from the whole log")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("out/sweep.partial.csv")), "a complete table clears the partial one")

        // A point stopped before its end is not a finished point.
        let stopped = try PrunetopProcess.run(["run", recipe, "--set", "schedule.final=0.5", "--stop-after-steps", "3",
                                               "--jsonl", log, "--overwrite"])
        XCTAssertEqual(stopped.status, 0, stopped.standardError)
        let unfinished = try PrunetopProcess.run(merge)
        XCTAssertEqual(unfinished.status, 1)
        XCTAssertTrue(unfinished.standardError.contains("sparsity-0.5000.jsonl the run was stopped before its end; left out"),
                      unfinished.standardError)
        XCTAssertEqual(try String(contentsOfFile: table, encoding: .utf8), complete)
    }
}
