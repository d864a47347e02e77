import ArgumentParser
import Foundation
import Training

/// Loads the data set named by --data (a directory, or `embedded`), or the default one,
/// telling the user on stderr when the default had to fall back to the embedded set.
enum DataChoice {
    static let help = "An MNIST-format IDX directory, a CIFAR-10 or CIFAR-100 binary directory, or 'embedded' "
        + "for the built-in 8x8 digits (default: Fashion-MNIST if installed, else the embedded digits)."

    static func load(directory: String?) throws -> ImageDataset {
        let (dataset, notice) = try loadWithNotice(directory: directory)
        if let notice { Terminal.standardError("note: \(notice)\n") }
        return dataset
    }

    /// The data set, and what to tell the user when the default fell back to the embedded one.
    static func loadWithNotice(directory: String?) throws -> (dataset: ImageDataset, notice: String?) {
        if directory == "embedded" { return (DatasetLoader.embeddedDigits(), nil) }
        if directory == DatasetLoader.fashionMNISTDirectory, !FileManager.default.fileExists(atPath: directory!) {
            throw ValidationError("data: Fashion-MNIST is not installed at \(directory!) (apt install dataset-fashion-mnist, "
                                  + "or --data embedded / --set data=embedded for the built-in digits)")
        }
        if let directory { return (try DatasetLoader.load(directory: directory), nil) }
        return try DatasetLoader.loadDefault()
    }
}

enum Terminal {
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Columns of the terminal on stderr, when it is one and says.
    static var standardErrorWidth: Int? {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
