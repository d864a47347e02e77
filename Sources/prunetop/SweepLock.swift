import ArgumentParser
import Foundation
import Glibc

/// An exclusive claim on a sweep's `--out` directory, so two sweeps never write into the
/// same logs and table. It is an advisory `flock` on `DIR/.sweep.lock`, which also holds
/// who took it; the kernel releases it when the holder exits, however it ends (a crash
/// leaves no stale lock). The point processes inherit it, so it lasts while they run.
/// A cluster task (`--index`) takes it shared: tasks of one sweep run side by side, and
/// none while a whole sweep or a merge holds it.
final class SweepLock {
    static let fileName = ".sweep.lock"

    struct Held: Error, CustomStringConvertible {
        var directory: String
        var holder: String
        var description: String {
            "--out \(directory): another sweep is writing there (\(holder)); wait for it to end, or give another --out"
        }
    }

    private let descriptor: Int32
    private let shared: Bool

    /// Takes the lock, or throws `Held` naming the holder; `command` is recorded for the next one.
    init(directory: String, command: [String], shared: Bool = false) throws {
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        let descriptor = open(path, O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0 else {
            throw ValidationError("--out \(directory): cannot create \(Self.fileName): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
            let reason = errno
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = pread(descriptor, &buffer, buffer.count, 0)
            close(descriptor)
            guard reason == EWOULDBLOCK else {
                throw ValidationError("--out \(directory): cannot lock \(Self.fileName): \(String(cString: strerror(reason)))")
            }
            let recorded = String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Held(directory: directory, holder: recorded.isEmpty ? "cluster tasks (--index), which do not record themselves" : recorded)
        }
        self.descriptor = descriptor
        self.shared = shared
        if shared { return }
        let started = ISO8601DateFormatter().string(from: Date())
        let record = Array("pid \(getpid()), started \(started): \(command.map(SweepCommand.shellQuoted).joined(separator: " "))\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, record, record.count, 0)
    }

    /// A whole sweep clears its record as it ends, so tasks holding the lock after it are
    /// not named after it.
    deinit {
        if !shared { _ = ftruncate(descriptor, 0) }
        close(descriptor)
    }
}
