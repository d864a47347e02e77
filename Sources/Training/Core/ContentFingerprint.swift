/// What a run depends on, identified by its bytes: zlib's CRC-32 and the byte count. It
/// tells an edited recipe or changed data apart from the one a run used; it is a check
/// against mistakes, not against forgery.
public struct ContentFingerprint: Sendable, Hashable, CustomStringConvertible {
    public var crc32: UInt32
    public var byteCount: Int

    public init(crc32: UInt32, byteCount: Int) {
        self.crc32 = crc32
        self.byteCount = byteCount
    }

    public init(of bytes: [UInt8]) {
        self.init(crc32: CRC32.checksum(bytes[...]), byteCount: bytes.count)
    }

    public init(of text: String) { self.init(of: Array(text.utf8)) }

    /// "0x1234abcd", as logs write it.
    public var crc32Text: String {
        let digits = String(crc32, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// Reads `crc32Text` back.
    public static func crc32(parsing text: String) -> UInt32? {
        guard text.hasPrefix("0x"), text.count == 10 else { return nil }
        return UInt32(text.dropFirst(2), radix: 16)
    }

    public var description: String { "CRC-32 \(crc32Text) of \(byteCount) bytes" }
}
