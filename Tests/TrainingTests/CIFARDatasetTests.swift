import Foundation
import Training
import XCTest

/// CIFAR-10 and CIFAR-100 binary files, written by the test in the real format.
final class CIFARDatasetTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("prunetop-cifar-tests-\(UUID().uuidString)", isDirectory: true).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    private func folder(_ name: String) throws -> String {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The `DatasetError` `body` throws, described; a failure when it throws anything else.
    private func message<T>(_ body: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            _ = try body()
            XCTFail("expected a DatasetError", file: file, line: line)
        } catch let error as DatasetError {
            return error.description
        } catch {
            XCTFail("expected a DatasetError, got \(error)", file: file, line: line)
        }
        return nil
    }

    // MARK: - Reading

    func testACIFAR10DirectoryLoadsEveryTrainingBatchInOrder() throws {
        let path = try folder("cifar10")
        let batch1 = CIFARTestFiles.records(0, count: 3), batch2 = CIFARTestFiles.records(3, count: 3)
        let test = CIFARTestFiles.records(100, count: 3)
        try CIFARTestFiles.write(batch2, format: .cifar10, to: path + "/data_batch_2.bin")
        try CIFARTestFiles.write(batch1, format: .cifar10, to: path + "/data_batch_1.bin")
        try CIFARTestFiles.write(test, format: .cifar10, to: path + "/test_batch.bin")
        try Data("airplane\n".utf8).write(to: URL(fileURLWithPath: path + "/batches.meta.txt"))

        let dataset = try DatasetLoader.load(directory: path)
        XCTAssertEqual(dataset.name, "cifar10")
        XCTAssertEqual(dataset.source, path)
        XCTAssertEqual([dataset.channels, dataset.rows, dataset.columns], [3, 32, 32])
        XCTAssertEqual(dataset.sampleShape, [3, 32, 32])
        XCTAssertEqual(dataset.valuesPerImage, 3072)
        XCTAssertEqual(dataset.pixelsPerImage, 3072, "bytes per image, as before colour")
        XCTAssertEqual(dataset.classCount, 10, "CIFAR-10's classes, whatever labels occur")
        XCTAssertEqual(dataset.trainCount, 6)
        XCTAssertEqual(dataset.testCount, 3)
        XCTAssertEqual(dataset.trainLabels, (batch1 + batch2).map(\.label), "data_batch_1 first")
        XCTAssertEqual(dataset.trainLabels, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(dataset.testLabels, test.map(\.label))
        XCTAssertEqual(dataset.trainImages, (batch1 + batch2).flatMap(\.image))
        XCTAssertEqual(dataset.testImages, test.flatMap(\.image))
        XCTAssertEqual(Array(dataset.trainImage(4)), batch2[1].image)
    }

    /// CHW: the file's 1024 red, then green, then blue bytes; a lone green pixel at row 5,
    /// column 7 is byte 1024 + 5 * 32 + 7 of the image, and lands at [1, 5, 7] in a batch.
    func testImagesKeepTheFilesChannelOrder() throws {
        let path = try folder("chw")
        let green = CIFARTestFiles.record(label: 3) { c, y, x in c == 1 && y == 5 && x == 7 ? 200 : 0 }
        let red = CIFARTestFiles.record(label: 1) { c, y, x in c == 0 && y == 31 && x == 0 ? 90 : 0 }
        let file = CIFARTestFiles.bytes([green], format: .cifar10)
        XCTAssertEqual(file[1 + 1024 + 5 * 32 + 7], 200, "the record as the format lays it out")
        try Data(file).write(to: URL(fileURLWithPath: path + "/data_batch_1.bin"))
        try CIFARTestFiles.write([red], format: .cifar10, to: path + "/test_batch.bin")

        let dataset = try DatasetLoader.load(directory: path)
        let image = Array(dataset.trainImage(0))
        XCTAssertEqual(image[1024 + 5 * 32 + 7], 200)
        XCTAssertEqual(image.filter { $0 != 0 }.count, 1)
        XCTAssertEqual(Array(dataset.testImage(0))[31 * 32], 90)

        let sampler = BatchSampler(dataset: dataset, batchSize: 1, seed: 0)
        let (images, labels) = sampler.batch(trainIndices: [0])
        XCTAssertEqual(images.shape, [1, 3, 32, 32])
        XCTAssertEqual(labels, [3])
        let brightest = images.storage.indices.max { images.storage[$0] < images.storage[$1] }!
        XCTAssertEqual(brightest, 1 * 1024 + 5 * 32 + 7, "channel 1, row 5, column 7")
    }

    /// Any of data_batch_1 ... data_batch_5 that exist, at least one, in order of N.
    func testASubsetOfTheTrainingBatchesIsASmallerTrainingSet() throws {
        let path = try folder("subset")
        let batch1 = CIFARTestFiles.records(0, count: 2), batch3 = CIFARTestFiles.records(10, count: 3)
        try CIFARTestFiles.write(batch3, format: .cifar10, to: path + "/data_batch_3.bin")
        try CIFARTestFiles.write(batch1, format: .cifar10, to: path + "/data_batch_1.bin")
        try CIFARTestFiles.write(CIFARTestFiles.records(50, count: 1), format: .cifar10, to: path + "/test_batch.bin")
        try CIFARTestFiles.write(CIFARTestFiles.records(60, count: 4), format: .cifar10, to: path + "/data_batch_6.bin")
        let dataset = try DatasetLoader.load(directory: path)
        XCTAssertEqual(dataset.trainCount, 5, "data_batch_6.bin is not CIFAR-10's")
        XCTAssertEqual(dataset.trainLabels, (batch1 + batch3).map(\.label))
        XCTAssertEqual(dataset.trainImages, (batch1 + batch3).flatMap(\.image))
    }

    func testACIFAR100DirectoryIsLabelledByTheFineLabel() throws {
        let path = try folder("cifar100")
        let train = (0..<3).map { n in
            CIFARTestFiles.record(label: UInt8(97 + n), coarseLabel: UInt8(17 + n)) { c, y, x in UInt8(truncatingIfNeeded: n + c + y * x) }
        }
        let test = [CIFARTestFiles.record(label: 42, coarseLabel: 5) { c, _, _ in UInt8(c * 100) }]
        try CIFARTestFiles.write(train, format: .cifar100, to: path + "/train.bin")
        try CIFARTestFiles.write(test, format: .cifar100, to: path + "/test.bin")

        let dataset = try DatasetLoader.load(directory: path)
        XCTAssertEqual(dataset.classCount, 100)
        XCTAssertEqual(dataset.trainLabels, [97, 98, 99], "fine labels, not the coarse 17, 18, 19")
        XCTAssertEqual(dataset.testLabels, [42])
        XCTAssertEqual(dataset.trainImages, train.flatMap(\.image))
        XCTAssertEqual(Array(dataset.testImage(0))[2048], 200, "the blue plane starts at byte 2048")
        XCTAssertEqual(dataset.sampleShape, [3, 32, 32])

        let batch = try CIFARFile.read(path: path + "/train.bin", format: .cifar100)
        XCTAssertEqual(batch.coarseLabels, [17, 18, 19])
        XCTAssertEqual(batch.labels, [97, 98, 99])
    }

    /// What the official tarballs extract to, one level down; the tarball's own directory
    /// named directly is called by the data set's name.
    func testTheTarballsDirectoriesAreFoundOneLevelDown() throws {
        let ten = try folder("downloads/cifar-10-batches-bin")
        try CIFARTestFiles.write(CIFARTestFiles.records(0, count: 2), format: .cifar10, to: ten + "/data_batch_1.bin")
        try CIFARTestFiles.write(CIFARTestFiles.records(5, count: 1), format: .cifar10, to: ten + "/test_batch.bin")
        let nested = try DatasetLoader.load(directory: directory + "/downloads")
        XCTAssertEqual(nested.name, "downloads")
        XCTAssertEqual(nested.source, ten)
        XCTAssertEqual(nested.trainCount, 2)
        XCTAssertEqual(try DatasetLoader.load(directory: ten).name, "cifar-10")

        let hundred = try folder("other/cifar-100-binary")
        try CIFARTestFiles.write(CIFARTestFiles.records(0, count: 3, classes: 100), format: .cifar100, to: hundred + "/train.bin")
        try CIFARTestFiles.write(CIFARTestFiles.records(7, count: 2, classes: 100), format: .cifar100, to: hundred + "/test.bin")
        let cifar100 = try DatasetLoader.load(directory: directory + "/other")
        XCTAssertEqual(cifar100.classCount, 100)
        XCTAssertEqual(cifar100.testLabels, [7, 8])
        XCTAssertEqual(try DatasetLoader.load(directory: hundred).name, "cifar-100")

        // Both tarballs side by side: which one is meant?
        try FileManager.default.moveItem(atPath: hundred, toPath: directory + "/downloads/cifar-100-binary")
        XCTAssertEqual(message(try DatasetLoader.load(directory: directory + "/downloads")),
                       "\(directory!)/downloads: 2 files could be the data set, expected exactly one: cifar-10-batches-bin, "
                           + "cifar-100-binary (point at a directory holding only one data set)")
    }

    // MARK: - Refusals

    func testAFileEndingInsideARecordSaysWhichRecordAndHowManyBytes() throws {
        let path = try folder("cut")
        let records = CIFARTestFiles.records(0, count: 3)
        let file = path + "/data_batch_1.bin"
        try Data(CIFARTestFiles.bytes(records, format: .cifar10) + [UInt8](repeating: 7, count: 100))
            .write(to: URL(fileURLWithPath: file))
        try CIFARTestFiles.write(records, format: .cifar10, to: path + "/test_batch.bin")
        XCTAssertEqual(message(try DatasetLoader.load(directory: path)),
                       "\(file): not a whole number of CIFAR-10 records: expected a multiple of 3073 bytes "
                           + "(1 label byte, 3072 pixel bytes a record), found 9319 bytes: 3 whole records and 100 bytes "
                           + "of an incomplete record 3")
        // A CIFAR-100 file cut one byte short of its second record.
        let hundred = try folder("cut100")
        let test = hundred + "/test.bin"
        try CIFARTestFiles.write(records, format: .cifar100, to: hundred + "/train.bin")
        try Data(CIFARTestFiles.bytes(Array(records.prefix(2)), format: .cifar100).dropLast())
            .write(to: URL(fileURLWithPath: test))
        XCTAssertEqual(message(try DatasetLoader.load(directory: hundred)),
                       "\(test): not a whole number of CIFAR-100 records: expected a multiple of 3074 bytes "
                           + "(a coarse and a fine label byte, 3072 pixel bytes a record), found 6147 bytes: 1 whole record "
                           + "and 3073 bytes of an incomplete record 1")
        try Data().write(to: URL(fileURLWithPath: test))
        XCTAssertEqual(message(try DatasetLoader.load(directory: hundred)),
                       "\(test): empty CIFAR-100 file: expected at least one 3074-byte record "
                           + "(a coarse and a fine label byte, 3072 pixel bytes), found 0 bytes")
    }

    func testALabelOutsideTheFormatsClassesNamesItsRecord() throws {
        let path = try folder("label10")
        var records = CIFARTestFiles.records(0, count: 3)
        records[2].label = 10
        let file = try CIFARTestFiles.write(records, format: .cifar10, to: path + "/data_batch_2.bin")
        try CIFARTestFiles.write(CIFARTestFiles.records(0, count: 1), format: .cifar10, to: path + "/test_batch.bin")
        XCTAssertEqual(message(try DatasetLoader.load(directory: path)),
                       "\(file): record 2 has label 10, expected a CIFAR-10 label from 0 to 9")

        let hundred = try folder("label100")
        var fine = CIFARTestFiles.records(0, count: 2, classes: 100)
        fine[1].label = 100
        let train = try CIFARTestFiles.write(fine, format: .cifar100, to: hundred + "/train.bin")
        try CIFARTestFiles.write(CIFARTestFiles.records(0, count: 1, classes: 100), format: .cifar100, to: hundred + "/test.bin")
        XCTAssertEqual(message(try DatasetLoader.load(directory: hundred)),
                       "\(train): record 1 has fine label 100, expected a CIFAR-100 fine label from 0 to 99")
        fine[1].label = 99
        fine[0].coarseLabel = 20
        try CIFARTestFiles.write(fine, format: .cifar100, to: train)
        XCTAssertEqual(message(try DatasetLoader.load(directory: hundred)),
                       "\(train): record 0 has coarse label 20, expected a CIFAR-100 coarse label from 0 to 19")
    }

    func testAMissingHalfIsRefusedSayingWhatWasFoundAndWhatIsMissing() throws {
        let path = try folder("no-test")
        try CIFARTestFiles.write(CIFARTestFiles.records(0, count: 3), format: .cifar10, to: path + "/data_batch_1.bin")
        try CIFARTestFiles.write(CIFARTestFiles.records(3, count: 3), format: .cifar10, to: path + "/data_batch_4.bin")
        XCTAssertEqual(message(try DatasetLoader.load(directory: path)),
                       "\(path): CIFAR-10 data without its test batch: found data_batch_1.bin, data_batch_4.bin; "
                           + "expected test_batch.bin as well")

        let onlyTest = try folder("no-train")
        try CIFARTestFiles.write(CIFARTestFiles.records(0, count: 3), format: .cifar10, to: onlyTest + "/test_batch.bin")
        XCTAssertEqual(message(try DatasetLoader.load(directory: onlyTest)),
                       "\(onlyTest): CIFAR-10 data without its training batches: found test_batch.bin; "
                           + "expected at least one of data_batch_1.bin to data_batch_5.bin as well")

        let hundred = try folder("no-test-100")
        try CIFARTestFiles.write(CIFARTestFiles.records(0, count: 1), format: .cifar100, to: hundred + "/train.bin")
        XCTAssertEqual(message(try DatasetLoader.load(directory: hundred)),
                       "\(hundred): CIFAR-100 data without its test file: found train.bin; expected test.bin as well")

        let empty = try folder("outer/cifar-10-batches-bin")
        XCTAssertEqual(message(try DatasetLoader.load(directory: directory + "/outer")),
                       "\(empty): no CIFAR-10 files: expected at least one of data_batch_1.bin to data_batch_5.bin "
                           + "and test_batch.bin")
    }

    func testFilesOfTwoFormatsSideBySideAreAmbiguous() throws {
        let path = try folder("mixed")
        try CIFARTestFiles.write(CIFARTestFiles.records(0, count: 1), format: .cifar10, to: path + "/test_batch.bin")
        try CIFARTestFiles.write(CIFARTestFiles.records(0, count: 1), format: .cifar100, to: path + "/train.bin")
        XCTAssertEqual(message(try DatasetLoader.load(directory: path)),
                       "\(path): 2 files could be the data set, expected exactly one: test_batch.bin (CIFAR-10), "
                           + "train.bin (CIFAR-100) (point at a directory holding only one data set)")
        try FileManager.default.removeItem(atPath: path + "/train.bin")
        try Data([0, 0, 8, 1, 0, 0, 0, 0]).write(to: URL(fileURLWithPath: path + "/train-labels-idx1-ubyte"))
        XCTAssertEqual(message(try DatasetLoader.load(directory: path)),
                       "\(path): 2 files could be the data set, expected exactly one: test_batch.bin (CIFAR-10), "
                           + "train-labels-idx1-ubyte (IDX) (point at a directory holding only one data set)")
    }

    func testTheReaderRefusesWhatTheLoaderWouldOnRawBytes() {
        XCTAssertThrowsError(try CIFARFile.parse([1, 2, 3], path: "x.bin", format: .cifar10)) {
            XCTAssertEqual($0 as? DatasetError, .partialRecord(path: "x.bin", format: .cifar10, wholeRecords: 0, leftoverBytes: 3))
        }
        let one = CIFARTestFiles.bytes(CIFARTestFiles.records(9, count: 1), format: .cifar10)
        XCTAssertEqual(try CIFARFile.parse(one, path: "x.bin", format: .cifar10).labels, [9])
        XCTAssertThrowsError(try CIFARFile.parse(one, path: "x.bin", format: .cifar100), "3073 bytes are not CIFAR-100 records")
    }
}
