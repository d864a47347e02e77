/// A labelled set of greyscale images split into training and test parts.
///
/// Images are stored back to back, each `rows * columns` bytes in row-major order with
/// values 0...255; image `i`'s label is `trainLabels[i]` (or `testLabels[i]`).
public struct ImageDataset: Sendable {
    /// "fashion-mnist", "digits-8x8 (embedded)", or the directory's last component.
    public let name: String
    /// The directory the data came from, or "embedded".
    public let source: String
    public let rows: Int
    public let columns: Int
    /// Highest label over train and test, plus one.
    public let classCount: Int
    public let trainImages: [UInt8]
    public let trainLabels: [UInt8]
    public let testImages: [UInt8]
    public let testLabels: [UInt8]

    public var trainCount: Int { trainLabels.count }
    public var testCount: Int { testLabels.count }
    public var pixelsPerImage: Int { rows * columns }

    /// Memberwise initializer. The sizes must agree (images = labels x rows x columns,
    /// rows and columns positive, every label below `classCount`); a mismatch is a
    /// programming error and stops the program. Data read from files is checked by
    /// `DatasetLoader`, which throws a `DatasetError` before ever getting here.
    public init(name: String, source: String, rows: Int, columns: Int, classCount: Int,
                trainImages: [UInt8], trainLabels: [UInt8],
                testImages: [UInt8], testLabels: [UInt8]) {
        precondition(rows > 0 && columns > 0, "ImageDataset: rows and columns must be positive, got \(rows)x\(columns)")
        let (pixels, overflow) = rows.multipliedReportingOverflow(by: columns)
        precondition(!overflow, "ImageDataset: \(rows)x\(columns) images are too large")
        precondition(trainImages.count / pixels == trainLabels.count && trainImages.count % pixels == 0,
                     "ImageDataset: \(trainImages.count) training pixels do not make \(trainLabels.count) images of \(rows)x\(columns)")
        precondition(testImages.count / pixels == testLabels.count && testImages.count % pixels == 0,
                     "ImageDataset: \(testImages.count) test pixels do not make \(testLabels.count) images of \(rows)x\(columns)")
        precondition(classCount >= 1 && classCount <= 256, "ImageDataset: classCount \(classCount) outside 1...256")
        let highest = max(trainLabels.max() ?? 0, testLabels.max() ?? 0)
        precondition(Int(highest) < classCount, "ImageDataset: label \(highest) not below classCount \(classCount)")
        self.name = name
        self.source = source
        self.rows = rows
        self.columns = columns
        self.classCount = classCount
        self.trainImages = trainImages
        self.trainLabels = trainLabels
        self.testImages = testImages
        self.testLabels = testLabels
    }

    /// Same as the memberwise initializer, with `classCount` = highest label + 1.
    public init(name: String, source: String, rows: Int, columns: Int,
                trainImages: [UInt8], trainLabels: [UInt8],
                testImages: [UInt8], testLabels: [UInt8]) {
        let highest = max(trainLabels.max() ?? 0, testLabels.max() ?? 0)
        self.init(name: name, source: source, rows: rows, columns: columns, classCount: Int(highest) + 1,
                  trainImages: trainImages, trainLabels: trainLabels,
                  testImages: testImages, testLabels: testLabels)
    }

    /// The pixels of training image `index` (0..<trainCount).
    public func trainImage(_ index: Int) -> ArraySlice<UInt8> {
        trainImages[index * pixelsPerImage ..< (index + 1) * pixelsPerImage]
    }

    /// The pixels of test image `index` (0..<testCount).
    public func testImage(_ index: Int) -> ArraySlice<UInt8> {
        testImages[index * pixelsPerImage ..< (index + 1) * pixelsPerImage]
    }
}
