import Foundation
import Training
import XCTest

/// A full disk while checkpointing and logging (a small tmpfs; needs root to mount, else
/// skipped): each failure is reported once per write, the previous checkpoint stays
/// intact, no temporary file is left, and training goes on to the end.
final class DiskFullTests: XCTestCase {
    private var mounts: [String] = []

    private func smallDisk(megabytes: Int) throws -> String {
        let directory = PrunetopProcess.temporaryPath("small-disk")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let mount = try Self.command(["mount", "-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", directory])
        guard mount == 0 else { throw XCTSkip("cannot mount a tmpfs here (needs root)") }
        mounts.append(directory)
        return directory
    }

    override func tearDown() {
        for directory in mounts { _ = try? Self.command(["umount", directory]) }
    }

    private static func command(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func testCheckpointsAndTheLogSurviveAFullDisk() throws {
        let checkpoints = try smallDisk(megabytes: 5), logs = try smallDisk(megabytes: 1)
        let result = try PrunetopProcess.run(["run", "--data", "embedded", "--epochs", "1", "--method", "magnitude", "--sparsity", "0.5",
                                              "--eval-every", "1", "--checkpoint-every", "5", "--checkpoint-dir", checkpoints,
                                              "--jsonl", logs + "/run.jsonl"])
        XCTAssertEqual(result.status, 0, "training went on to the end: " + result.standardError)
        XCTAssertTrue(result.standardOutput.contains("test accuracy"), result.standardOutput)
        let warnings = result.standardError.split(separator: "\n").filter { $0.hasPrefix("warning: ") }
        XCTAssertEqual(warnings.filter { $0.contains("run log") }.count, 1, "the log's failure is said once: \(result.standardError)")
        XCTAssertTrue(warnings.contains { $0.contains("step-000010.ckpt") && $0.contains("No space left on device") }, result.standardError)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: checkpoints), ["step-000005.ckpt"],
                       "the first checkpoint, and no temporary files")
        XCTAssertEqual(try Checkpoint.read(from: checkpoints + "/step-000005.ckpt").step, 5, "the previous checkpoint is intact")
        let lines = try String(contentsOfFile: logs + "/run.jsonl", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines.dropLast() {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)), "every complete line of the log is JSON")
        }
    }
}
