/// Everything that can go wrong while reading or assembling an image data set.
///
/// Every description names the file (or directory) involved and says what was expected
/// and what was found, so it can be shown to a person as it is.
public enum DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The data set directory does not exist.
    case directoryNotFound(path: String)
    /// The data set path exists but cannot be listed (not a directory, no permission, ...).
    case directoryUnreadable(path: String, reason: String)
    /// No file in `directory` plays `role` ("training images", ...); `lookedFor` are the
    /// name endings that were accepted.
    case missingFile(directory: String, role: String, lookedFor: [String])
    /// More than one file in `directory` could play `role`.
    case ambiguousFiles(directory: String, role: String, candidates: [String])
    /// The file could not be read at all.
    case unreadable(path: String, reason: String)
    /// The first four bytes are not an IDX magic number (00 00 TYPE NDIM).
    case badMagic(path: String, found: [UInt8])
    /// An IDX file whose element type is not unsigned byte (0x08).
    case unsupportedElementType(path: String, typeCode: UInt8)
    /// The file is shorter than its header says. `dimensions` are the sizes read from
    /// the header (empty when the header itself is incomplete).
    case truncated(path: String, dimensions: [Int], expectedBytes: Int, actualBytes: Int)
    /// The header's sizes multiply to more bytes than can be addressed.
    case tooLarge(path: String, dimensions: [Int], actualBytes: Int)
    /// The file is longer than its header says.
    case trailingBytes(path: String, dimensions: [Int], expectedBytes: Int, actualBytes: Int)
    /// The array has the wrong shape for its role; `expected` says what was wanted.
    case wrongDimensions(path: String, expected: String, found: [Int])
    /// An images file and its labels file disagree on the number of samples.
    case countMismatch(imagesPath: String, imageCount: Int, labelsPath: String, labelCount: Int)
    /// The training and test images have different sizes.
    case imageSizeMismatch(trainPath: String, trainRows: Int, trainColumns: Int,
                           testPath: String, testRows: Int, testColumns: Int)
    /// Train and test labels together use fewer than two classes.
    case tooFewClasses(trainLabelsPath: String, testLabelsPath: String, labels: [Int])
    /// A label outside the one contiguous range of classes the training labels form.
    case labelOutsideClasses(path: String, record: Int, label: Int, classes: ClosedRange<Int>)
    /// zlib refused the compressed data; `message` is zlib's own (or says how it ended).
    case gzipCorrupt(path: String, message: String)
    /// Decompressing would produce more than `limit` bytes.
    case decompressedTooLarge(path: String, limit: Int)
    /// A gzipped IDX file inflates to more than its header declares; inflating stopped there.
    case inflatesPastDeclaredSize(path: String, dimensions: [Int], expectedBytes: Int)
    /// A CIFAR batch file of zero bytes.
    case noRecords(path: String, format: CIFARFormat)
    /// A CIFAR batch file whose length is not a whole number of records: `wholeRecords`
    /// complete ones, then `leftoverBytes` of an incomplete one.
    case partialRecord(path: String, format: CIFARFormat, wholeRecords: Int, leftoverBytes: Int)
    /// A CIFAR record (0-based) whose `kind` of label ("label", "fine label", "coarse
    /// label") is not below `classCount`.
    case labelOutOfRange(path: String, format: CIFARFormat, record: Int, kind: String, label: Int, classCount: Int)
    /// A CIFAR directory with only one half of the data: `found` are its files of the
    /// format, `missing` the files of the other half (any one of them would do).
    case incompleteCIFAR(directory: String, format: CIFARFormat, found: [String], missing: [String])

    public var description: String {
        switch self {
        case let .directoryNotFound(path):
            return "\(path): data set directory not found (expected a directory holding "
                + "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and "
                + "t10k-labels-idx1-ubyte, each optionally .gz; or CIFAR-10's data_batch_N.bin and "
                + "test_batch.bin; or CIFAR-100's train.bin and test.bin)"
        case let .directoryUnreadable(path, reason):
            return "\(path): cannot list the data set directory: \(reason)"
        case let .missingFile(directory, role, lookedFor):
            return "\(directory): no file for the \(role): looked for a name ending in "
                + lookedFor.joined(separator: ", ")
        case let .ambiguousFiles(directory, role, candidates):
            return "\(directory): \(candidates.count) files could be the \(role), expected exactly one: "
                + candidates.joined(separator: ", ")
                + " (point at a directory holding only one data set)"
        case let .unreadable(path, reason):
            return "\(path): cannot read file: \(reason)"
        case let .badMagic(path, found):
            return "\(path): not an IDX file: expected the magic number 00 00 08 NN "
                + "(unsigned bytes, NN dimensions), found \(hex(found))"
        case let .unsupportedElementType(path, typeCode):
            return "\(path): unsupported IDX element type 0x\(hex([typeCode])) (\(typeName(typeCode))); "
                + "expected 0x08 (unsigned byte)"
        case let .truncated(path, dimensions, expected, actual):
            if dimensions.isEmpty {
                return "\(path): truncated IDX file: expected at least \(expected) bytes of header, "
                    + "found \(actual) bytes"
            }
            return "\(path): truncated IDX file: expected \(expected) bytes from its header "
                + "(dimensions \(shape(dimensions))), found \(actual) bytes"
        case let .tooLarge(path, dimensions, actual):
            return "\(path): IDX header claims dimensions \(shape(dimensions)), more bytes than "
                + "can be addressed; the file has \(actual) bytes"
        case let .trailingBytes(path, dimensions, expected, actual):
            return "\(path): IDX file has \(actual - expected) unexpected bytes after the data: "
                + "expected \(expected) bytes from its header (dimensions \(shape(dimensions))), "
                + "found \(actual) bytes"
        case let .wrongDimensions(path, expected, found):
            return "\(path): wrong IDX dimensions: expected \(expected), found "
                + (found.isEmpty ? "no dimensions" : "\(found.count) (\(shape(found)))")
        case let .countMismatch(imagesPath, imageCount, labelsPath, labelCount):
            return "image and label counts differ: \(imagesPath) has \(imageCount) images but "
                + "\(labelsPath) has \(labelCount) labels; expected the same count"
        case let .imageSizeMismatch(trainPath, trainRows, trainColumns, testPath, testRows, testColumns):
            return "training and test images differ in size: \(trainPath) has "
                + "\(trainRows)x\(trainColumns) images but \(testPath) has \(testRows)x\(testColumns); "
                + "expected the same size"
        case let .tooFewClasses(trainLabelsPath, testLabelsPath, labels):
            return "\(trainLabelsPath) and \(testLabelsPath): expected labels of at least 2 classes, "
                + "found only " + (labels.isEmpty ? "none" : "label \(labels.map(String.init).joined(separator: ", "))")
        case let .labelOutsideClasses(path, record, label, classes):
            return "\(path): record \(record) has label \(label), outside the classes \(classes.lowerBound)-\(classes.upperBound) "
                + "the training labels form (expected one contiguous range of class labels)"
        case let .gzipCorrupt(path, message):
            return "\(path): cannot decompress gzip data: \(message)"
        case let .inflatesPastDeclaredSize(path, dimensions, expected):
            return "\(path): IDX file inflates to more than the \(expected) bytes its header declares "
                + "(dimensions \(shape(dimensions))); stopped inflating there (trailing data, or a damaged file)"
        case let .decompressedTooLarge(path, limit):
            return "\(path): decompressed data would exceed the limit of \(limit) bytes; "
                + "refusing to inflate further (a damaged file or a decompression bomb?)"
        case let .noRecords(path, format):
            return "\(path): empty \(format.rawValue) file: expected at least one \(format.recordBytes)-byte record "
                + "(\(format.recordLayout)), found 0 bytes"
        case let .partialRecord(path, format, whole, leftover):
            return "\(path): not a whole number of \(format.rawValue) records: expected a multiple of "
                + "\(format.recordBytes) bytes (\(format.recordLayout) a record), found "
                + "\(whole * format.recordBytes + leftover) bytes: \(whole) whole record\(whole == 1 ? "" : "s") "
                + "and \(leftover) byte\(leftover == 1 ? "" : "s") of an incomplete record \(whole)"
        case let .labelOutOfRange(path, format, record, kind, label, classCount):
            return "\(path): record \(record) has \(kind) \(label), expected a \(format.rawValue) \(kind) "
                + "from 0 to \(classCount - 1)"
        case let .incompleteCIFAR(directory, format, found, missing):
            let test = missing == [format.testFile]
            let half = test ? (format == .cifar10 ? "test batch" : "test file")
                : (format == .cifar10 ? "training batches" : "training file")
            let wanted = missing.count > 1 ? "at least one of \(missing.first!) to \(missing.last!)"
                : missing.first ?? "?"
            if found.isEmpty {
                return "\(directory): no \(format.rawValue) files: expected \(wanted) and "
                    + (test ? "training files" : format.testFile)
            }
            return "\(directory): \(format.rawValue) data without its \(half): found "
                + found.joined(separator: ", ") + "; expected \(wanted) as well"
        }
    }
}

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { byte in
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count < 2 ? "0" + digits : digits
    }.joined(separator: " ")
}

/// "60000 x 28 x 28"; a long (corrupt) list is cut short.
private func shape(_ dimensions: [Int]) -> String {
    let shown = dimensions.prefix(6).map(String.init).joined(separator: " x ")
    return dimensions.count > 6 ? shown + " x ... (\(dimensions.count) dimensions)" : shown
}

private func typeName(_ code: UInt8) -> String {
    switch code {
    case 0x08: return "unsigned byte"
    case 0x09: return "signed byte"
    case 0x0B: return "16-bit integer"
    case 0x0C: return "32-bit integer"
    case 0x0D: return "32-bit float"
    case 0x0E: return "64-bit float"
    default: return "not an IDX type"
    }
}
