import Foundation
import Training
import XCTest

enum CheckpointTestSupport {
    /// A fresh directory, removed when the test ends.
    static func temporaryDirectory(_ test: XCTestCase) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prunetop-ckpt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// The exact bits of every value, so that comparisons are bitwise (-0 is not 0, NaN is NaN).
    static func bits(_ arrays: [[Float]]) -> [[UInt32]] { arrays.map { $0.map(\.bitPattern) } }

    /// `DatasetLoader.embeddedDigits()` at the digits' native 8x8: the 28x28 images are
    /// those pixels repeated 3x3 from (2, 2), so one pixel of each block gives them back.
    static let nativeResolutionDigits: ImageDataset = {
        let digits = DatasetLoader.embeddedDigits()
        func native(_ images: [UInt8]) -> [UInt8] {
            var pixels: [UInt8] = []
            for start in stride(from: 0, to: images.count, by: 28 * 28) {
                for row in 0..<8 {
                    for column in 0..<8 { pixels.append(images[start + (2 + 3 * row) * 28 + 2 + 3 * column]) }
                }
            }
            return pixels
        }
        return ImageDataset(name: "digits-8x8 (embedded, native size)", source: "embedded", rows: 8, columns: 8,
                            trainImages: native(digits.trainImages), trainLabels: digits.trainLabels,
                            testImages: native(digits.testImages), testLabels: digits.testLabels)
    }()

    /// lenet300 on the embedded digits, 22 steps an epoch at batch 64.
    static func config(_ sparsity: SparsityConfig = SparsityConfig(), epochs: Int = 2, batch: Int = 64,
                       optimizer: OptimizerConfig = .defaultSGD) -> RunConfig {
        var config = RunConfig()
        config.epochs = epochs
        config.batchSize = batch
        config.seed = 3
        config.optimizer = optimizer
        config.sparsity = sparsity
        return config
    }

    /// The thrown `CheckpointError`, or a failure when something else (or nothing) is thrown.
    static func checkpointError<T>(_ body: () throws -> T, file: StaticString = #filePath, line: UInt = #line) -> CheckpointError? {
        do {
            _ = try body()
            XCTFail("expected a CheckpointError, nothing was thrown", file: file, line: line)
        } catch let error as CheckpointError {
            return error
        } catch {
            XCTFail("expected a CheckpointError, got \(error)", file: file, line: line)
        }
        return nil
    }
}
