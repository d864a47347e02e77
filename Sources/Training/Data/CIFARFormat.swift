/// The two CIFAR binary formats (Krizhevsky 2009, "Learning Multiple Layers of Features
/// from Tiny Images"; https://www.cs.toronto.edu/~kriz/cifar.html): files of fixed-size
/// records, each the label byte(s) then a 32x32 colour image as 3072 bytes, the 1024 red
/// values, then the 1024 green, then the 1024 blue, each plane row-major.
public enum CIFARFormat: String, Sendable, Equatable, CaseIterable {
    /// 10 classes. Records: 1 label byte (0-9), 3072 pixel bytes.
    /// Files: data_batch_1.bin ... data_batch_5.bin (training), test_batch.bin.
    case cifar10 = "CIFAR-10"
    /// 100 classes in 20 superclasses. Records: a coarse label byte (0-19), a fine label
    /// byte (0-99), 3072 pixel bytes. Files: train.bin, test.bin. The fine label is the class.
    case cifar100 = "CIFAR-100"

    public static let channels = 3
    public static let rows = 32
    public static let columns = 32
    public static let imageBytes = channels * rows * columns

    /// Label bytes before each image.
    public var labelBytes: Int { self == .cifar10 ? 1 : 2 }
    public var recordBytes: Int { labelBytes + Self.imageBytes }
    public var classCount: Int { self == .cifar10 ? 10 : 100 }

    /// What a record holds, for error messages.
    var recordLayout: String {
        self == .cifar10 ? "1 label byte, 3072 pixel bytes" : "a coarse and a fine label byte, 3072 pixel bytes"
    }

    /// The training files the format's tarball holds, in the order their records are read.
    public var trainingFiles: [String] {
        self == .cifar10 ? (1...5).map { "data_batch_\($0).bin" } : ["train.bin"]
    }

    public var testFile: String { self == .cifar10 ? "test_batch.bin" : "test.bin" }

    /// The directory the official binary tarball extracts to.
    public var tarballDirectory: String { self == .cifar10 ? "cifar-10-batches-bin" : "cifar-100-binary" }

    /// The data set's name when its directory says nothing better.
    var datasetName: String { self == .cifar10 ? "cifar-10" : "cifar-100" }
}
