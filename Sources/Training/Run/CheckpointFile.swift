#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checkpoint bytes on disk. Writes are atomic: a reader (or a crash) sees the previous
/// file or the new one, never a mix, and a failed write leaves the previous one intact.
enum CheckpointFile {
    /// Writes `bytes` to a temporary file in the same directory, syncs it, renames it over
    /// `path` and syncs the directory, so that the rename itself is durable.
    static func write(_ bytes: [UInt8], to path: String) throws {
        // errno comes first: it is read before the description is built.
        func failure(_ code: Int32, _ doing: String) -> CheckpointError {
            .writeFailed(file: path, reason: "\(doing): \(String(cString: strerror(code)))")
        }
        let directory = directoryName(path)
        var template = Array("\(directory)/.\(baseName(path)).tmp-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else { throw failure(errno, "cannot create a temporary file in \(directory)") }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(descriptor) }
            _ = fchmod(descriptor, 0o644)  // mkstemp makes it 0600
            try bytes.withUnsafeBytes { buffer in
                var written = 0
                while written < buffer.count {
                    let result = systemWrite(descriptor, buffer.baseAddress! + written, buffer.count - written)
                    if result < 0 && errno == EINTR { continue }
                    guard result > 0 else { throw failure(errno, "writing \(temporary)") }
                    written += result
                }
            }
            guard fsync(descriptor) == 0 else { throw failure(errno, "syncing \(temporary)") }
        }
        guard rename(temporary, path) == 0 else { throw failure(errno, "renaming \(temporary) to \(path)") }
        renamed = true
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY)
        guard directoryDescriptor >= 0 else { throw failure(errno, "saved, but cannot open \(directory) to sync it") }
        defer { close(directoryDescriptor) }
        guard fsync(directoryDescriptor) == 0 else { throw failure(errno, "saved, but syncing \(directory) failed") }
    }

    static func read(_ path: String) throws -> [UInt8] {
        do { return try RegularFile.read(path) } catch { throw CheckpointError.unreadable(file: path, reason: error.description) }
    }

    /// Creates `directory` and any missing parents, as `mkdir -p` does; errors name the
    /// checkpoint `path` that was to go there.
    static func createDirectory(_ directory: String, for path: String) throws {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw CheckpointError.writeFailed(file: path, reason: "cannot create the directory \(prefix): \(String(cString: strerror(errno)))")
            }
            prefix += "/"
        }
    }

    static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func baseName(_ path: String) -> String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }
}

// The C function, out of reach inside `CheckpointFile`, whose own `write` hides it.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(descriptor, buffer, count) }
