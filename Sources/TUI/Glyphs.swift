/// The characters widgets draw with: Unicode box drawing, blocks and braille where the
/// locale allows, plain ASCII otherwise (`--ascii`, or a non-UTF-8 locale).
public struct Glyphs: Sendable, Equatable {
    public var isUnicode: Bool
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    /// Bar heights in eighths of a cell, index 0 (empty) to 8 (full).
    public var verticalEighths: [Character]
    /// Upper half, lower half, full cell (two pixels per cell for heatmaps).
    public var upperHalf: Character
    public var lowerHalf: Character
    public var fullBlock: Character
    /// Density ramp for monochrome heatmaps, lightest to darkest.
    public var shades: [Character]

    public static let unicode = Glyphs(
        isUnicode: true, horizontal: "─", vertical: "│", topLeft: "╭", topRight: "╮", bottomLeft: "╰", bottomRight: "╯",
        verticalEighths: [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        upperHalf: "▀", lowerHalf: "▄", fullBlock: "█", shades: [" ", "░", "▒", "▓", "█"])

    public static let ascii = Glyphs(
        isUnicode: false, horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        verticalEighths: [" ", " ", ".", ".", "o", "o", "O", "O", "#"],
        upperHalf: "\"", lowerHalf: ",", fullBlock: "#", shades: [" ", ".", ":", "+", "#"])

    /// A braille character from a 2x4 dot pattern (bit i = dot i+1 in Unicode's order:
    /// 1,2,3 down the left column, 4,5,6 down the right, 7 and 8 the bottom row); in ASCII,
    /// '.' for any dot.
    public func braille(_ dots: UInt8) -> Character {
        guard isUnicode else { return dots == 0 ? " " : "." }
        return Character(Unicode.Scalar(0x2800 + UInt32(dots))!)
    }

    /// The dot bit for sub-cell (column 0-1, row 0-3) of a braille cell.
    public static func brailleBit(column: Int, row: Int) -> UInt8 {
        let left: [UInt8] = [0x01, 0x02, 0x04, 0x40], right: [UInt8] = [0x08, 0x10, 0x20, 0x80]
        return (column == 0 ? left : right)[row]
    }
}
