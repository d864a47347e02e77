/// A labelled set of images, greyscale or colour, split into training and test parts.
///
/// Images are stored back to back, each `channels * rows * columns` bytes in CHW order
/// (every channel's plane in turn, each plane row-major) with values 0...255: one plane
/// for greyscale IDX data, the red, green and blue planes for CIFAR (its own order).
/// Image `i`'s label is `trainLabels[i]` (or `testLabels[i]`).
public struct ImageDataset: Sendable {
    /// "fashion-mnist", "digits-8x8 (embedded)", or the directory's last component.
    public let name: String
    /// The directory the data came from, or "embedded".
    public let source: String
    /// Planes per image: 1 for greyscale, 3 for RGB.
    public let channels: Int
    public let rows: Int
    public let columns: Int
    /// Highest label over train and test, plus one (CIFAR: 10 or 100, its classes).
    public let classCount: Int
    public let trainImages: [UInt8]
    public let trainLabels: [UInt8]
    public let testImages: [UInt8]
    public let testLabels: [UInt8]

    public var trainCount: Int { trainLabels.count }
    public var testCount: Int { testLabels.count }
    /// Bytes per image, `channels * rows * columns`: the stride of one image in
    /// `trainImages` and `testImages`, and the size of a model's input.
    public var valuesPerImage: Int { channels * rows * columns }
    /// The same as `valuesPerImage` (the name predates colour images: a colour pixel
    /// counts once per channel). A plane has `rows * columns` pixels.
    public var pixelsPerImage: Int { valuesPerImage }
    /// One image's shape as a model takes it: [channels, rows, columns].
    public var sampleShape: [Int] { [channels, rows, columns] }

    /// Memberwise initializer. The sizes must agree (images = labels x channels x rows x
    /// columns, all three positive, every label below `classCount`); a mismatch is a
    /// programming error and stops the program. Data read from files is checked by
    /// `DatasetLoader`, which throws a `DatasetError` before ever getting here.
    public init(name: String, source: String, channels: Int = 1, rows: Int, columns: Int, classCount: Int,
                trainImages: [UInt8], trainLabels: [UInt8],
                testImages: [UInt8], testLabels: [UInt8]) {
        precondition(channels > 0 && rows > 0 && columns > 0,
                     "ImageDataset: channels, rows and columns must be positive, got \(channels)x\(rows)x\(columns)")
        let (pixels, overflow) = rows.multipliedReportingOverflow(by: columns)
        let (values, overflowValues) = pixels.multipliedReportingOverflow(by: channels)
        precondition(!overflow && !overflowValues, "ImageDataset: \(channels)x\(rows)x\(columns) images are too large")
        precondition(trainImages.count / values == trainLabels.count && trainImages.count % values == 0,
                     "ImageDataset: \(trainImages.count) training bytes do not make \(trainLabels.count) images of \(channels)x\(rows)x\(columns)")
        precondition(testImages.count / values == testLabels.count && testImages.count % values == 0,
                     "ImageDataset: \(testImages.count) test bytes do not make \(testLabels.count) images of \(channels)x\(rows)x\(columns)")
        precondition(classCount >= 1 && classCount <= 256, "ImageDataset: classCount \(classCount) outside 1...256")
        let highest = max(trainLabels.max() ?? 0, testLabels.max() ?? 0)
        precondition(Int(highest) < classCount, "ImageDataset: label \(highest) not below classCount \(classCount)")
        self.name = name
        self.source = source
        self.channels = channels
        self.rows = rows
        self.columns = columns
        self.classCount = classCount
        self.trainImages = trainImages
        self.trainLabels = trainLabels
        self.testImages = testImages
        self.testLabels = testLabels
    }

    /// Same as the memberwise initializer, with `classCount` = highest label + 1.
    public init(name: String, source: String, channels: Int = 1, rows: Int, columns: Int,
                trainImages: [UInt8], trainLabels: [UInt8],
                testImages: [UInt8], testLabels: [UInt8]) {
        let highest = max(trainLabels.max() ?? 0, testLabels.max() ?? 0)
        self.init(name: name, source: source, channels: channels, rows: rows, columns: columns,
                  classCount: Int(highest) + 1,
                  trainImages: trainImages, trainLabels: trainLabels,
                  testImages: testImages, testLabels: testLabels)
    }

    /// The bytes of training image `index` (0..<trainCount), all its channels.
    public func trainImage(_ index: Int) -> ArraySlice<UInt8> {
        trainImages[index * valuesPerImage ..< (index + 1) * valuesPerImage]
    }

    /// The bytes of test image `index` (0..<testCount), all its channels.
    public func testImage(_ index: Int) -> ArraySlice<UInt8> {
        testImages[index * valuesPerImage ..< (index + 1) * valuesPerImage]
    }
}
