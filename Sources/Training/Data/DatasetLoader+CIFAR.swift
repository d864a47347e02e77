import Foundation

extension DatasetLoader {
    /// The CIFAR data set `directory` holds, if any: its format, the directory its files
    /// are in (`directory`, or the tarball's directory inside it) and that directory's
    /// names. Nil when there is no CIFAR file there (the directory is read as IDX). Files
    /// of two formats side by side (CIFAR-10 and CIFAR-100, or CIFAR and IDX), or both
    /// tarball directories, are ambiguous.
    static func findCIFAR(in directory: String, names: [String]) throws
        -> (format: CIFARFormat, directory: String, names: [String])?
    {
        let formats = CIFARFormat.allCases.filter { format in
            names.contains { format.trainingFiles.contains($0) || $0 == format.testFile }
        }
        if let format = formats.first {
            let idx = idxFiles(among: names)
            guard formats.count == 1, idx.isEmpty else {
                let candidates = formats.map { format in
                    (names.first { format.trainingFiles.contains($0) || $0 == format.testFile } ?? "?") + " (\(format.rawValue))"
                } + idx.prefix(1).map { $0 + " (IDX)" }
                throw DatasetError.ambiguousFiles(directory: directory, role: "data set", candidates: candidates)
            }
            return (format, directory, names)
        }
        guard idxFiles(among: names).isEmpty else { return nil }
        let nested = CIFARFormat.allCases.filter { format in
            var isDirectory: ObjCBool = false
            return names.contains(format.tarballDirectory)
                && FileManager.default.fileExists(atPath: join(directory, format.tarballDirectory), isDirectory: &isDirectory)
                && isDirectory.boolValue
        }
        guard let format = nested.first else { return nil }
        guard nested.count == 1 else {
            throw DatasetError.ambiguousFiles(directory: directory, role: "data set", candidates: nested.map(\.tarballDirectory))
        }
        let inner = join(directory, format.tarballDirectory)
        // Read as the format the directory is named for (its files missing: said so).
        return (format, inner, try listDirectory(inner))
    }

    /// Loads CIFAR-10 or CIFAR-100 from the batch files in `directory` (`names` are its
    /// entries). CIFAR-10's training set is every data_batch_N.bin (N = 1...5) present, at
    /// least one, read in order of N, so a subset makes a smaller training set; its test
    /// set is test_batch.bin. CIFAR-100's are train.bin and test.bin, labelled by the fine
    /// label (100 classes). Images are 3x32x32 in CHW order; `classCount` is the format's
    /// (10 or 100) whatever labels occur.
    static func loadCIFAR(_ format: CIFARFormat, directory: String, names: [String], name: String) throws -> ImageDataset {
        let trainingNames = format.trainingFiles.filter(names.contains)
        let hasTest = names.contains(format.testFile)
        let found = trainingNames + (hasTest ? [format.testFile] : [])
        guard !trainingNames.isEmpty else {
            throw DatasetError.incompleteCIFAR(directory: directory, format: format, found: found, missing: format.trainingFiles)
        }
        guard hasTest else {
            throw DatasetError.incompleteCIFAR(directory: directory, format: format, found: found, missing: [format.testFile])
        }
        var trainImages: [UInt8] = [], trainLabels: [UInt8] = []
        for file in trainingNames {
            let batch = try CIFARFile.read(path: join(directory, file), format: format)
            trainImages += batch.images
            trainLabels += batch.labels
        }
        let test = try CIFARFile.read(path: join(directory, format.testFile), format: format)
        return ImageDataset(
            name: name, source: directory, channels: CIFARFormat.channels, rows: CIFARFormat.rows,
            columns: CIFARFormat.columns, classCount: format.classCount,
            trainImages: trainImages, trainLabels: trainLabels, testImages: test.images, testLabels: test.labels)
    }
}
