import Foundation
import XCTest

/// CIFAR data through the real binary: `--data` on a CIFAR-10 directory, augmentation from
/// the flag or the recipe, the colour shape in the run log, and a damaged file refused.
final class CIFARCommandLineTests: XCTestCase {
    private var root: String!
    /// The tarball's directory, as it extracts.
    private var directory: String { root + "/cifar-10-batches-bin" }

    /// 128 training images in data_batch_1.bin and 32 test images, random bytes and labels.
    override func setUpWithError() throws {
        root = PrunetopProcess.temporaryPath("cifar")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var state: UInt64 = 7
        func records(_ count: Int) -> Data {
            var bytes: [UInt8] = []
            for _ in 0..<count {
                for index in 0..<3073 {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    bytes.append(index == 0 ? UInt8((state >> 33) % 10) : UInt8(truncatingIfNeeded: state >> 40))
                }
            }
            return Data(bytes)
        }
        try records(128).write(to: URL(fileURLWithPath: directory + "/data_batch_1.bin"))
        try records(32).write(to: URL(fileURLWithPath: directory + "/test_batch.bin"))
    }

    override func tearDownWithError() throws {
        if let root { try? FileManager.default.removeItem(atPath: root) }
    }

    private func startEvent(_ arguments: [String]) throws -> [String: Any] {
        let log = PrunetopProcess.temporaryPath("cifar.jsonl")
        defer { try? FileManager.default.removeItem(atPath: log) }
        let result = try PrunetopProcess.run(["run", "--headless", "--data", directory, "--epochs", "1", "--batch", "32",
                                              "--jsonl", log] + arguments)
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("lenet300 on cifar-10: test accuracy"), result.standardOutput)
        return try XCTUnwrap(PrunetopProcess.jsonLines(log).first)
    }

    func testACIFARDirectoryRunsAndItsLogRecordsTheChannels() throws {
        let start = try startEvent(["--augment"])
        let dataset = try XCTUnwrap(start["dataset"] as? [String: Any])
        XCTAssertEqual(dataset["name"] as? String, "cifar-10")
        XCTAssertEqual(dataset["channels"] as? Int, 3)
        XCTAssertEqual(dataset["rows"] as? Int, 32)
        XCTAssertEqual(dataset["columns"] as? Int, 32)
        XCTAssertEqual(dataset["classes"] as? Int, 10)
        XCTAssertEqual(dataset["train"] as? Int, 128)
        XCTAssertEqual((start["config"] as? [String: Any])?["augment"] as? Bool, true)
        let prunable = try XCTUnwrap(start["prunable"] as? [[String: Any]])
        XCTAssertEqual(prunable.first?["params"] as? Int, 300 * 3072, "fc1 reads 3 channels of 32x32")

        XCTAssertEqual((try startEvent([])["config"] as? [String: Any])?["augment"] as? Bool, false, "off by default")
    }

    func testTheRecipesAugmentationAndTheFlagThatOverridesIt() throws {
        let recipe = PrunetopProcess.temporaryPath("augment.yaml")
        defer { try? FileManager.default.removeItem(atPath: recipe) }
        try "data:\n  source: \(directory)\n  augment: true\nepochs: 1\nbatch: 32\n".write(toFile: recipe, atomically: true, encoding: .utf8)
        for (flags, expected) in [([String](), true), (["--no-augment"], false)] {
            let log = PrunetopProcess.temporaryPath("recipe.jsonl")
            defer { try? FileManager.default.removeItem(atPath: log) }
            let result = try PrunetopProcess.run(["run", recipe, "--jsonl", log] + flags)
            XCTAssertEqual(result.status, 0, result.standardError)
            let config = try XCTUnwrap(PrunetopProcess.jsonLines(log).first?["config"] as? [String: Any])
            XCTAssertEqual(config["augment"] as? Bool, expected, "\(flags)")
        }
    }

    func testADamagedBatchFileIsRefusedNamingItsRecord() throws {
        let file = directory + "/data_batch_1.bin"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        try bytes.prefix(3073 * 5 + 10).write(to: URL(fileURLWithPath: file))
        let result = try PrunetopProcess.run(["run", "--headless", "--data", directory, "--epochs", "1"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains(
            "\(file): not a whole number of CIFAR-10 records: expected a multiple of 3073 bytes (1 label byte, 3072 pixel bytes "
                + "a record), found 15375 bytes: 5 whole records and 10 bytes of an incomplete record 5"), result.standardError)
    }
}
