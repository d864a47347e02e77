import Foundation

/// Reads the lines a growing log gains, as `tail -F` would: each call to `read()` takes the
/// bytes added since the last (one fstat and one read), returns the whole lines among them
/// and keeps a last line without its line break for later (a writer in the middle of it). A
/// file that shrank or was replaced (another inode at the path) is read again from its
/// start, and `read()` says so: the writer restarted.
public final class RunLogFollower {
    public struct Line: Sendable, Equatable {
        public var number: Int
        public var text: Substring
    }

    public struct Batch: Sendable, Equatable {
        /// The file shrank or was replaced since the last read: these lines start it again.
        public var restarted = false
        public var lines: [Line] = []
        /// Whether any byte was added since the last read.
        public var grew = false

        public init(restarted: Bool = false, lines: [Line] = [], grew: Bool = false) {
            (self.restarted, self.lines, self.grew) = (restarted, lines, grew)
        }
    }

    public let path: String
    private var descriptor: Int32 = -1
    private var identity: (device: UInt64, inode: UInt64)?
    private var offset: Int64 = 0
    private var pending: [UInt8] = []
    private var lineNumber = 0
    /// A line longer than this (64 MiB) without a line break is not a log line being written.
    public static let longestLine = 64 << 20

    public init(path: String) {
        self.path = path
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// The whole lines added since the last call; none while the file does not exist.
    public func read() throws -> Batch {
        var batch = Batch()
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { return batch }
            throw RunLogError(path: path, line: nil, problem: "cannot read the file: \(String(cString: strerror(errno)))")
        }
        let current = (device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        if descriptor < 0 || identity.map({ $0 != current }) ?? true || Int64(status.st_size) < offset {
            if descriptor >= 0 {
                close(descriptor)
                batch.restarted = true
            }
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw RunLogError(path: path, line: nil, problem: "cannot open the file: \(String(cString: strerror(errno)))")
            }
            identity = current
            (offset, pending, lineNumber) = (0, [], 0)
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw RunLogError(path: path, line: nil, problem: "cannot read the file: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            offset += Int64(count)
            batch.grew = true
            pending.append(contentsOf: chunk[..<count])
        }
        guard let lastBreak = pending.lastIndex(of: UInt8(ascii: "\n")) else {
            if pending.count > Self.longestLine {
                throw RunLogError(path: path, line: lineNumber + 1, problem: "a line of more than \(Self.longestLine) bytes without a line break")
            }
            return batch
        }
        let text = String(decoding: pending[...lastBreak], as: UTF8.self)
        pending.removeSubrange(...lastBreak)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            lineNumber += 1
            if !line.isEmpty { batch.lines.append(Line(number: lineNumber, text: line)) }
        }
        return batch
    }
}
