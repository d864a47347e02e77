#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An unsigned-byte IDX array: its dimensions (outermost first) and its elements in
/// row-major order. `bytes.count` is the product of `dimensions`.
public struct IDXArray: Sendable, Equatable {
    public let dimensions: [Int]
    public let bytes: [UInt8]

    public init(dimensions: [Int], bytes: [UInt8]) {
        self.dimensions = dimensions
        self.bytes = bytes
    }
}

/// The IDX format (as used by MNIST): a big-endian magic number 00 00 TYPE NDIM,
/// NDIM big-endian UInt32 sizes, then the elements. Only TYPE 0x08 (unsigned byte)
/// is supported.
public enum IDXFile {
    /// Parses an IDX file's bytes. The sizes in the header are checked (with overflow
    /// checks) against the actual length before anything of that size is allocated;
    /// a file shorter or longer than its header says is an error. `path` labels errors.
    public static func parse(_ data: [UInt8], path: String) throws -> IDXArray {
        guard data.count >= 4 else {
            throw DatasetError.truncated(path: path, dimensions: [], expectedBytes: 4, actualBytes: data.count)
        }
        guard data[0] == 0, data[1] == 0 else {
            throw DatasetError.badMagic(path: path, found: Array(data[0..<4]))
        }
        guard data[2] == 0x08 else {
            throw DatasetError.unsupportedElementType(path: path, typeCode: data[2])
        }
        let dimensionCount = Int(data[3])
        let headerBytes = 4 + 4 * dimensionCount
        guard data.count >= headerBytes else {
            throw DatasetError.truncated(path: path, dimensions: [], expectedBytes: headerBytes,
                                         actualBytes: data.count)
        }
        let dimensions = parseDimensions(data)
        guard let expectedBytes = totalBytes(dimensions: dimensions, headerBytes: headerBytes) else {
            throw DatasetError.tooLarge(path: path, dimensions: dimensions, actualBytes: data.count)
        }
        guard data.count >= expectedBytes else {
            throw DatasetError.truncated(path: path, dimensions: dimensions, expectedBytes: expectedBytes,
                                         actualBytes: data.count)
        }
        guard data.count == expectedBytes else {
            throw DatasetError.trailingBytes(path: path, dimensions: dimensions, expectedBytes: expectedBytes,
                                             actualBytes: data.count)
        }
        return IDXArray(dimensions: dimensions, bytes: Array(data[headerBytes...]))
    }

    /// Reads the file at `path`, gunzips it when it starts with 1f 8b (refusing more
    /// than `decompressionLimit` bytes of output), and parses it.
    /// A gzipped file is inflated only as far as its IDX header says the data goes (plus
    /// one byte, to tell trailing bytes), so a small file whose header declares 200 kB
    /// is refused after 200 kB, not after inflating gigabytes.
    public static func read(path: String, decompressionLimit: Int) throws -> IDXArray {
        var data = try readFile(path: path)
        if Gzip.isCompressed(data) {
            let header = try Gzip.decompressPrefix(data, path: path, count: 4 + 4 * 255)
            let declared = declaredSize(header)
            let stopsAtDeclared = declared.map { $0 < decompressionLimit } ?? false
            do {
                data = try Gzip.decompress(data, path: path, limit: stopsAtDeclared ? declared! : decompressionLimit)
            } catch DatasetError.decompressedTooLarge where stopsAtDeclared {
                throw DatasetError.inflatesPastDeclaredSize(path: path, dimensions: parseDimensions(header), expectedBytes: declared!)
            }
        }
        return try parse(data, path: path)
    }

    /// The whole file's size as its header declares it (header and data); nil when the
    /// bytes given do not hold a whole header or the size overflows (`parse` then says why).
    static func declaredSize(_ header: [UInt8]) -> Int? {
        guard header.count >= 4, header[0] == 0, header[1] == 0, header[2] == 0x08,
              header.count >= 4 + 4 * Int(header[3]) else { return nil }
        return totalBytes(dimensions: parseDimensions(header), headerBytes: 4 + 4 * Int(header[3]))
    }

    /// Header plus data bytes; nil when that overflows. A zero dimension makes the
    /// product zero even after an overflow elsewhere.
    private static func totalBytes(dimensions: [Int], headerBytes: Int) -> Int? {
        if dimensions.contains(0) { return headerBytes }
        var elements = 1
        for size in dimensions {
            let (product, overflow) = elements.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            elements = product
        }
        let (bytes, overflow) = headerBytes.addingReportingOverflow(elements)
        return overflow ? nil : bytes
    }

    private static func parseDimensions(_ header: [UInt8]) -> [Int] {
        (0..<Int(header[3])).map { index in
            let offset = 4 + 4 * index
            return Int(header[offset]) << 24 | Int(header[offset + 1]) << 16 | Int(header[offset + 2]) << 8 | Int(header[offset + 3])
        }
    }

    /// Reads the file at `path`, gunzips it when it starts with 1f 8b, and parses it.
    public static func read(path: String) throws -> IDXArray {
        try read(path: path, decompressionLimit: 1 << 31)
    }

    /// The whole content of a regular file, with the system's reason on failure.
    static func readFile(path: String) throws -> [UInt8] {
        do { return try RegularFile.read(path) } catch { throw DatasetError.unreadable(path: path, reason: error.description) }
    }

}

