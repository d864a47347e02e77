import Foundation
import Training
import XCTest

/// Checkpoints through the real binary: a run stopped on purpose and resumed from its
/// checkpoint ends with bitwise the weights of the same run left alone, and logs the same
/// numbers; a damaged checkpoint is refused.
final class CheckpointCommandLineTests: XCTestCase {
    private let run = ["run", "--data", "embedded", "--epochs", "3", "--batch", "64", "--method", "rigl", "--sparsity", "0.8",
                       "--eval-every", "11", "--seed", "5"]

    func testAResumedRunEndsBitwiseWhereTheUninterruptedOneDoes() throws {
        let whole = PrunetopProcess.temporaryPath("whole"), parts = PrunetopProcess.temporaryPath("parts")
        let wholeLog = PrunetopProcess.temporaryPath("whole.jsonl"), resumedLog = PrunetopProcess.temporaryPath("resumed.jsonl")
        let uninterrupted = try PrunetopProcess.run(run + ["--checkpoint-every", "66", "--checkpoint-dir", whole, "--jsonl", wholeLog])
        XCTAssertEqual(uninterrupted.status, 0, uninterrupted.standardError)

        let first = try PrunetopProcess.run(run + ["--stop-after-steps", "25", "--checkpoint-every", "25", "--checkpoint-dir", parts])
        XCTAssertEqual(first.status, 0, "stopped on purpose before the end: " + first.standardError)
        XCTAssertTrue(first.standardOutput.contains("after 25 steps (stopped as asked)"), first.standardOutput)
        let resumed = try PrunetopProcess.run(["run", "--resume", parts + "/step-000025.ckpt", "--checkpoint-every", "66",
                                               "--checkpoint-dir", parts, "--jsonl", resumedLog])
        XCTAssertEqual(resumed.status, 0, resumed.standardError)

        let a = try Checkpoint.read(from: whole + "/step-000066.ckpt"), b = try Checkpoint.read(from: parts + "/step-000066.ckpt")
        XCTAssertEqual(a.parameters.map(\.name), b.parameters.map(\.name))
        for (x, y) in zip(a.parameters, b.parameters) {
            XCTAssertEqual(x.values.map(\.bitPattern), y.values.map(\.bitPattern), "\(x.name) differs after resume")
        }
        XCTAssertEqual(a.sparsity.masks, b.sparsity.masks)
        XCTAssertEqual(b.config.sparsity.method, "rigl", "the checkpoint carried the command line's settings")

        func evaluations(_ path: String) throws -> [String: Double] {
            Dictionary(uniqueKeysWithValues: try PrunetopProcess.jsonLines(path).filter { $0["event"] as? String == "eval" }.map {
                ("\($0["step"] as? Int ?? -1)", try XCTUnwrap($0["test_loss"] as? Double))
            })
        }
        let wholeEvaluations = try evaluations(wholeLog), resumedEvaluations = try evaluations(resumedLog)
        XCTAssertEqual(resumedEvaluations.keys.sorted(), ["33", "44", "55", "66"])
        for (step, loss) in resumedEvaluations { XCTAssertEqual(loss, wholeEvaluations[step], "test loss at step \(step)") }
    }

    func testADamagedOrForeignCheckpointIsRefused() throws {
        let directory = PrunetopProcess.temporaryPath("ckpt")
        let saved = try PrunetopProcess.run(["run", "--data", "embedded", "--epochs", "1", "--checkpoint-every", "5",
                                             "--checkpoint-dir", directory, "--stop-after-steps", "5"])
        XCTAssertEqual(saved.status, 0, saved.standardError)
        let path = directory + "/step-000005.ckpt"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path + ".half"))
        bytes[bytes.count - 10] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path + ".flipped"))
        try Data("hello".utf8).write(to: URL(fileURLWithPath: path + ".foreign"))
        for (suffix, expected) in [(".half", "truncated"), (".flipped", "CRC32"), (".foreign", "not a prunetop checkpoint")] {
            let result = try PrunetopProcess.run(["run", "--resume", path + suffix])
            XCTAssertEqual(result.status, 64, suffix)
            XCTAssertTrue(result.standardError.contains(path + suffix) && result.standardError.contains(expected),
                          "\(suffix): \(result.standardError)")
        }
        let mixed = try PrunetopProcess.run(["run", "--resume", path, "--epochs", "9"])
        XCTAssertEqual(mixed.status, 64)
        XCTAssertTrue(mixed.standardError.contains("give no recipe, --set or training flags with it"), mixed.standardError)
    }
}
