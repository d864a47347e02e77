import Foundation
import Training
import XCTest

/// Per-channel normalisation of the batches.
final class BatchSamplerTests: XCTestCase {
    /// A colour data set in memory: 40 training and 8 test images of 3x6x5 whose red,
    /// green and blue bytes have different ranges (red bright, blue dark), so one mean and
    /// deviation for all channels would leave each channel off centre.
    private static let colour: ImageDataset = {
        var generator = SeededGenerator(seed: 11)
        func images(_ count: Int) -> [UInt8] {
            (0..<(count * 90)).map { i in
                let channel = (i % 90) / 30
                let byte = UInt8(truncatingIfNeeded: generator.next())
                return [200 + byte % 56, 60 + byte % 100, byte % 30][channel]
            }
        }
        return ImageDataset(name: "colour", source: "memory", channels: 3, rows: 6, columns: 5, classCount: 4,
                            trainImages: images(40), trainLabels: (0..<40).map { UInt8($0 % 4) },
                            testImages: images(8), testLabels: (0..<8).map { UInt8($0 % 4) })
    }()

    private func all(_ count: Int) -> ArraySlice<Int32> { (0..<Int32(count)).map { $0 }[...] }

    /// The value at [sample, channel, row, column] of an NCHW tensor.
    private func value(_ tensor: Tensor, _ n: Int, _ c: Int, _ y: Int, _ x: Int) -> Float {
        let (channels, rows, columns) = (tensor.shape[1], tensor.shape[2], tensor.shape[3])
        return tensor.storage[((n * channels + c) * rows + y) * columns + x]
    }

    // MARK: - Normalisation

    func testEachColourChannelIsNormalisedToZeroMeanAndUnitDeviation() throws {
        let dataset = Self.colour
        let sampler = BatchSampler(dataset: dataset, batchSize: 10, seed: 1)
        XCTAssertEqual(sampler.sampleShape, [3, 6, 5])
        XCTAssertEqual(sampler.scales.count, 3)
        let (images, labels) = sampler.batch(trainIndices: all(dataset.trainCount))
        XCTAssertEqual(images.shape, [40, 3, 6, 5])
        XCTAssertEqual(labels.map { UInt8($0) }, dataset.trainLabels)
        for channel in 0..<3 {
            var values: [Double] = []
            for n in 0..<40 { for y in 0..<6 { for x in 0..<5 { values.append(Double(value(images, n, channel, y, x))) } } }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
            XCTAssertEqual(mean, 0, accuracy: 1e-4, "channel \(channel)")
            XCTAssertEqual(variance, 1, accuracy: 1e-3, "channel \(channel)")
        }
        // Each value is its own byte, through its own channel's scale and offset (CHW).
        let byte = Array(dataset.trainImage(7))[2 * 30 + 4 * 5 + 1]
        XCTAssertEqual(value(images, 7, 2, 4, 1), Float(byte) * sampler.scales[2] + sampler.offsets[2])
        XCTAssertNotEqual(sampler.offsets[0], sampler.offsets[2])
    }

    func testColourCIFARFilesAreNormalisedPerChannel() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prunetop-cifar-norm-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try CIFARTestFiles.writeRandomCIFAR10(in: path, trainCount: 64, testCount: 8, seed: 5)
        let dataset = try DatasetLoader.load(directory: path)
        let (images, _) = BatchSampler(dataset: dataset, batchSize: 8, seed: 0).batch(trainIndices: all(64))
        XCTAssertEqual(images.shape, [64, 3, 32, 32])
        for channel in 0..<3 {
            var sum = 0.0, squares = 0.0
            for n in 0..<64 {
                let start = (n * 3 + channel) * 1024
                for value in images.storage[start..<(start + 1024)] { sum += Double(value); squares += Double(value) * Double(value) }
            }
            let mean = sum / (64 * 1024)
            XCTAssertEqual(mean, 0, accuracy: 1e-4, "channel \(channel)")
            XCTAssertEqual(squares / (64 * 1024) - mean * mean, 1, accuracy: 1e-3, "channel \(channel)")
        }
    }

    /// Greyscale keeps the numbers of the sampler before colour: one scale and offset from
    /// all the bytes, (byte/255 - mean)/std, so existing runs are bitwise the same.
    func testGreyscaleIsNormalisedExactlyAsBefore() throws {
        let dataset = DatasetLoader.embeddedDigits()
        // The single-channel formula, as it was.
        var histogram = [Int](repeating: 0, count: 256)
        for pixel in dataset.trainImages { histogram[Int(pixel)] += 1 }
        let count = Double(dataset.trainImages.count)
        let mean = histogram.enumerated().reduce(0.0) { $0 + Double($1.offset) / 255 * Double($1.element) } / count
        let variance = histogram.enumerated().reduce(0.0) {
            let d = Double($1.offset) / 255 - mean
            return $0 + d * d * Double($1.element)
        } / count
        let std = max(variance.squareRoot(), 1e-6)
        let (scale, offset) = (Float(1 / (255 * std)), Float(-mean / std))

        let sampler = BatchSampler(dataset: dataset, batchSize: 100, seed: 3)
        XCTAssertEqual(sampler.scales.map(\.bitPattern), [scale.bitPattern])
        XCTAssertEqual(sampler.offsets.map(\.bitPattern), [offset.bitPattern])
        let (images, _) = sampler.testBatch(0..<dataset.testCount)
        XCTAssertEqual(images.shape, [360, 1, 28, 28])
        XCTAssertEqual(images.storage.map(\.bitPattern), dataset.testImages.map { (Float($0) * scale + offset).bitPattern })
    }
}
