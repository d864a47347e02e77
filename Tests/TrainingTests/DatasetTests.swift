import Foundation
import Training
import XCTest

final class DatasetTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("prunetop-dataset-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    // MARK: - Helpers

    /// An IDX file: magic 00 00 `type` dims.count, the sizes, then `data`.
    private func idx(type: UInt8 = 0x08, dims: [UInt32], data: [UInt8] = []) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, type, UInt8(dims.count)]
        for size in dims {
            bytes += [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
        }
        return bytes + data
    }

    private func images(count: Int, rows: Int, columns: Int, seed: Int = 0) -> [UInt8] {
        (0..<(count * rows * columns)).map { UInt8(truncatingIfNeeded: $0 * 7 + seed) }
    }

    private func imagesFile(count: Int, rows: Int, columns: Int, seed: Int = 0) -> [UInt8] {
        idx(dims: [UInt32(count), UInt32(rows), UInt32(columns)],
            data: images(count: count, rows: rows, columns: columns, seed: seed))
    }

    private func labelsFile(_ labels: [UInt8]) -> [UInt8] {
        idx(dims: [UInt32(labels.count)], data: labels)
    }

    @discardableResult
    private func write(_ bytes: [UInt8], _ name: String, in folder: URL? = nil) throws -> String {
        let url = (folder ?? directory).appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    private func subdirectory(_ name: String) throws -> URL {
        let url = directory.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Compresses `path` with gzip(1), removing the original; returns the .gz path.
    @discardableResult
    private func gzip(_ path: String) throws -> String {
        let process = Process()
        let candidates = ["/bin/gzip", "/usr/bin/gzip"]
        let executable = try XCTUnwrap(candidates.first { FileManager.default.isExecutableFile(atPath: $0) },
                                       "gzip not found")
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-n", "-f", path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "gzip \(path) failed")
        return path + ".gz"
    }

    private func gzipBytes(_ bytes: [UInt8]) throws -> [UInt8] {
        let path = try write(bytes, "blob-\(UUID().uuidString)")
        let gz = try gzip(path)
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: gz)))
        try FileManager.default.removeItem(atPath: gz)
        return data
    }

    /// Writes a complete small data set into `folder`.
    private func writeDataset(in folder: URL, trainImages: String = "train-images-idx3-ubyte",
                              trainLabels: String = "train-labels-idx1-ubyte",
                              testImages: String = "t10k-images-idx3-ubyte",
                              testLabels: String = "t10k-labels-idx1-ubyte",
                              trainCount: Int = 6, testCount: Int = 4, rows: Int = 3, columns: Int = 2,
                              classes: Int = 3, compressed: Bool = false) throws {
        let files: [(String, [UInt8])] = [
            (trainImages, imagesFile(count: trainCount, rows: rows, columns: columns, seed: 1)),
            (trainLabels, labelsFile((0..<trainCount).map { UInt8($0 % classes) })),
            (testImages, imagesFile(count: testCount, rows: rows, columns: columns, seed: 2)),
            (testLabels, labelsFile((0..<testCount).map { UInt8(($0 + 1) % classes) })),
        ]
        for (name, bytes) in files {
            let path = try write(bytes, name, in: folder)
            if compressed { try gzip(path) }
        }
    }

    /// Runs `body`, which must throw a DatasetError; hands it to `check` and verifies
    /// that its description mentions `mentioning` (the file's path) and each of `phrases`.
    private func assertDatasetError<T>(_ body: @autoclosure () throws -> T, mentioning path: String,
                                       _ phrases: [String] = [],
                                       file: StaticString = #filePath, line: UInt = #line,
                                       _ check: (DatasetError) -> Bool) {
        do {
            _ = try body()
            XCTFail("expected a DatasetError", file: file, line: line)
        } catch let error as DatasetError {
            XCTAssertTrue(check(error), "unexpected error case: \(error)", file: file, line: line)
            let text = error.description
            XCTAssertTrue(text.contains(path), "'\(text)' does not name \(path)", file: file, line: line)
            for phrase in phrases {
                XCTAssertTrue(text.contains(phrase), "'\(text)' does not say '\(phrase)'", file: file, line: line)
            }
        } catch {
            XCTFail("expected a DatasetError, got \(error)", file: file, line: line)
        }
    }

    // MARK: - IDX round trips

    func testRawIDXRoundTrip() throws {
        let pixels = images(count: 3, rows: 4, columns: 5)
        let path = try write(idx(dims: [3, 4, 5], data: pixels), "images-idx3-ubyte")
        let array = try IDXFile.read(path: path)
        XCTAssertEqual(array, IDXArray(dimensions: [3, 4, 5], bytes: pixels))
        XCTAssertEqual(try IDXFile.parse(idx(dims: [3, 4, 5], data: pixels), path: "x"), array)
    }

    func testGzippedIDXRoundTrip() throws {
        let labels: [UInt8] = (0..<1000).map { UInt8($0 % 10) }
        let path = try write(labelsFile(labels), "labels-idx1-ubyte")
        let gz = try gzip(path)
        let raw = try [UInt8](Data(contentsOf: URL(fileURLWithPath: gz)))
        XCTAssertTrue(Gzip.isCompressed(raw))
        XCTAssertFalse(Gzip.isCompressed(labelsFile(labels)))
        XCTAssertFalse(Gzip.isCompressed([0x1F]))
        XCTAssertEqual(try Gzip.decompress(raw, path: gz), labelsFile(labels))
        XCTAssertEqual(try IDXFile.read(path: gz), IDXArray(dimensions: [1000], bytes: labels))
    }

    func testLargeGzipRoundTripGrowsBuffer() throws {
        // Highly compressible, so the first output guess is far too small.
        let data = [UInt8](repeating: 0, count: 3_000_000) + images(count: 1, rows: 1000, columns: 1000)
        XCTAssertEqual(try Gzip.decompress(try gzipBytes(data), path: "big"), data)
    }

    func testConcatenatedGzipMembersAreJoined() throws {
        let first: [UInt8] = Array("hello ".utf8), second: [UInt8] = Array("world".utf8)
        let joined = try gzipBytes(first) + gzipBytes(second)
        XCTAssertEqual(try Gzip.decompress(joined, path: "two-members"), first + second)
        // Zero padding after the end is tolerated, as gzip(1) does.
        XCTAssertEqual(try Gzip.decompress(gzipBytes(first) + [0, 0, 0], path: "padded"), first)
    }

    func testZeroSizedDimensionsParse() throws {
        XCTAssertEqual(try IDXFile.parse(idx(dims: [0, 28, 28]), path: "empty"),
                       IDXArray(dimensions: [0, 28, 28], bytes: []))
    }

    // MARK: - IDX errors

    func testWrongMagicNumber() throws {
        let path = try write([0x50, 0x4B, 0x03, 0x04, 1, 2, 3], "archive.zip")
        assertDatasetError(try IDXFile.read(path: path), mentioning: path, ["50 4B 03 04", "00 00 08"]) {
            $0 == .badMagic(path: path, found: [0x50, 0x4B, 0x03, 0x04])
        }
    }

    func testUnsupportedElementType() throws {
        let path = try write(idx(type: 0x0D, dims: [2], data: [0, 0, 0, 0, 0, 0, 0, 0]), "floats-idx1")
        assertDatasetError(try IDXFile.read(path: path), mentioning: path, ["0x0D", "0x08"]) {
            $0 == .unsupportedElementType(path: path, typeCode: 0x0D)
        }
    }

    func testTruncatedData() throws {
        let path = try write(idx(dims: [3, 2, 2], data: [UInt8](repeating: 1, count: 10)), "short-idx3-ubyte")
        // header 4 + 3 * 4 = 16 bytes, data 12 bytes
        assertDatasetError(try IDXFile.read(path: path), mentioning: path, ["expected 28 bytes", "found 26"]) {
            $0 == .truncated(path: path, dimensions: [3, 2, 2], expectedBytes: 28, actualBytes: 26)
        }
    }

    func testTruncatedHeader() throws {
        let path = try write([0, 0, 8, 3, 0, 0, 0], "header-idx3-ubyte")
        assertDatasetError(try IDXFile.read(path: path), mentioning: path, ["16", "found 7"]) {
            $0 == .truncated(path: path, dimensions: [], expectedBytes: 16, actualBytes: 7)
        }
        let tiny = try write([0, 0], "tiny")
        assertDatasetError(try IDXFile.read(path: tiny), mentioning: tiny) {
            $0 == .truncated(path: tiny, dimensions: [], expectedBytes: 4, actualBytes: 2)
        }
        let empty = try write([], "empty")
        assertDatasetError(try IDXFile.read(path: empty), mentioning: empty) {
            $0 == .truncated(path: empty, dimensions: [], expectedBytes: 4, actualBytes: 0)
        }
    }

    func testTrailingGarbage() throws {
        let path = try write(labelsFile([1, 2, 3]) + [0xFF, 0xFF], "long-idx1-ubyte")
        assertDatasetError(try IDXFile.read(path: path), mentioning: path, ["expected 11 bytes", "found 13"]) {
            $0 == .trailingBytes(path: path, dimensions: [3], expectedBytes: 11, actualBytes: 13)
        }
    }

    func testHugeHeaderFailsFast() throws {
        let start = Date()
        // 2^31 images of 2^31 bytes: 2^62 bytes, representable but absent.
        let claimed = try write(idx(dims: [1 << 31, 1 << 31], data: [1, 2, 3]), "huge-idx2-ubyte")
        assertDatasetError(try IDXFile.read(path: claimed), mentioning: claimed, ["\(12 + (1 << 62))", "found 15"]) {
            $0 == .truncated(path: claimed, dimensions: [1 << 31, 1 << 31], expectedBytes: 12 + (1 << 62),
                             actualBytes: 15)
        }
        // 2^31 x 2^31 images of 28x28: the byte count overflows Int.
        let overflowing = try write(idx(dims: [1 << 31, 1 << 31, 28, 28], data: [1]), "overflow-idx4-ubyte")
        assertDatasetError(try IDXFile.read(path: overflowing), mentioning: overflowing) {
            $0 == .tooLarge(path: overflowing, dimensions: [1 << 31, 1 << 31, 28, 28], actualBytes: 21)
        }
        let maximal = idx(dims: [UInt32](repeating: UInt32.max, count: 255))
        assertDatasetError(try IDXFile.parse(maximal, path: "max"), mentioning: "max") {
            if case .tooLarge = $0 { return true }
            return false
        }
        // The same through the loader, as an images file.
        let folder = try subdirectory("huge")
        try writeDataset(in: folder)
        let images = try write(idx(dims: [1 << 31, 1 << 31, 1], data: [0]), "train-images-idx3-ubyte", in: folder)
        assertDatasetError(try DatasetLoader.load(directory: folder.path), mentioning: images) {
            if case .truncated = $0 { return true }
            return false
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2.0)
    }

    func testUnreadableFile() throws {
        let missing = directory.appendingPathComponent("nope-idx1-ubyte").path
        assertDatasetError(try IDXFile.read(path: missing), mentioning: missing, ["No such file"]) {
            if case .unreadable(missing, _) = $0 { return true }
            return false
        }
        let folder = try subdirectory("a-directory").path
        assertDatasetError(try IDXFile.read(path: folder), mentioning: folder, ["directory"]) {
            if case .unreadable(folder, _) = $0 { return true }
            return false
        }
    }

    // MARK: - Gzip errors

    func testCorruptGzipReportsZlibMessage() throws {
        // Gzip magic, then compression method 9 (only 8, deflate, exists).
        let path = try write([0x1F, 0x8B, 0x09, 0x00, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6], "bad.gz")
        assertDatasetError(try IDXFile.read(path: path), mentioning: path, ["unknown compression method"]) {
            $0 == .gzipCorrupt(path: path, message: "unknown compression method")
        }
    }

    func testTruncatedGzip() throws {
        let whole = try gzipBytes(images(count: 50, rows: 28, columns: 28))
        let path = try write(Array(whole.prefix(whole.count / 2)), "cut-idx3-ubyte.gz")
        assertDatasetError(try IDXFile.read(path: path), mentioning: path, ["unexpected end"]) {
            if case .gzipCorrupt(path, _) = $0 { return true }
            return false
        }
    }

    func testGarbageAfterGzipStream() throws {
        let data = try gzipBytes(labelsFile([1, 2])) + Array("junk".utf8)
        assertDatasetError(try Gzip.decompress(data, path: "junk.gz"), mentioning: "junk.gz", ["trailing garbage"]) {
            if case .gzipCorrupt("junk.gz", _) = $0 { return true }
            return false
        }
    }

    func testGzipBombIsRefused() throws {
        let bomb = try gzipBytes([UInt8](repeating: 0, count: 4_000_000))
        XCTAssertLessThan(bomb.count, 10_000)
        assertDatasetError(try Gzip.decompress(bomb, path: "bomb.gz", limit: 100_000),
                           mentioning: "bomb.gz", ["100000"]) {
            $0 == .decompressedTooLarge(path: "bomb.gz", limit: 100_000)
        }
        let path = try write(bomb, "bomb-idx3-ubyte.gz")
        assertDatasetError(try IDXFile.read(path: path, decompressionLimit: 1 << 20), mentioning: path) {
            $0 == .decompressedTooLarge(path: path, limit: 1 << 20)
        }
        // Exactly at the limit is fine, one byte past it is not.
        let exact = try gzipBytes([UInt8](repeating: 7, count: 5000))
        XCTAssertEqual(try Gzip.decompress(exact, path: "exact", limit: 5000).count, 5000)
        XCTAssertThrowsError(try Gzip.decompress(exact, path: "exact", limit: 4999))
        XCTAssertEqual(try Gzip.decompressPrefix(exact, path: "exact", count: 10), [UInt8](repeating: 7, count: 10))
        XCTAssertEqual(try Gzip.decompressPrefix(exact, path: "exact", count: 9000).count, 5000, "all there is")
    }

    /// A gzipped IDX file is inflated only as far as its header declares: one claiming a
    /// single 2x2 image, followed by 40 MB of zeros, stops after 20 bytes with the reason,
    /// under a limit it would otherwise have filled.
    func testAGzippedIDXStopsInflatingAtItsDeclaredSize() throws {
        let padded = idx(dims: [1, 2, 2], data: [1, 2, 3, 4]) + [UInt8](repeating: 0, count: 40_000_000)
        let path = try write(try gzipBytes(padded), "padded-idx3-ubyte.gz")
        assertDatasetError(try IDXFile.read(path: path, decompressionLimit: 1 << 31), mentioning: path, ["20 bytes its header declares"]) {
            $0 == .inflatesPastDeclaredSize(path: path, dimensions: [1, 2, 2], expectedBytes: 20)
        }
        let exact = try write(try gzipBytes(idx(dims: [1, 2, 2], data: [1, 2, 3, 4])), "exact-idx3-ubyte.gz")
        XCTAssertEqual(try IDXFile.read(path: exact), IDXArray(dimensions: [1, 2, 2], bytes: [1, 2, 3, 4]))
    }

    // MARK: - Directory discovery

    func testLoadsMNISTStyleGzippedDirectory() throws {
        let folder = try subdirectory("mnist")
        try writeDataset(in: folder, compressed: true)
        let dataset = try DatasetLoader.load(directory: folder.path)
        XCTAssertEqual(dataset.name, "mnist")
        XCTAssertEqual(dataset.source, folder.path)
        XCTAssertEqual(dataset.trainCount, 6)
        XCTAssertEqual(dataset.testCount, 4)
        XCTAssertEqual(dataset.rows, 3)
        XCTAssertEqual(dataset.columns, 2)
        XCTAssertEqual(dataset.pixelsPerImage, 6)
        XCTAssertEqual(dataset.classCount, 3)
        XCTAssertEqual(dataset.trainImages, images(count: 6, rows: 3, columns: 2, seed: 1))
        XCTAssertEqual(dataset.testImages, images(count: 4, rows: 3, columns: 2, seed: 2))
        XCTAssertEqual(dataset.trainLabels, [0, 1, 2, 0, 1, 2])
        XCTAssertEqual(dataset.testLabels, [1, 2, 0, 1])
        XCTAssertEqual(Array(dataset.trainImage(1)), Array(dataset.trainImages[6..<12]))
        // A trailing slash names the same directory.
        XCTAssertEqual(try DatasetLoader.load(directory: folder.path + "/").name, "mnist")
    }

    func testLoadsRawDirectoryWithTestPrefixAndMixedCompression() throws {
        let folder = try subdirectory("kmnist")
        try writeDataset(in: folder, testImages: "test-images-idx3-ubyte", testLabels: "test-labels-idx1-ubyte")
        try gzip(folder.appendingPathComponent("train-labels-idx1-ubyte").path)
        let dataset = try DatasetLoader.load(directory: folder.path)
        XCTAssertEqual(dataset.trainCount, 6)
        XCTAssertEqual(dataset.testCount, 4)
        XCTAssertEqual(dataset.testLabels, [1, 2, 0, 1])
    }

    func testLoadsEMNISTStylePrefixedNames() throws {
        let folder = try subdirectory("emnist-balanced")
        try writeDataset(in: folder,
                         trainImages: "emnist-balanced-train-images-idx3-ubyte",
                         trainLabels: "emnist-balanced-train-labels-idx1-ubyte",
                         testImages: "emnist-balanced-test-images-idx3-ubyte",
                         testLabels: "emnist-balanced-test-labels-idx1-ubyte",
                         classes: 47, compressed: true)
        // Hidden files (macOS resource forks) are not candidates.
        try write([0, 1, 2], "._emnist-balanced-train-images-idx3-ubyte.gz", in: folder)
        let dataset = try DatasetLoader.load(directory: folder.path)
        XCTAssertEqual(dataset.name, "emnist-balanced")
        XCTAssertEqual(dataset.classCount, 6)  // labels 0..5 of 47 possible: max label + 1
        XCTAssertEqual(dataset.trainLabels, [0, 1, 2, 3, 4, 5])
    }

    func testMissingDirectory() throws {
        let path = directory.appendingPathComponent("absent").path
        assertDatasetError(try DatasetLoader.load(directory: path), mentioning: path, ["not found"]) {
            $0 == .directoryNotFound(path: path)
        }
        let file = try write([1], "plain-file")
        assertDatasetError(try DatasetLoader.load(directory: file), mentioning: file, ["expected a directory"]) {
            if case .directoryUnreadable(file, _) = $0 { return true }
            return false
        }
    }

    func testMissingFileListsWhatWasLookedFor() throws {
        let folder = try subdirectory("partial")
        try writeDataset(in: folder)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("t10k-labels-idx1-ubyte"))
        assertDatasetError(try DatasetLoader.load(directory: folder.path), mentioning: folder.path,
                           ["test labels", "t10k-labels-idx1-ubyte", "t10k-labels-idx1-ubyte.gz",
                            "test-labels-idx1-ubyte.gz"]) {
            if case .missingFile(folder.path, "test labels", let lookedFor) = $0 {
                return lookedFor.contains("t10k-labels-idx1-ubyte") && lookedFor.contains("test-labels-idx1-ubyte.gz")
            }
            return false
        }
    }

    func testTwoCandidatesForOneRole() throws {
        let folder = try subdirectory("emnist")
        try writeDataset(in: folder, trainImages: "emnist-digits-train-images-idx3-ubyte",
                         trainLabels: "emnist-digits-train-labels-idx1-ubyte",
                         testImages: "emnist-digits-test-images-idx3-ubyte",
                         testLabels: "emnist-digits-test-labels-idx1-ubyte")
        try write(imagesFile(count: 6, rows: 3, columns: 2), "emnist-letters-train-images-idx3-ubyte", in: folder)
        assertDatasetError(try DatasetLoader.load(directory: folder.path), mentioning: folder.path,
                           ["training images", "emnist-digits-train-images-idx3-ubyte",
                            "emnist-letters-train-images-idx3-ubyte"]) {
            $0 == .ambiguousFiles(directory: folder.path, role: "training images",
                                  candidates: ["emnist-digits-train-images-idx3-ubyte",
                                               "emnist-letters-train-images-idx3-ubyte"])
        }
        // A raw file next to its own .gz is ambiguous too.
        let both = try subdirectory("both")
        try writeDataset(in: both)
        try write(labelsFile([0, 1]), "t10k-labels-idx1-ubyte.gz", in: both)
        assertDatasetError(try DatasetLoader.load(directory: both.path), mentioning: both.path) {
            if case .ambiguousFiles(_, "test labels", let candidates) = $0 { return candidates.count == 2 }
            return false
        }
    }

    // MARK: - Data set checks

    func testImageLabelCountMismatch() throws {
        let folder = try subdirectory("counts")
        try writeDataset(in: folder)
        let labels = try write(labelsFile([0, 1, 0, 1, 0]), "train-labels-idx1-ubyte", in: folder)
        let images = folder.appendingPathComponent("train-images-idx3-ubyte").path
        assertDatasetError(try DatasetLoader.load(directory: folder.path), mentioning: images,
                           [labels, "6 images", "5 labels"]) {
            $0 == .countMismatch(imagesPath: images, imageCount: 6, labelsPath: labels, labelCount: 5)
        }
    }

    func testLabelsFileWithThreeDimensions() throws {
        let folder = try subdirectory("labels3")
        try writeDataset(in: folder)
        let labels = try write(imagesFile(count: 4, rows: 3, columns: 2), "t10k-labels-idx1-ubyte", in: folder)
        assertDatasetError(try DatasetLoader.load(directory: folder.path), mentioning: labels,
                           ["1 dimension", "found 3"]) {
            $0 == .wrongDimensions(path: labels, expected: "1 dimension (count)", found: [4, 3, 2])
        }
    }

    func testImagesFileWithOneDimension() throws {
        let folder = try subdirectory("images1")
        try writeDataset(in: folder)
        let images = try write(labelsFile([1, 2, 3, 4, 5, 6]), "train-images-idx3-ubyte", in: folder)
        assertDatasetError(try DatasetLoader.load(directory: folder.path), mentioning: images,
                           ["3 dimensions", "found 1"]) {
            $0 == .wrongDimensions(path: images, expected: "3 dimensions (count, rows, columns)", found: [6])
        }
    }

    func testZeroRowsOrColumnsOrImages() throws {
        for (name, dims) in [("rows", [UInt32(6), 0, 2]), ("columns", [6, 3, 0]), ("count", [0, 3, 2])] {
            let folder = try subdirectory("zero-\(name)")
            try writeDataset(in: folder)
            let images = try write(idx(dims: dims), "train-images-idx3-ubyte", in: folder)
            assertDatasetError(try DatasetLoader.load(directory: folder.path), mentioning: images,
                               ["at least one image"]) {
                if case .wrongDimensions(images, _, let found) = $0 { return found == dims.map { Int($0) } }
                return false
            }
        }
    }

    func testTrainAndTestImageSizesDiffer() throws {
        let folder = try subdirectory("sizes")
        try writeDataset(in: folder, compressed: true)
        let test = try write(imagesFile(count: 4, rows: 2, columns: 3), "t10k-images-idx3-ubyte", in: folder)
        try FileManager.default.removeItem(atPath: test + ".gz")
        let train = folder.appendingPathComponent("train-images-idx3-ubyte.gz").path
        assertDatasetError(try DatasetLoader.load(directory: folder.path), mentioning: train,
                           [test, "3x2", "2x3"]) {
            $0 == .imageSizeMismatch(trainPath: train, trainRows: 3, trainColumns: 2,
                                     testPath: test, testRows: 2, testColumns: 3)
        }
    }

    func testFewerThanTwoClasses() throws {
        let folder = try subdirectory("one-class")
        try writeDataset(in: folder, classes: 1)
        let train = folder.appendingPathComponent("train-labels-idx1-ubyte").path
        let test = folder.appendingPathComponent("t10k-labels-idx1-ubyte").path
        assertDatasetError(try DatasetLoader.load(directory: folder.path), mentioning: train,
                           [test, "at least 2 classes"]) {
            $0 == .tooFewClasses(trainLabelsPath: train, testLabelsPath: test, labels: [0])
        }
    }

    /// A stray label would silently add classes (one 255 among 0-3 made a 256-class model):
    /// refused, naming the file and the first record, in the training and in the test labels.
    func testALabelOutsideTheClassesIsRefusedNamingItsRecord() throws {
        let folder = try subdirectory("labels255")
        try writeDataset(in: folder)
        let train = try write(labelsFile([0, 1, 2, 255, 1, 2]), "train-labels-idx1-ubyte", in: folder)
        assertDatasetError(try DatasetLoader.load(directory: folder.path), mentioning: train,
                           ["record 3 has label 255, outside the classes 0-2"]) {
            $0 == .labelOutsideClasses(path: train, record: 3, label: 255, classes: 0...2)
        }
        try write(labelsFile([0, 1, 2, 0, 1, 2]), "train-labels-idx1-ubyte", in: folder)
        let test = try write(labelsFile([1, 2, 9, 0]), "t10k-labels-idx1-ubyte", in: folder)
        assertDatasetError(try DatasetLoader.load(directory: folder.path), mentioning: test, ["record 2 has label 9"]) {
            $0 == .labelOutsideClasses(path: test, record: 2, label: 9, classes: 0...2)
        }
        // Classes that start above 0 (EMNIST letters are 1-26) are one range too.
        try write(labelsFile([1, 2, 3, 1, 2, 3]), "train-labels-idx1-ubyte", in: folder)
        try write(labelsFile([3, 2, 1, 1]), "t10k-labels-idx1-ubyte", in: folder)
        XCTAssertEqual(try DatasetLoader.load(directory: folder.path).classCount, 4)
    }

    /// A FIFO in place of a data file is refused at once (its open would wait for a writer forever).
    func testAFIFOIsRefusedWithoutBlocking() throws {
        let folder = try subdirectory("fifo")
        try writeDataset(in: folder)
        let labels = folder.appendingPathComponent("train-labels-idx1-ubyte").path
        try FileManager.default.removeItem(atPath: labels)
        XCTAssertEqual(mkfifo(labels, 0o644), 0)
        assertDatasetError(try DatasetLoader.load(directory: folder.path), mentioning: labels,
                           ["expected a regular file, found a FIFO"]) { _ in true }
        XCTAssertThrowsError(try RegularFile.readText(folder.path)) {
            XCTAssertEqual("\($0)", "expected a regular file, found a directory")
        }
    }

    func testImageDatasetInitializers() {
        let dataset = ImageDataset(name: "tiny", source: "memory", rows: 2, columns: 2,
                                   trainImages: [1, 2, 3, 4, 5, 6, 7, 8], trainLabels: [0, 4],
                                   testImages: [9, 9, 9, 9], testLabels: [2])
        XCTAssertEqual(dataset.classCount, 5)
        XCTAssertEqual(dataset.trainCount, 2)
        XCTAssertEqual(dataset.testCount, 1)
        XCTAssertEqual(dataset.pixelsPerImage, 4)
        XCTAssertEqual(Array(dataset.trainImage(1)), [5, 6, 7, 8])
        XCTAssertEqual(Array(dataset.testImage(0)), [9, 9, 9, 9])
        let explicit = ImageDataset(name: "tiny", source: "memory", rows: 1, columns: 1, classCount: 10,
                                    trainImages: [0], trainLabels: [1], testImages: [0], testLabels: [0])
        XCTAssertEqual(explicit.classCount, 10)
    }

    // MARK: - Embedded digits

    func testEmbeddedDigits() throws {
        let digits = DatasetLoader.embeddedDigits()
        XCTAssertEqual(digits.name, "digits-8x8 (embedded)")
        XCTAssertEqual(digits.source, "embedded")
        XCTAssertEqual(digits.trainCount, 1437)
        XCTAssertEqual(digits.testCount, 360)
        XCTAssertEqual(digits.rows, 28)
        XCTAssertEqual(digits.columns, 28)
        XCTAssertEqual(digits.classCount, 10)
        XCTAssertEqual(digits.trainImages.count, 1437 * 784)
        XCTAssertEqual(digits.testImages.count, 360 * 784)
        XCTAssertEqual(Set(digits.trainLabels), Set(0...9))
        XCTAssertEqual(Set(digits.testLabels), Set(0...9))
        XCTAssertEqual(max(digits.trainImages.max() ?? 0, digits.testImages.max() ?? 0), 255)

        for pixels in [digits.trainImages, digits.testImages] {
            var borderSum = 0
            for image in 0..<(pixels.count / 784) {
                for y in 0..<28 {
                    for x in 0..<28 where y < 2 || y >= 26 || x < 2 || x >= 26 {
                        borderSum += Int(pixels[image * 784 + y * 28 + x])
                    }
                }
            }
            XCTAssertEqual(borderSum, 0, "border pixels must be zero")
        }

        // The first sample is a 0 whose top 8x8 row is 0,0,5,13,9,1,0,0: pixel (0,2) = 5
        // covers rows 2...4 and columns 8...10 of the 28x28 image; 5 -> 80, 13 -> 207.
        XCTAssertEqual(digits.trainLabels[0], 0)
        let first = Array(digits.trainImage(0))
        for y in 2...4 {
            XCTAssertEqual(Array(first[(y * 28 + 2)..<(y * 28 + 26)]),
                           [0, 0, 0, 0, 0, 0, 80, 80, 80, 207, 207, 207, 143, 143, 143, 16, 16, 16,
                            0, 0, 0, 0, 0, 0])
        }
        // Values are 0...16 scaled: only 17 levels occur.
        XCTAssertLessThanOrEqual(Set(digits.trainImages).count, 17)
    }

    func testEmbeddedDigitsAreDecodedOnce() {
        let first = DatasetLoader.embeddedDigits()
        let second = DatasetLoader.embeddedDigits()
        // Same cached value: the arrays share their storage.
        XCTAssertEqual(first.trainImages.withUnsafeBufferPointer { $0.baseAddress },
                       second.trainImages.withUnsafeBufferPointer { $0.baseAddress })
        XCTAssertEqual(first.testLabels, second.testLabels)
    }

    func testDefaultFallsBackToEmbeddedDigitsWithNotice() throws {
        let absent = directory.appendingPathComponent("fashion-mnist-not-here").path
        let (dataset, notice) = try DatasetLoader.loadDefault(fashionMNISTDirectory: absent)
        XCTAssertEqual(dataset.name, "digits-8x8 (embedded)")
        let text = try XCTUnwrap(notice)
        XCTAssertTrue(text.contains("Fashion-MNIST"), text)
        XCTAssertTrue(text.contains(absent), text)
        XCTAssertTrue(text.contains("apt-get install dataset-fashion-mnist"), text)
    }

    // MARK: - Fashion-MNIST (when installed)

    func testFashionMNISTWhenInstalled() throws {
        let path = DatasetLoader.fashionMNISTDirectory
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("Fashion-MNIST is not installed at \(path)")
        }
        let (dataset, notice) = try DatasetLoader.loadDefault()
        XCTAssertNil(notice)
        XCTAssertEqual(dataset.name, "fashion-mnist")
        XCTAssertEqual(dataset.source, path)
        XCTAssertEqual(dataset.trainCount, 60000)
        XCTAssertEqual(dataset.testCount, 10000)
        XCTAssertEqual(dataset.rows, 28)
        XCTAssertEqual(dataset.columns, 28)
        XCTAssertEqual(dataset.classCount, 10)
        XCTAssertEqual(dataset.trainImages.count, 60000 * 784)
        XCTAssertEqual(dataset.testImages.count, 10000 * 784)
    }
}
