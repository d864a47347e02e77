import Foundation
import Metrics
import RunLogs
import XCTest
import Yams

/// `prunetop sweep --grid ... --seeds N` on the embedded digits: the points, the per-cell
/// statistics, a resumed sweep, the files for schedulers run by hand, and `run --result-json`.
final class SweepGridTests: XCTestCase {
    private var recipe = ""

    override func setUpWithError() throws {
        recipe = PrunetopProcess.temporaryPath("grid.yaml")
        try "data: embedded\nepochs: 2\nbatch: 64\nmethod: magnitude\nschedule:\n  kind: oneshot\n  at: 1\n"
            .write(toFile: recipe, atomically: true, encoding: .utf8)
    }

    func testAGridWithSeedsTabulatesEachCellsMeanSampleDeviationAndCount() throws {
        let out = PrunetopProcess.temporaryPath("grid")
        let result = try PrunetopProcess.run(["sweep", recipe, "--grid", "method=magnitude,random", "--sparsities", "0.9",
                                              "--seeds", "2", "--jobs", "2", "--set", "batch=128", "--out", out])
        XCTAssertEqual(result.status, 0, result.standardError)
        let names = ["magnitude", "random"].flatMap { method in (0...1).map { "method-\(method)_sparsity-0.9000_seed-\($0).jsonl" } }
        for name in names { XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + name), name) }

        let rows = try PrunetopProcess.jsonLines(out + "/sweep.jsonl")
        let points = rows.filter { $0["event"] as? String == "sweep_point" }
        let cells = rows.filter { $0["event"] as? String == "sweep_cell" }
        XCTAssertEqual(points.count, 4)
        XCTAssertEqual(cells.count, 2)
        for cell in cells {
            let method = try XCTUnwrap((cell["settings"] as? [[String: Any]])?.first?["value"] as? String)
            let accuracies = try points.filter { try XCTUnwrap(($0["log"] as? String)).hasPrefix("method-\(method)_") }
                .map { try XCTUnwrap($0["accuracy_after_fine_tuning"] as? Double) }
            XCTAssertEqual(accuracies.count, 2)
            XCTAssertEqual(Set(try points.compactMap { p -> Int? in
                try XCTUnwrap(p["log"] as? String).hasPrefix("method-\(method)_") ? p["seed"] as? Int : nil }), [0, 1])
            let mean = (accuracies[0] + accuracies[1]) / 2
            let sample = abs(accuracies[0] - accuracies[1]) / 2.0.squareRoot()
            XCTAssertEqual(cell["count"] as? Int, 2)
            XCTAssertEqual(try XCTUnwrap(cell["accuracy_after_fine_tuning_mean"] as? Double), mean, accuracy: 2e-6)
            XCTAssertEqual(try XCTUnwrap(cell["accuracy_after_fine_tuning_std"] as? Double), sample, accuracy: 2e-6, "sample (n - 1) deviation")
        }
        let magnitude = try XCTUnwrap(cells.first { ($0["settings"] as? [[String: Any]])?.first?["value"] as? String == "magnitude" })
        let random = try XCTUnwrap(cells.first { ($0["settings"] as? [[String: Any]])?.first?["value"] as? String == "random" })
        XCTAssertGreaterThan(try XCTUnwrap(magnitude["accuracy_after_fine_tuning_mean"] as? Double),
                             try XCTUnwrap(random["accuracy_after_fine_tuning_mean"] as? Double) + 0.2,
                             "magnitude pruning at 90% beats random pruning on digits")
        let cellsCSV = try String(contentsOfFile: out + "/sweep-cells.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(cellsCSV.first.map(String.init), SweepTable.cellsCSVHeader)
        XCTAssertEqual(cellsCSV.count, 3)
        XCTAssertTrue(result.standardOutput.contains("mean ± sample standard deviation (n - 1)"), result.standardOutput)
        let overlay = try HillOverlay(file: out + "/sweep.jsonl")
        XCTAssertEqual(overlay.points.map(\.runID), ["magnitude", "random"], "one hill per method, named by its value")
        for (point, cell) in zip(overlay.points, cells) {
            XCTAssertEqual(try XCTUnwrap(point.spread), try XCTUnwrap(cell["accuracy_after_fine_tuning_std"] as? Double), accuracy: 2e-6,
                           "the error bar is the cell's standard deviation")
        }

        let badKey = try PrunetopProcess.run(["sweep", recipe, "--grid", "schedule.finale=0.5,0.9", "--out", out + "-bad"])
        XCTAssertEqual(badKey.status, 65, badKey.standardError)
        XCTAssertTrue(badKey.standardError.contains("schedule.finale=0.5"), badKey.standardError)
        XCTAssertFalse(badKey.standardError.contains("started"))
        let badValue = try PrunetopProcess.run(["sweep", recipe, "--grid", "epochs=2,many", "--out", out + "-bad"])
        XCTAssertEqual(badValue.status, 65, badValue.standardError)
        XCTAssertTrue(badValue.standardError.contains("epochs=many"), badValue.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "-bad"), "nothing ran, nothing was created")
        let colliding = try PrunetopProcess.run(["sweep", recipe, "--sparsities", "0.95,0.95001", "--out", out + "-bad"])
        XCTAssertEqual(colliding.status, 64, colliding.standardError)
        XCTAssertTrue(colliding.standardError.contains("would share the log sparsity-0.9500.jsonl"), colliding.standardError)
        let twice = try PrunetopProcess.run(["sweep", recipe, "--grid", "schedule.final=0.5", "--sparsities", "0.9"])
        XCTAssertEqual(twice.status, 64)
        XCTAssertTrue(twice.standardError.contains("--sparsities: give either it or --grid schedule.final, not both"), twice.standardError)
    }

    /// Interrupted with Ctrl-C after its first point finished, then started again: the
    /// finished point does not run again, the one stopped midway does, its first log kept aside.
    func testASweepInterruptedWithSIGINTRunsOnlyTheMissingPointsWhenStartedAgain() throws {
        try assertResumes(after: SIGINT)
    }

    /// Killed outright: the running point notices its sweep is gone and stops (its log gets
    /// its stopped event, the lock is freed), and the sweep started again resumes as above.
    func testASweepKilledWithSIGKILLRunsOnlyTheMissingPointsWhenStartedAgain() throws {
        try assertResumes(after: SIGKILL)
    }

    private func assertResumes(after signal: Int32) throws {
        let out = PrunetopProcess.temporaryPath("resume")
        // Long enough (330 steps a point) that the second point is still running when the
        // signal comes, however fast the build: it is sent at that point's first evaluation.
        let arguments = ["sweep", recipe, "--sparsities", "0,0.5", "--set", "batch=128", "--set", "epochs=30", "--out", out]
        let errors = PrunetopProcess.temporaryPath("first.err")
        XCTAssertTrue(FileManager.default.createFile(atPath: errors, contents: nil))
        let first = Process()
        first.executableURL = PrunetopProcess.executable
        first.arguments = arguments
        first.environment = PrunetopProcess.cleanEnvironment
        first.standardOutput = FileHandle.nullDevice
        first.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        try first.run()
        // Once the second point's log has an evaluation: a run visibly under way.
        let interrupted = out + "/sparsity-0.5000.jsonl"
        let deadline = Date().addingTimeInterval(120)
        while (try? String(contentsOfFile: interrupted, encoding: .utf8))?.contains(#""event":"eval""#) != true {
            XCTAssertTrue(first.isRunning, "the sweep ended before its second point")
            XCTAssertLessThan(Date(), deadline)
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(first.processIdentifier, signal)
        first.waitUntilExit()
        let firstLog = try String(contentsOfFile: errors, encoding: .utf8)
        if signal == SIGINT {
            XCTAssertEqual(first.terminationStatus, 130)
            XCTAssertTrue(firstLog.contains("stopped by SIGINT"), firstLog)
        } else {
            // The orphaned point stops on its own and ends its log.
            while (try? RunLog(path: interrupted))?.outcome == nil {
                XCTAssertLessThan(Date(), deadline, "the point of a killed sweep went on running")
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        XCTAssertEqual(Self.points(firstLog, saying: "done"), ["0.0"], firstLog)

        var second = try PrunetopProcess.run(arguments)
        // The stopped point may still hold the lock for the moment it takes to exit.
        while second.status == 1 && second.standardError.contains("another sweep is writing there") && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            second = try PrunetopProcess.run(arguments)
        }
        XCTAssertEqual(second.status, 0, second.standardError)
        XCTAssertEqual(Self.points(second.standardError, saying: "started"), ["0.5"], "no finished point ran twice:\n\(second.standardError)")
        XCTAssertEqual(Self.points(second.standardError, saying: "done"), ["0.5"])
        XCTAssertTrue(second.standardError.contains("sparsity 0.0: finished before"), second.standardError)
        let aside = out + "/sparsity-0.5000.earlier-1.jsonl"
        XCTAssertTrue(second.standardError.contains("moved to \(aside)"), second.standardError)
        XCTAssertEqual(try RunLog(path: aside).outcome, "stopped", "the interrupted run's log is kept whole, with its stopped event")
        XCTAssertEqual(try String(contentsOfFile: out + "/sweep.csv", encoding: .utf8).split(separator: "\n").count, 3)
    }

    /// "sparsity 0.5: done" lines: the points' sparsities.
    private static func points(_ text: String, saying word: String) -> Set<String> {
        Set(text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("sparsity "), line.hasSuffix(": " + word) else { return nil }
            return String(line.dropFirst("sparsity ".count).dropLast(word.count + 2))
        })
    }

    /// The shell job list run line by line, the Slurm script's and the Kubernetes Job's
    /// command run once per index with the scheduler's variable, each then merged.
    func testTheEmittedSchedulerFilesRunEveryPointAndMerge() throws {
        let emitted = PrunetopProcess.temporaryPath("emit")
        let dense = PrunetopProcess.temporaryPath("dense.yaml")
        try "data: embedded\nepochs: 1\nbatch: 128\n".write(toFile: dense, atomically: true, encoding: .utf8)
        func sweep(_ out: String) -> [String] { ["sweep", dense, "--grid", "seed=1,2", "--out", out] }

        let shellOut = PrunetopProcess.temporaryPath("shell")
        let shell = try PrunetopProcess.run(sweep(shellOut) + ["--emit", "shell", emitted])
        XCTAssertEqual(shell.status, 0, shell.standardError)
        let jobs = try String(contentsOfFile: emitted + "/sweep.jobs", encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(jobs.count, 2)
        for (index, line) in jobs.enumerated() {
            XCTAssertTrue(line.hasSuffix("--index \(index)"), line)
            XCTAssertEqual(try Self.bash(line, environment: [:]), 0, line)
        }
        try assertMerges(sweep(shellOut))
        let again = try PrunetopProcess.run(sweep(shellOut) + ["--index", "1", "--result-json", "-"])
        XCTAssertEqual(again.status, 0, again.standardError)
        XCTAssertTrue(again.standardError.contains("finished before"), again.standardError)
        let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(again.standardOutput.utf8)) as? [String: Any])
        XCTAssertEqual(result["seed"] as? Int, 2, "a finished task gives the result line its run wrote")
        XCTAssertEqual(result["outcome"] as? String, "done")

        let slurmOut = PrunetopProcess.temporaryPath("slurm")
        XCTAssertEqual(try PrunetopProcess.run(sweep(slurmOut) + ["--emit", "slurm", emitted]).status, 0)
        let script = try String(contentsOfFile: emitted + "/sweep.slurm", encoding: .utf8)
        XCTAssertTrue(script.hasPrefix("#!/bin/bash\n"))
        XCTAssertTrue(script.contains("\n#SBATCH --array=0-1\n"), script)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: emitted + "/sweep.slurm"))
        for index in 0...1 {
            XCTAssertEqual(try Self.bash("bash " + emitted + "/sweep.slurm", environment: ["SLURM_ARRAY_TASK_ID": "\(index)"]), 0)
        }
        try assertMerges(sweep(slurmOut))

        let k8sOut = PrunetopProcess.temporaryPath("k8s")
        XCTAssertEqual(try PrunetopProcess.run(sweep(k8sOut) + ["--emit", "k8s", emitted]).status, 0)
        let manifest = try XCTUnwrap(try Yams.load(yaml: String(contentsOfFile: emitted + "/sweep-job.yaml", encoding: .utf8))
            as? [String: Any])
        XCTAssertEqual(manifest["kind"] as? String, "Job")
        let spec = try XCTUnwrap(manifest["spec"] as? [String: Any])
        XCTAssertEqual(spec["completionMode"] as? String, "Indexed")
        XCTAssertEqual(spec["completions"] as? Int, 2)
        let container = try XCTUnwrap(((spec["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]]).first
        let command = try XCTUnwrap(container?["command"] as? [String])
        XCTAssertEqual(command.first, "prunetop")
        let workingDirectory = try XCTUnwrap(container?["workingDir"] as? String)
        for index in 0...1 {
            let line = "cd \(workingDirectory) && " + ([PrunetopProcess.executable.path] + command.dropFirst()).joined(separator: " ")
            XCTAssertEqual(try Self.bash(line, environment: ["JOB_COMPLETION_INDEX": "\(index)"]), 0, line)
        }
        try assertMerges(sweep(k8sOut))

        let unset = try PrunetopProcess.run(sweep(k8sOut) + ["--index-from-env"],
                                            environment: PrunetopProcess.cleanEnvironment.filter { !$0.key.hasSuffix("_ID") && !$0.key.hasSuffix("_INDEX") })
        XCTAssertEqual(unset.status, 64)
        XCTAssertTrue(unset.standardError.contains("neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set"), unset.standardError)
        let outOfRange = try PrunetopProcess.run(sweep(k8sOut) + ["--index", "2"])
        XCTAssertTrue(outOfRange.standardError.contains("--index: expected 0 to 1 (the sweep has 2 points), found 2"), outOfRange.standardError)
    }

    private func assertMerges(_ sweep: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let merged = try PrunetopProcess.run(sweep + ["--merge"])
        XCTAssertEqual(merged.status, 0, merged.standardError, file: file, line: line)
        let out = sweep[sweep.firstIndex(of: "--out")! + 1]
        XCTAssertEqual(try String(contentsOfFile: out + "/sweep.csv", encoding: .utf8).split(separator: "\n").count, 3, file: file, line: line)
    }

    private static func bash(_ command: String, environment: [String: String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        process.environment = PrunetopProcess.cleanEnvironment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func testRunWritesOneResultLineForATuner() throws {
        let log = PrunetopProcess.temporaryPath("result.jsonl")
        let result = try PrunetopProcess.run(["run", recipe, "--set", "schedule.final=0.8", "--set", "seed=3", "--jsonl", log,
                                              "--result-json", "-"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let lines = result.standardOutput.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "stdout holds the result alone:\n\(result.standardOutput)")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(object["event"] as? String, "result")
        XCTAssertEqual(object["outcome"] as? String, "done")
        XCTAssertEqual(object["seed"] as? Int, 3)
        let done = try XCTUnwrap(try PrunetopProcess.jsonLines(log).last)
        XCTAssertEqual(done["event"] as? String, "done")
        for key in ["test_acc", "test_loss", "sparsity", "inference_flops_reduction", "train_macs"] {
            XCTAssertEqual(try XCTUnwrap(object[key] as? Double), try XCTUnwrap(done[key] as? Double), accuracy: 1e-9, key)
        }
        XCTAssertEqual(try XCTUnwrap(object["sparsity"] as? Double), 0.8, accuracy: 0.002)
        let parameters = try XCTUnwrap(object["parameters"] as? Int), nonzero = try XCTUnwrap(object["nonzero"] as? Int)
        XCTAssertLessThan(nonzero, parameters)
        XCTAssertGreaterThan(try XCTUnwrap(object["seconds"] as? Double), 0)
        XCTAssertNotNil(object["train_loss"] as? Double)
        let config = try XCTUnwrap(object["config"] as? [String: Any])
        XCTAssertEqual((config["sparsity"] as? [String: Any])?["method"] as? String, "magnitude")
        XCTAssertEqual((object["recipe"] as? [String: Any])?["overrides"] as? [String], ["schedule.final=0.8", "seed=3"])
    }
}
