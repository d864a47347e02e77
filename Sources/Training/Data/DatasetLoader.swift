import Foundation

/// Finds and loads MNIST-format data sets, and provides the embedded fallback.
public enum DatasetLoader {
    /// Where Debian's dataset-fashion-mnist package installs Fashion-MNIST.
    public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

    /// One of the four files a data set directory must hold.
    struct Role: Sendable {
        let description: String
        let suffixes: [String]

        /// Every accepted name ending, raw and gzipped.
        var endings: [String] { suffixes.flatMap { [$0, $0 + ".gz"] } }
    }

    static let trainImagesRole = Role(description: "training images",
                                      suffixes: ["train-images-idx3-ubyte", "train-images.idx3-ubyte"])
    static let trainLabelsRole = Role(description: "training labels",
                                      suffixes: ["train-labels-idx1-ubyte", "train-labels.idx1-ubyte"])
    static let testImagesRole = Role(description: "test images",
                                     suffixes: ["t10k-images-idx3-ubyte", "test-images-idx3-ubyte",
                                                "t10k-images.idx3-ubyte", "test-images.idx3-ubyte"])
    static let testLabelsRole = Role(description: "test labels",
                                     suffixes: ["t10k-labels-idx1-ubyte", "test-labels-idx1-ubyte",
                                                "t10k-labels.idx1-ubyte", "test-labels.idx1-ubyte"])

    /// Loads the data set in `directory`, in either of two formats:
    ///
    /// - IDX (MNIST's): one file for each of training images, training labels, test images
    ///   and test labels, found by the end of its name (so MNIST, Fashion-MNIST, KMNIST and
    ///   EMNIST's prefixed names all work), each raw or gzipped. Every file is checked
    ///   (format, shape, counts, sizes, at least two classes).
    /// - CIFAR binary (see `loadCIFAR`): CIFAR-10's data_batch_N.bin and test_batch.bin, or
    ///   CIFAR-100's train.bin and test.bin, in `directory` or in the directory the official
    ///   tarball extracts to (cifar-10-batches-bin, cifar-100-binary) inside it.
    ///
    /// Any problem is thrown as a `DatasetError` naming the file.
    public static func load(directory: String) throws -> ImageDataset {
        let names = try listDirectory(directory)
        if let (format, filesDirectory, filesNames) = try findCIFAR(in: directory, names: names) {
            return try loadCIFAR(format, directory: filesDirectory, names: filesNames,
                                 name: datasetName(directory: directory, format: format))
        }
        return try loadIDX(directory: directory, names: names)
    }

    private static func loadIDX(directory: String, names: [String]) throws -> ImageDataset {
        let trainImagesPath = try find(trainImagesRole, in: directory, names: names)
        let trainLabelsPath = try find(trainLabelsRole, in: directory, names: names)
        let testImagesPath = try find(testImagesRole, in: directory, names: names)
        let testLabelsPath = try find(testLabelsRole, in: directory, names: names)

        let trainImages = try readImages(path: trainImagesPath)
        let trainLabels = try readLabels(path: trainLabelsPath)
        let testImages = try readImages(path: testImagesPath)
        let testLabels = try readLabels(path: testLabelsPath)

        try checkCounts(images: trainImages, imagesPath: trainImagesPath,
                        labels: trainLabels, labelsPath: trainLabelsPath)
        try checkCounts(images: testImages, imagesPath: testImagesPath,
                        labels: testLabels, labelsPath: testLabelsPath)
        let (rows, columns) = (trainImages.dimensions[1], trainImages.dimensions[2])
        guard testImages.dimensions[1] == rows, testImages.dimensions[2] == columns else {
            throw DatasetError.imageSizeMismatch(
                trainPath: trainImagesPath, trainRows: rows, trainColumns: columns,
                testPath: testImagesPath, testRows: testImages.dimensions[1],
                testColumns: testImages.dimensions[2])
        }
        // The classes are the training labels' contiguous range from its lowest label; a
        // label outside it (a stray 200 among 0-9) would silently add classes: refused,
        // naming its file and record, in the training labels and then the test labels.
        var present = [Bool](repeating: false, count: 256)
        for label in trainLabels.bytes { present[Int(label)] = true }
        if let lowest = present.firstIndex(of: true) {
            var highest = lowest
            while highest + 1 < present.count && present[highest + 1] { highest += 1 }
            for (path, labels) in [(trainLabelsPath, trainLabels.bytes), (testLabelsPath, testLabels.bytes)] {
                if let record = labels.firstIndex(where: { !(lowest...highest).contains(Int($0)) }) {
                    throw DatasetError.labelOutsideClasses(path: path, record: record, label: Int(labels[record]),
                                                           classes: lowest...highest)
                }
            }
        }
        for label in testLabels.bytes { present[Int(label)] = true }
        let used = present.indices.filter { present[$0] }
        guard used.count >= 2, let highest = used.last else {
            throw DatasetError.tooFewClasses(trainLabelsPath: trainLabelsPath,
                                             testLabelsPath: testLabelsPath, labels: used)
        }
        return ImageDataset(
            name: datasetName(directory: directory), source: directory,
            rows: rows, columns: columns, classCount: highest + 1,
            trainImages: trainImages.bytes, trainLabels: trainLabels.bytes,
            testImages: testImages.bytes, testLabels: testLabels.bytes)
    }

    /// The embedded 8x8 digits (UCI / scikit-learn), made MNIST-shaped: each image scaled
    /// 3x (nearest neighbour) to 24x24 and centred in 28x28 with a 2-pixel zero border,
    /// values 0...16 mapped to 0...255. The first 1437 samples are the training set, the
    /// last 360 the test set. Decoded once; later calls return the cached value.
    public static func embeddedDigits() -> ImageDataset {
        embeddedDigitsDataset
    }

    /// Fashion-MNIST when it is installed; otherwise the embedded digits together with a
    /// notice saying that Fashion-MNIST is missing, where it was looked for, and how to
    /// install it. An installed but damaged Fashion-MNIST is an error, not a fallback.
    public static func loadDefault() throws -> (dataset: ImageDataset, notice: String?) {
        try loadDefault(fashionMNISTDirectory: fashionMNISTDirectory)
    }

    /// `loadDefault()` looking for Fashion-MNIST in another directory.
    public static func loadDefault(fashionMNISTDirectory directory: String) throws
        -> (dataset: ImageDataset, notice: String?)
    {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            return (try load(directory: directory), nil)
        }
        let notice = "Fashion-MNIST not found (looked for \(directory)); using the small embedded "
            + "8x8 digits set instead. Install Fashion-MNIST with: apt-get install dataset-fashion-mnist"
        return (embeddedDigits(), notice)
    }

    // MARK: - Embedded digits

    static let embeddedTrainCount = 1437
    static let embeddedTestCount = 360

    private static let embeddedDigitsDataset: ImageDataset = decodeEmbeddedDigits()

    private static func decodeEmbeddedDigits() -> ImageDataset {
        let source = "embedded digits"
        guard let compressed = Data(base64Encoded: EmbeddedDigits.gzippedIDXBase64,
                                    options: .ignoreUnknownCharacters) else {
            fatalError("\(source): the embedded base64 text does not decode")
        }
        let array: IDXArray
        do {
            let raw = try Gzip.decompress([UInt8](compressed), path: source, limit: 1 << 20)
            array = try IDXFile.parse(raw, path: source)
        } catch {
            fatalError("\(error)")
        }
        let sampleCount = embeddedTrainCount + embeddedTestCount
        guard array.dimensions == [sampleCount, 65] else {
            fatalError("\(source): expected dimensions [\(sampleCount), 65], found \(array.dimensions)")
        }

        let side = 28, scale = 3, border = 2
        var images = [UInt8](repeating: 0, count: sampleCount * side * side)
        var labels = [UInt8](repeating: 0, count: sampleCount)
        for sample in 0..<sampleCount {
            let row = sample * 65
            labels[sample] = array.bytes[row + 64]
            let imageStart = sample * side * side
            for y in 0..<(8 * scale) {
                for x in 0..<(8 * scale) {
                    let value = Int(array.bytes[row + (y / scale) * 8 + x / scale])
                    images[imageStart + (y + border) * side + x + border] = UInt8(min(255, (value * 255 + 8) / 16))
                }
            }
        }
        let split = embeddedTrainCount * side * side
        return ImageDataset(
            name: "digits-8x8 (embedded)", source: "embedded", rows: side, columns: side,
            trainImages: Array(images[..<split]), trainLabels: Array(labels[..<embeddedTrainCount]),
            testImages: Array(images[split...]), testLabels: Array(labels[embeddedTrainCount...]))
    }

    // MARK: - Directory discovery

    static func listDirectory(_ directory: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw DatasetError.directoryNotFound(path: directory)
        }
        guard isDirectory.boolValue else {
            throw DatasetError.directoryUnreadable(path: directory,
                                                   reason: "expected a directory, found a file")
        }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw DatasetError.directoryUnreadable(path: directory, reason: "\(error.localizedDescription)")
        }
    }

    private static func find(_ role: Role, in directory: String, names: [String]) throws -> String {
        let endings = role.endings
        // Hidden files (such as macOS "._" resource forks) are never data.
        let candidates = names.filter { name in
            !name.hasPrefix(".") && endings.contains { name.hasSuffix($0) }
        }
        guard let name = candidates.first else {
            throw DatasetError.missingFile(directory: directory, role: role.description, lookedFor: endings)
        }
        guard candidates.count == 1 else {
            throw DatasetError.ambiguousFiles(directory: directory, role: role.description,
                                              candidates: candidates)
        }
        return join(directory, name)
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The directory's last component; for CIFAR, "cifar-10" or "cifar-100" when that is
    /// the tarball's own directory (cifar-10-batches-bin says less).
    private static func datasetName(directory: String, format: CIFARFormat? = nil) -> String {
        let component = URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent
        if let format, component == format.tarballDirectory { return format.datasetName }
        return component.isEmpty ? directory : component
    }

    /// The names in `names` that could be one of an IDX data set's four files.
    static func idxFiles(among names: [String]) -> [String] {
        let endings = [trainImagesRole, trainLabelsRole, testImagesRole, testLabelsRole].flatMap(\.endings)
        return names.filter { name in !name.hasPrefix(".") && endings.contains { name.hasSuffix($0) } }
    }

    // MARK: - Checks

    private static func readImages(path: String) throws -> IDXArray {
        let array = try IDXFile.read(path: path)
        guard array.dimensions.count == 3 else {
            throw DatasetError.wrongDimensions(path: path, expected: "3 dimensions (count, rows, columns)",
                                               found: array.dimensions)
        }
        guard array.dimensions[0] > 0, array.dimensions[1] > 0, array.dimensions[2] > 0 else {
            throw DatasetError.wrongDimensions(
                path: path, expected: "at least one image of at least 1x1 pixels", found: array.dimensions)
        }
        return array
    }

    private static func readLabels(path: String) throws -> IDXArray {
        let array = try IDXFile.read(path: path)
        guard array.dimensions.count == 1 else {
            throw DatasetError.wrongDimensions(path: path, expected: "1 dimension (count)", found: array.dimensions)
        }
        return array
    }

    private static func checkCounts(images: IDXArray, imagesPath: String,
                                    labels: IDXArray, labelsPath: String) throws {
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw DatasetError.countMismatch(imagesPath: imagesPath, imageCount: images.dimensions[0],
                                             labelsPath: labelsPath, labelCount: labels.dimensions[0])
        }
    }
}
