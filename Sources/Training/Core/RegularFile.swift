import Foundation

/// Reading an input file whole, safely: opened without blocking (a FIFO's open would wait
/// for a writer forever), refused unless it is a regular file (saying what it is), and
/// refused past `limit` bytes before anything is allocated. Errors carry the system's reason.
public enum RegularFile {
    public struct Problem: Error, CustomStringConvertible, Equatable {
        /// Why, in a few words: "No such file or directory", "expected a regular file, found a FIFO (named pipe)".
        public var description: String
    }

    public static func read(_ path: String, limit: Int = Int.max) throws(Problem) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw Problem(description: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Problem(description: String(cString: strerror(errno))) }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw Problem(description: "expected a regular file, found \(kind(status.st_mode))")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        let size = Int(status.st_size)
        guard size <= limit else { throw Problem(description: "expected at most \(limit) bytes, found \(size)") }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let count = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return systemRead(descriptor, base + filled, min(size - filled, 1 << 30))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw Problem(description: String(cString: strerror(errno)))
            }
            if count == 0 { break }  // the file shrank while being read
            filled += count
        }
        if filled < size { bytes.removeSubrange(filled...) }
        return bytes
    }

    /// The file as UTF-8 text.
    public static func readText(_ path: String, limit: Int = Int.max) throws(Problem) -> String {
        guard let text = String(bytes: try read(path, limit: limit), encoding: .utf8) else {
            throw Problem(description: "expected UTF-8 text")
        }
        return text
    }

    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        default: "something else"
        }
    }
}

/// `read(2)`, named apart from `RegularFile.read`.
@inline(__always)
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    Glibc.read(descriptor, buffer, count)
}
