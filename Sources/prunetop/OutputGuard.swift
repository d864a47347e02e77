import ArgumentParser
import Foundation

/// Checks, before anything runs, that no file a command writes is a file it reads: a
/// recipe, a checkpoint, a log or a data file given as an output would be destroyed
/// (`run r.yaml --jsonl r.yaml`, `export run.jsonl --svg run.jsonl`). Two paths are the
/// same file when they name the same inode (hard links, symlinks and `./` spellings
/// included), or, for an output not yet created, the same absolute path once symlinks
/// are resolved. Outputs that collide with each other are refused too.
enum OutputGuard {
    struct File {
        /// How the user gave it: "--jsonl", "the recipe", "--resume"...
        var role: String
        var path: String
    }

    static func check(outputs: [File], inputs: [File]) throws {
        for (index, output) in outputs.enumerated() {
            if let input = inputs.first(where: { sameFile(output.path, $0.path) }) {
                throw ValidationError("\(output.role): \(output.path) is \(input.role) (\(input.path)); writing it would destroy it. "
                                      + "Choose another file for \(output.role)")
            }
            if let other = outputs[..<index].first(where: { sameFile(output.path, $0.path) }) {
                throw ValidationError("\(output.role) and \(other.role) are the same file (\(output.path)); give each its own")
            }
        }
    }

    /// The regular files directly in `directory`, as inputs named `role` (a data set's IDX files).
    static func files(in directory: String?, role: String) -> [File] {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.map { File(role: role, path: (directory as NSString).appendingPathComponent($0)) }
    }

    static func sameFile(_ a: String, _ b: String) -> Bool {
        if let first = identity(a), let second = identity(b) { return first == second }
        return canonical(a) == canonical(b)
    }

    private struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
    }

    private static func identity(_ path: String) -> Identity? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Identity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    /// The absolute path with symlinks resolved in the part that exists.
    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
