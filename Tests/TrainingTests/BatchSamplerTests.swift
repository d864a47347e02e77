import Foundation
import Training
import XCTest

/// Per-channel normalisation and the deterministic crops and flips of training batches.
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
        // Without augmentation a training step's batch is the plain gather.
        let indices = sampler.permutation(epoch: 0)[0..<100]
        XCTAssertEqual(sampler.trainingBatch(step: 0, indices: indices).images.storage.map(\.bitPattern),
                       sampler.batch(trainIndices: indices).images.storage.map(\.bitPattern))
    }

    // MARK: - Augmentation

    func testTheSameSeedStepAndPositionGiveTheSameBatch() {
        let a = BatchSampler(dataset: Self.colour, batchSize: 10, seed: 21, augmentation: .standard)
        let b = BatchSampler(dataset: Self.colour, batchSize: 10, seed: 21, augmentation: .standard)
        let indices = a.permutation(epoch: 0)[0..<10]
        let first = a.trainingBatch(step: 3, indices: indices)
        XCTAssertEqual(first.images.storage.map(\.bitPattern), b.trainingBatch(step: 3, indices: indices).images.storage.map(\.bitPattern))
        XCTAssertEqual(first.images.storage.map(\.bitPattern), a.trainingBatch(step: 3, indices: indices).images.storage.map(\.bitPattern))
        XCTAssertEqual(first.labels, a.batch(trainIndices: indices).labels)
        XCTAssertNotEqual(first.images.storage, a.batch(trainIndices: indices).images.storage, "augmented at all")
        let otherSeed = BatchSampler(dataset: Self.colour, batchSize: 10, seed: 22, augmentation: .standard)
        XCTAssertNotEqual(first.images.storage, otherSeed.trainingBatch(step: 3, indices: indices).images.storage)
    }

    func testAnotherStepGivesOtherCropsOfTheSameSamples() {
        let sampler = BatchSampler(dataset: Self.colour, batchSize: 10, seed: 21, augmentation: .standard)
        let augmentation = DataAugmentation.standard
        let step3 = (0..<10).map { augmentation.draw(seed: 21, step: 3, position: $0, batchSize: 10) }
        let step4 = (0..<10).map { augmentation.draw(seed: 21, step: 4, position: $0, batchSize: 10) }
        XCTAssertNotEqual(step3, step4)
        let indices = sampler.permutation(epoch: 0)[0..<10]
        XCTAssertNotEqual(sampler.trainingBatch(step: 3, indices: indices).images.storage,
                          sampler.trainingBatch(step: 4, indices: indices).images.storage)
    }

    /// Offsets uniform over -4...4 on each axis, flips about half the time, independently.
    func testTheDrawsCoverEveryCropAndFlipHalfTheTime() {
        let augmentation = DataAugmentation.standard
        let draws = (0..<8100).map { augmentation.draw(seed: 5, step: $0 / 128, position: $0 % 128, batchSize: 128) }
        XCTAssertEqual(Set(draws.map(\.rowShift)), Set(-4...4))
        XCTAssertEqual(Set(draws.map(\.columnShift)), Set(-4...4))
        for shift in -4...4 {
            XCTAssertEqual(Double(draws.filter { $0.rowShift == shift }.count), 900, accuracy: 120, "row shift \(shift)")
            XCTAssertEqual(Double(draws.filter { $0.columnShift == shift }.count), 900, accuracy: 120, "column shift \(shift)")
        }
        XCTAssertEqual(Double(draws.filter(\.flipped).count), 4050, accuracy: 250)
        XCTAssertEqual(Set(draws.map { "\($0.rowShift),\($0.columnShift)" }).count, 81, "the axes are independent")
        let cropOnly = DataAugmentation(padding: 2, horizontalFlip: false)
        let crops = (0..<500).map { cropOnly.draw(seed: 5, step: 0, position: $0, batchSize: 500) }
        XCTAssertFalse(crops.contains(where: \.flipped))
        XCTAssertEqual(Set(crops.map(\.columnShift)), Set(-2...2))
    }

    /// A flipped sample with no crop offset is the unaugmented sample mirrored left-right.
    func testAFlippedSampleIsTheMirroredSample() throws {
        let dataset = Self.colour
        let sampler = BatchSampler(dataset: dataset, batchSize: 10, seed: 8, augmentation: .standard)
        let (step, position) = try XCTUnwrap(find(sampler) { $0 == DataAugmentation.Draw(rowShift: 0, columnShift: 0, flipped: true) })
        let indices = sampler.permutation(epoch: 0)[0..<10]
        let augmented = sampler.trainingBatch(step: step, indices: indices).images
        let plain = sampler.batch(trainIndices: indices).images
        for c in 0..<3 {
            for y in 0..<6 {
                for x in 0..<5 {
                    XCTAssertEqual(value(augmented, position, c, y, x), value(plain, position, c, y, 4 - x), "[\(c), \(y), \(x)]")
                }
            }
        }
        // Flips alone (no padding) mirror every flipped sample and leave the others as they are.
        let flips = BatchSampler(dataset: dataset, batchSize: 10, seed: 8, augmentation: DataAugmentation(padding: 0, horizontalFlip: true))
        let flipped = flips.trainingBatch(step: 0, indices: indices).images
        var mirrored = 0
        for n in 0..<10 {
            let draw = DataAugmentation(padding: 0, horizontalFlip: true).draw(seed: 8, step: 0, position: n, batchSize: 10)
            XCTAssertEqual(draw.rowShift, 0)
            mirrored += draw.flipped ? 1 : 0
            for c in 0..<3 { for y in 0..<6 { for x in 0..<5 {
                XCTAssertEqual(value(flipped, n, c, y, x), value(plain, n, c, y, draw.flipped ? 4 - x : x))
            } } }
        }
        XCTAssertTrue((1...9).contains(mirrored), "some flipped, some not: \(mirrored)")
    }

    /// A crop moves the image by its offset; what comes from the padding is a black pixel
    /// (byte 0) normalised with its channel's scale and offset.
    func testACropShiftsTheImageAndPadsWithBlack() throws {
        let dataset = Self.colour
        let sampler = BatchSampler(dataset: dataset, batchSize: 10, seed: 8, augmentation: .standard)
        let wanted = DataAugmentation.Draw(rowShift: 2, columnShift: -3, flipped: false)
        let (step, position) = try XCTUnwrap(find(sampler) { $0 == wanted })
        let indices = sampler.permutation(epoch: 0)[0..<10]
        let augmented = sampler.trainingBatch(step: step, indices: indices).images
        let plain = sampler.batch(trainIndices: indices).images
        var padded = 0
        for c in 0..<3 {
            for y in 0..<6 {
                for x in 0..<5 {
                    let (sy, sx) = (y + 2, x - 3)
                    if (0..<6).contains(sy) && (0..<5).contains(sx) {
                        XCTAssertEqual(value(augmented, position, c, y, x), value(plain, position, c, sy, sx))
                    } else {
                        XCTAssertEqual(value(augmented, position, c, y, x), Float(0) * sampler.scales[c] + sampler.offsets[c])
                        padded += 1
                    }
                }
            }
        }
        XCTAssertEqual(padded, 3 * (6 * 5 - 4 * 2))
    }

    func testTestBatchesAndScoringBatchesAreNeverAugmented() {
        let augmented = BatchSampler(dataset: Self.colour, batchSize: 10, seed: 8, augmentation: .standard)
        let plain = BatchSampler(dataset: Self.colour, batchSize: 10, seed: 8)
        XCTAssertEqual(augmented.testBatch(0..<8).images.storage.map(\.bitPattern),
                       plain.testBatch(0..<8).images.storage.map(\.bitPattern))
        XCTAssertEqual(augmented.batch(trainIndices: all(40)).images.storage.map(\.bitPattern),
                       plain.batch(trainIndices: all(40)).images.storage.map(\.bitPattern))
    }

    /// The first (step, position) in the first 200 steps whose draw satisfies `match`.
    private func find(_ sampler: BatchSampler, _ match: (DataAugmentation.Draw) -> Bool) -> (step: Int, position: Int)? {
        guard let augmentation = sampler.augmentation else { return nil }
        for step in 0..<200 {
            for position in 0..<sampler.batchSize
            where match(augmentation.draw(seed: sampler.seed, step: step, position: position, batchSize: sampler.batchSize)) {
                return (step, position)
            }
        }
        return nil
    }
}
