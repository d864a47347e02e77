import Foundation
import Training

/// CIFAR batch files written byte by byte in the official format (a record is the label
/// byte(s), then 1024 red, 1024 green and 1024 blue bytes, each plane row-major), for tests.
enum CIFARTestFiles {
    /// One sample: its labels and its 3072 image bytes in the file's (CHW) order.
    struct Record {
        var coarseLabel: UInt8 = 0
        var label: UInt8
        var image: [UInt8]
    }

    /// A record whose byte at channel c, row y, column x is `pixel(c, y, x)`.
    static func record(label: UInt8, coarseLabel: UInt8 = 0, pixel: (Int, Int, Int) -> UInt8) -> Record {
        var image: [UInt8] = []
        image.reserveCapacity(CIFARFormat.imageBytes)
        for c in 0..<3 { for y in 0..<32 { for x in 0..<32 { image.append(pixel(c, y, x)) } } }
        return Record(coarseLabel: coarseLabel, label: label, image: image)
    }

    /// Records `first..<first+count` of a reproducible set: pixel bytes from the record's
    /// number and position, labels `number % classes`.
    static func records(_ first: Int, count: Int, classes: Int = 10) -> [Record] {
        (first..<(first + count)).map { n in
            record(label: UInt8(n % classes), coarseLabel: UInt8(n % 20)) { c, y, x in
                UInt8(truncatingIfNeeded: n * 31 + c * 85 + y * 7 + x * 3)
            }
        }
    }

    /// The bytes of a batch file of `format` holding `records`.
    static func bytes(_ records: [Record], format: CIFARFormat) -> [UInt8] {
        records.flatMap { ((format == .cifar100 ? [$0.coarseLabel] : []) + [$0.label]) + $0.image }
    }

    @discardableResult
    static func write(_ records: [Record], format: CIFARFormat, to path: String) throws -> String {
        try Data(bytes(records, format: format)).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A CIFAR-10 directory of `trainCount` training records (split evenly over `batches`
    /// data_batch files) and `testCount` test records. Labels 0-9 at random from `seed`;
    /// the red plane is noise around label x 25 (learnable), green and blue pure noise.
    static func writeRandomCIFAR10(in directory: String, trainCount: Int, testCount: Int, batches: Int = 2,
                                   seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        func random(_ count: Int) -> [Record] {
            (0..<count).map { _ in
                let label = UInt8(generator.next() % 10)
                var image = [UInt8](repeating: 0, count: CIFARFormat.imageBytes)
                for i in image.indices {
                    let noise = UInt8(truncatingIfNeeded: generator.next())
                    image[i] = i < 1024 ? label * 25 + noise % 25 : noise
                }
                return Record(label: label, image: image)
            }
        }
        let perBatch = trainCount / batches
        for batch in 1...batches {
            let count = batch == batches ? trainCount - perBatch * (batches - 1) : perBatch
            try write(random(count), format: .cifar10, to: directory + "/data_batch_\(batch).bin")
        }
        try write(random(testCount), format: .cifar10, to: directory + "/test_batch.bin")
    }
}
