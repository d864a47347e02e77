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

    /// Data edited in place (same files, names and counts) after a checkpoint is noticed
    /// by its content: resuming is refused, saying what changed, unless it is allowed.
    func testResumingOnDataEditedInPlaceIsRefusedUnlessAllowed() throws {
        let data = PrunetopProcess.temporaryPath("idx"), checkpoints = PrunetopProcess.temporaryPath("ckpt")
        defer { for path in [data, checkpoints] { try? FileManager.default.removeItem(atPath: path) } }
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        func idx(_ dimensions: [Int], _ bytes: [UInt8]) -> Data {
            var header: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
            for dimension in dimensions { header += withUnsafeBytes(of: UInt32(dimension).bigEndian, Array.init) }
            return Data(header + bytes)
        }
        let pixels = { (count: Int) in (0..<(count * 64)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ $0 / 64) } }
        let labels = { (count: Int) in (0..<count).map { UInt8($0 % 10) } }
        try idx([200, 8, 8], pixels(200)).write(to: URL(fileURLWithPath: data + "/train-images-idx3-ubyte"))
        try idx([200], labels(200)).write(to: URL(fileURLWithPath: data + "/train-labels-idx1-ubyte"))
        try idx([50, 8, 8], pixels(50)).write(to: URL(fileURLWithPath: data + "/t10k-images-idx3-ubyte"))
        try idx([50], labels(50)).write(to: URL(fileURLWithPath: data + "/t10k-labels-idx1-ubyte"))

        let saved = try PrunetopProcess.run(["run", "--data", data, "--epochs", "3", "--batch", "20", "--checkpoint-every", "5",
                                             "--checkpoint-dir", checkpoints, "--stop-after-steps", "5"])
        XCTAssertEqual(saved.status, 0, saved.standardError)
        let checkpoint = checkpoints + "/step-000005.ckpt"

        var edited = try Data(contentsOf: URL(fileURLWithPath: data + "/train-labels-idx1-ubyte"))
        edited[edited.count - 1] = 3  // one label, same count
        try edited.write(to: URL(fileURLWithPath: data + "/train-labels-idx1-ubyte"))
        let refused = try PrunetopProcess.run(["run", "--resume", checkpoint])
        XCTAssertEqual(refused.status, 64, refused.standardError)
        XCTAssertTrue(refused.standardError.contains("the data given differs: the training labels differ (CRC-32 0x"), refused.standardError)
        XCTAssertTrue(refused.standardError.contains("(--allow-data-change resumes on it anyway)"), refused.standardError)
        XCTAssertFalse(refused.standardError.contains("Usage:"), refused.standardError)

        let allowed = try PrunetopProcess.run(["run", "--resume", checkpoint, "--allow-data-change"])
        XCTAssertEqual(allowed.status, 0, allowed.standardError)
        XCTAssertTrue(allowed.standardError.contains("note: resuming on changed data: the training labels differ"), allowed.standardError)

        let misplaced = try PrunetopProcess.run(["run", "--data", data, "--allow-data-change"])
        XCTAssertEqual(misplaced.status, 64)
        XCTAssertTrue(misplaced.standardError.contains("--allow-data-change: applies to --resume only"), misplaced.standardError)
    }
}
