import CZlib

/// gzip (and zlib) decompression through the system zlib.
public enum Gzip {
    /// True when `data` starts with the gzip magic bytes 1f 8b.
    public static func isCompressed(_ data: [UInt8]) -> Bool {
        data.count >= 2 && data[0] == 0x1F && data[1] == 0x8B
    }

    /// Inflates gzip or zlib data (the header is detected automatically). Concatenated
    /// gzip members are joined, as gzip(1) does; zero padding after the last member is
    /// ignored, anything else after it is an error.
    ///
    /// The output buffer grows as inflate needs it, never beyond `limit` + 1 bytes: once
    /// the output would exceed `limit` bytes this throws `decompressedTooLarge`, so a
    /// small "zip bomb" cannot exhaust memory. `path` only labels errors.
    public static func decompress(_ data: [UInt8], path: String, limit: Int = 1 << 31) throws -> [UInt8] {
        try inflated(data, path: path, limit: limit, prefixOnly: false)
    }

    /// The first `count` bytes the data inflates to (fewer when it inflates to less),
    /// inflating no further: enough to read a header that says how much should follow.
    public static func decompressPrefix(_ data: [UInt8], path: String, count: Int) throws -> [UInt8] {
        try inflated(data, path: path, limit: count, prefixOnly: true)
    }

    private static func inflated(_ data: [UInt8], path: String, limit: Int, prefixOnly: Bool) throws -> [UInt8] {
        guard limit >= 0 else { throw DatasetError.decompressedTooLarge(path: path, limit: limit) }
        guard !data.isEmpty else {
            throw DatasetError.gzipCorrupt(path: path, message: "no data (empty input)")
        }
        // One byte past the limit tells "exactly at the limit" from "beyond it".
        let maxCapacity = limit == Int.max ? Int.max : limit + 1

        var stream = z_stream()
        let initStatus = prunetop_inflate_init_gzip(&stream)
        guard initStatus == Z_OK else {
            throw DatasetError.gzipCorrupt(path: path, message: zlibMessage(stream, status: initStatus))
        }
        defer { inflateEnd(&stream) }

        var output = [UInt8](repeating: 0, count: min(initialCapacity(for: data), maxCapacity))
        var produced = 0
        var consumed = 0

        try data.withUnsafeBufferPointer { input in
            guard let inputBase = input.baseAddress else { return }
            while true {
                if produced == output.count {
                    guard output.count < maxCapacity else {
                        if prefixOnly { return }
                        throw DatasetError.decompressedTooLarge(path: path, limit: limit)
                    }
                    let doubled = output.count > maxCapacity / 2 ? maxCapacity : max(output.count * 2, 1 << 16)
                    output.append(contentsOf: repeatElement(0, count: min(doubled, maxCapacity) - output.count))
                }
                let inChunk = min(input.count - consumed, Int(UInt32.max))
                let outChunk = min(output.count - produced, Int(UInt32.max))
                stream.next_in = UnsafeMutablePointer(mutating: inputBase + consumed)
                stream.avail_in = UInt32(inChunk)
                let status: Int32 = output.withUnsafeMutableBufferPointer { out in
                    guard let outBase = out.baseAddress else { return Z_MEM_ERROR }
                    stream.next_out = outBase + produced
                    stream.avail_out = UInt32(outChunk)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                consumed += inChunk - Int(stream.avail_in)
                produced += outChunk - Int(stream.avail_out)
                stream.next_in = nil
                stream.next_out = nil

                switch status {
                case Z_STREAM_END:
                    let rest = input[consumed...]
                    if rest.isEmpty || rest.allSatisfy({ $0 == 0 }) { return }
                    if rest.count >= 2 && rest[consumed] == 0x1F && rest[consumed + 1] == 0x8B {
                        inflateReset(&stream)  // another gzip member follows
                        continue
                    }
                    throw DatasetError.gzipCorrupt(
                        path: path,
                        message: "\(rest.count) bytes of trailing garbage after the end of the compressed data")
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: either the output is full (grow and go on)
                    // or the input ran out before the end of the stream.
                    if produced == output.count { continue }
                    if consumed == input.count {
                        throw DatasetError.gzipCorrupt(
                            path: path,
                            message: "unexpected end of compressed data after \(input.count) bytes "
                                + "(\(produced) bytes inflated): the file is truncated")
                    }
                    throw DatasetError.gzipCorrupt(path: path, message: zlibMessage(stream, status: status))
                default:
                    throw DatasetError.gzipCorrupt(path: path, message: zlibMessage(stream, status: status))
                }
            }
        }
        if prefixOnly { produced = min(produced, limit) }
        guard produced <= limit else { throw DatasetError.decompressedTooLarge(path: path, limit: limit) }
        output.removeSubrange(produced...)
        return output
    }

    /// A first output size: the gzip trailer's ISIZE when it is plausible for the
    /// input size (it is untrusted and only 32 bits), else four times the input.
    private static func initialCapacity(for data: [UInt8]) -> Int {
        let (bound, overflow) = data.count.multipliedReportingOverflow(by: 16)
        let plausible = overflow ? Int.max : bound
        var guess = data.count >= 4 && isCompressed(data)
            ? Int(data[data.count - 4]) | Int(data[data.count - 3]) << 8
                | Int(data[data.count - 2]) << 16 | Int(data[data.count - 1]) << 24
            : 0
        if guess == 0 || guess > plausible {
            let (four, overflow4) = data.count.multipliedReportingOverflow(by: 4)
            guess = overflow4 ? Int.max : four
        }
        return max(guess, 1 << 12)
    }

    private static func zlibMessage(_ stream: z_stream, status: Int32) -> String {
        if let message = stream.msg { return String(cString: message) }
        if let text = zError(status) { return String(cString: text) }
        return "zlib error \(status)"
    }
}
