/// A 24-bit colour. The backend maps it down to what the terminal has (256, 16, none).
public struct Color: Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// "#RRGGBB" or "#GG" (a grey, btop's short form); nil when malformed.
    public init?(hex: String) {
        var digits = Substring(hex)
        if digits.hasPrefix("#") { digits = digits.dropFirst() }
        guard digits.allSatisfy(\.isHexDigit), let value = UInt32(digits, radix: 16) else { return nil }
        switch digits.count {
        case 6: self.init(UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
        case 2: self.init(UInt8(value), UInt8(value), UInt8(value))
        default: return nil
        }
    }

    /// Linear interpolation towards `other`, t in [0, 1].
    public func mixed(with other: Color, _ t: Double) -> Color {
        let t = min(max(t, 0), 1)
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
        return Color(mix(red, other.red), mix(green, other.green), mix(blue, other.blue))
    }
}
