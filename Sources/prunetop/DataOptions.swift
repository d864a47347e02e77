import ArgumentParser
import Foundation
import Training

/// Loads the data set named by --data, or the default one, telling the user on stderr
/// when the default had to fall back to the embedded set.
enum DataChoice {
    static func load(directory: String?) throws -> ImageDataset {
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
}
