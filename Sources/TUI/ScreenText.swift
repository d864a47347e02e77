/// A `Screen` written out as text, for the one-shot frames (`prunetop show`, `tui --once`,
/// `compare --once`): plain, or with ANSI SGR escapes at a colour depth. No curses: it works
/// over a pipe and in CI logs.
public enum ScreenText {
    /// The screen's rows as plain text, trailing spaces trimmed, one "\n" after each row. A wide
    /// character (CJK, emoji) covers the cell after it, as on a terminal, so that cell is not written.
    public static func plain(_ screen: Screen) -> String {
        var out = ""
        for y in 0..<screen.height {
            var row = ""
            forEachVisibleCell(of: screen, row: y) { row.append($0.character) }
            while row.last == " " { row.removeLast() }
            out += row + "\n"
        }
        return out
    }

    /// The screen's rows with SGR escapes for each change of style at `depth` (attributes
    /// only at `.none`), reset at the end of every row. Trailing blank cells are trimmed
    /// only where they show nothing (no background, reverse or underline).
    public static func ansi(_ screen: Screen, depth: ColorDepth) -> String {
        var out = ""
        for y in 0..<screen.height {
            var cells: [Cell] = []
            forEachVisibleCell(of: screen, row: y) { cells.append($0) }
            while let last = cells.last, last.character == " ", showsNothing(last.style, depth: depth) { cells.removeLast() }
            var current: CellStyle?
            for cell in cells {
                if cell.style != current {
                    out += sgr(cell.style, depth: depth)
                    current = cell.style
                }
                out.append(cell.character)
            }
            out += (current == nil ? "" : reset) + "\n"
        }
        return out
    }

    static let reset = "\u{1B}[0m"

    /// The escape that sets `style` from scratch (it resets first).
    static func sgr(_ style: CellStyle, depth: ColorDepth) -> String {
        var codes = ["0"]
        if style.bold { codes.append("1") }
        if style.dim { codes.append("2") }
        if style.underline { codes.append("4") }
        if style.reverse { codes.append("7") }
        if let foreground = depth.terminalColor(for: style.foreground) { codes.append(colorCode(foreground, background: false)) }
        if let background = depth.terminalColor(for: style.background) { codes.append(colorCode(background, background: true)) }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }

    static func colorCode(_ color: TerminalColor, background: Bool) -> String {
        switch color {
        case let .rgb(rgb): return "\(background ? 48 : 38);2;\(rgb.red);\(rgb.green);\(rgb.blue)"
        case let .indexed(index) where index < 8: return String((background ? 40 : 30) + index)
        case let .indexed(index) where index < 16: return String((background ? 100 : 90) + index - 8)
        case let .indexed(index): return "\(background ? 48 : 38);5;\(index)"
        }
    }

    private static func showsNothing(_ style: CellStyle, depth: ColorDepth) -> Bool {
        !style.reverse && !style.underline && depth.terminalColor(for: style.background) == nil
    }

    /// The cells a terminal would show in row `y`: the one after a wide character is skipped.
    private static func forEachVisibleCell(of screen: Screen, row y: Int, _ body: (Cell) -> Void) {
        var x = 0
        while x < screen.width {
            let cell = screen[x, y]
            body(cell)
            x += isWide(cell.character) && x + 1 < screen.width ? 2 : 1
        }
    }

    /// East Asian wide and full-width characters and emoji (Unicode 15's EastAsianWidth W/F
    /// blocks, coarsely): they take two columns on a terminal. Braille and box drawing take one.
    static func isWide(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first?.value else { return false }
        switch scalar {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
