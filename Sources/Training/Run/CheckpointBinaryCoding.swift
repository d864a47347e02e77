import CZlib

// The primitives of the checkpoint format: little-endian integers, IEEE bit patterns,
// length-prefixed strings and arrays, and a tag at the start of every section.

#if _endian(big)
#error("checkpoints copy Float arrays as little-endian bytes")
#endif

struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    mutating func section(_ name: String) { string(name) }

    /// Bytes as they are, with no length (the magic).
    mutating func raw(_ values: [UInt8]) { bytes += values }

    mutating func uint8(_ value: UInt8) { bytes.append(value) }
    mutating func uint32(_ value: UInt32) { append(value) }
    mutating func uint64(_ value: UInt64) { append(value) }
    mutating func int(_ value: Int) { append(Int64(value)) }
    mutating func double(_ value: Double) { append(value.bitPattern) }
    mutating func bool(_ value: Bool) { uint8(value ? 1 : 0) }

    /// A count of elements that follow.
    mutating func count(_ count: Int) { append(UInt64(count)) }

    mutating func string(_ value: String) {
        let utf8 = Array(value.utf8)
        count(utf8.count)
        bytes += utf8
    }

    mutating func byteArray(_ values: [UInt8]) {
        count(values.count)
        bytes += values
    }

    mutating func floats(_ values: [Float]) {
        count(values.count)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

/// Reads what `BinaryWriter` wrote. Every read checks the bytes left first, and every
/// declared length is checked against them before anything is allocated, so a damaged
/// or hostile length fails at once, in bounded memory. Errors name the file, the
/// section being read and the offset in the file.
struct BinaryReader {
    /// The whole file (or as much of it as there is).
    private let bytes: [UInt8]
    /// The next byte to read.
    private(set) var offset: Int
    let file: String
    private(set) var section = "header"

    init(_ bytes: [UInt8], file: String, offset: Int = 0) {
        self.bytes = bytes
        self.file = file
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset == bytes.count }

    /// Enters section `name`, whose tag must come next.
    mutating func section(_ name: String) throws {
        section = name
        let tag = try string()
        guard tag == name else { throw malformed("expected the section's tag '\(name)', found '\(tag)'") }
    }

    func malformed(_ problem: String) -> CheckpointError {
        .malformed(file: file, section: section, problem: problem)
    }

    /// The next `count` bytes as they are.
    mutating func raw(_ count: Int) throws -> [UInt8] {
        try require(count)
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func uint8() throws -> UInt8 { try integer(UInt8.self) }
    mutating func uint32() throws -> UInt32 { try integer(UInt32.self) }
    mutating func uint64() throws -> UInt64 { try integer(UInt64.self) }
    mutating func int() throws -> Int { Int(try integer(Int64.self)) }
    mutating func double() throws -> Double { Double(bitPattern: try integer(UInt64.self)) }

    mutating func bool() throws -> Bool {
        let byte = try uint8()
        guard byte <= 1 else { throw malformed("a flag is \(byte), expected 0 or 1") }
        return byte == 1
    }

    /// A non-negative integer that is not a length (a step, a counter).
    mutating func natural(_ what: String) throws -> Int {
        let value = try int()
        guard value >= 0 else { throw malformed("\(what) is \(value), expected a number >= 0") }
        return value
    }

    /// A count of elements of at least `elementSize` bytes each, refused unless that many
    /// bytes are left.
    mutating func count(elementSize: Int) throws -> Int {
        let declared = try uint64()
        let (needed, overflow) = Int(clamping: declared).multipliedReportingOverflow(by: elementSize)
        let total = overflow ? Int.max : needed
        try require(total)
        return Int(declared)
    }

    mutating func string() throws -> String {
        let length = try count(elementSize: 1)
        let utf8 = bytes[offset..<(offset + length)]
        guard let value = String(validating: utf8, as: UTF8.self) else { throw malformed("a string is not valid UTF-8") }
        offset += length
        return value
    }

    mutating func byteArray() throws -> [UInt8] { try raw(count(elementSize: 1)) }

    mutating func floats() throws -> [Float] {
        let count = try count(elementSize: MemoryLayout<Float>.size)
        let start = offset
        offset += count * MemoryLayout<Float>.size
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<offset]))
            }
            initialized = count
        }
    }

    private mutating func require(_ count: Int) throws {
        guard count <= remaining else {
            throw CheckpointError.truncated(file: file, section: section, byte: offset,
                                            needed: count, available: remaining)
        }
    }

    private mutating func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        try require(size)
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes[offset..<(offset + size)]) }
        offset += size
        return T(littleEndian: value)
    }
}

/// CRC-32 (zlib's, as in gzip and PNG).
enum CRC32 {
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc = crc32(0, nil, 0)
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                let length = min(buffer.count - start, 1 << 30)  // zlib takes 32-bit lengths
                crc = crc32(crc, buffer.baseAddress! + start, uInt(length))
                start += length
            }
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
