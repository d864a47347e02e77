import ArgumentParser
import Foundation
import Training

/// Loads the data set named by --data (a directory, or `embedded`), or the default one,
/// telling the user on stderr when the default had to fall back to the embedded set.
enum DataChoice {
    static let help = "An MNIST-format IDX directory, or 'embedded' for the built-in 8x8 digits "
        + "(default: Fashion-MNIST if installed, else the embedded digits)."

    static func load(directory: String?) throws -> ImageDataset {
        if directory == "embedded" { return DatasetLoader.embeddedDigits() }
        if let directory { return try DatasetLoader.load(directory: directory) }
        let (dataset, notice) = try DatasetLoader.loadDefault()
        if let notice { Terminal.standardError("note: \(notice)\n") }
        return dataset
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
