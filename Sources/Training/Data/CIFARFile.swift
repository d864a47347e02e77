/// The images and labels of one CIFAR batch file, in file order: `images` holds
/// `labels.count` images of 3x32x32 bytes in CHW order (the file's own order).
public struct CIFARBatch: Sendable, Equatable {
    public let images: [UInt8]
    /// The class of each record: CIFAR-10's label, CIFAR-100's fine label.
    public let labels: [UInt8]
    /// CIFAR-100's coarse labels (superclasses); empty for CIFAR-10.
    public let coarseLabels: [UInt8]
}

/// Reads CIFAR-10 and CIFAR-100 binary batch files (see `CIFARFormat`). A file must be a
/// whole, non-zero number of records and every label must be within the format's classes;
/// anything else is a `DatasetError` naming the file, the record and what was expected.
public enum CIFARFile {
    /// Parses a batch file's bytes; `path` labels errors.
    public static func parse(_ data: [UInt8], path: String, format: CIFARFormat) throws -> CIFARBatch {
        let recordBytes = format.recordBytes
        guard !data.isEmpty else { throw DatasetError.noRecords(path: path, format: format) }
        let (records, leftover) = data.count.quotientAndRemainder(dividingBy: recordBytes)
        guard leftover == 0 else {
            throw DatasetError.partialRecord(path: path, format: format, wholeRecords: records, leftoverBytes: leftover)
        }
        var images = [UInt8](repeating: 0, count: records * CIFARFormat.imageBytes)
        var labels = [UInt8](repeating: 0, count: records)
        var coarse = [UInt8](repeating: 0, count: format == .cifar100 ? records : 0)
        try data.withUnsafeBufferPointer { source in
            try images.withUnsafeMutableBufferPointer { target in
                for record in 0..<records {
                    let start = record * recordBytes
                    if format == .cifar100 {
                        coarse[record] = try checked(source[start], kind: "coarse label", classes: 20,
                                                     path: path, format: format, record: record)
                    }
                    labels[record] = try checked(source[start + format.labelBytes - 1],
                                                 kind: format == .cifar100 ? "fine label" : "label",
                                                 classes: format.classCount, path: path, format: format, record: record)
                    (target.baseAddress! + record * CIFARFormat.imageBytes)
                        .update(from: source.baseAddress! + start + format.labelBytes, count: CIFARFormat.imageBytes)
                }
            }
        }
        return CIFARBatch(images: images, labels: labels, coarseLabels: coarse)
    }

    /// Reads and parses the batch file at `path`.
    public static func read(path: String, format: CIFARFormat) throws -> CIFARBatch {
        try parse(IDXFile.readFile(path: path), path: path, format: format)
    }

    private static func checked(_ label: UInt8, kind: String, classes: Int, path: String, format: CIFARFormat,
                                record: Int) throws -> UInt8 {
        guard Int(label) < classes else {
            throw DatasetError.labelOutOfRange(path: path, format: format, record: record, kind: kind,
                                               label: Int(label), classCount: classes)
        }
        return label
    }
}
