/// An in-memory grid of cells that widgets draw into. It never calls ncurses: the
/// backend diffs two screens and flushes the changes, and tests read cells directly.
public struct Screen: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(width, 0)
        self.height = max(height, 0)
        cells = [Cell](repeating: .blank, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { bounds.contains(x: x, y: y) ? cells[y * width + x] : .blank }
        set { if bounds.contains(x: x, y: y) { cells[y * width + x] = newValue } }
    }

    /// Writes `text` from (x, y), one cell per character, clipped to `clip` (and the
    /// screen). Control characters become U+FFFD so no text can drive the terminal.
    /// Returns the x after the last character written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle = .plain, clip: Rect? = nil) -> Int {
        let area = (clip ?? bounds).intersection(bounds)
        guard y >= area.y && y < area.maxY else { return x }
        var column = x
        for character in text {
            if column >= area.maxX { break }
            if column >= area.x { self[column, y] = Cell(Self.printable(character), style: style) }
            column += 1
        }
        return column
    }

    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let area = rect.intersection(bounds)
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { cells[y * width + x] = cell }
        }
    }

    /// Restyles the cells of `rect`, keeping their characters.
    public mutating func style(_ rect: Rect, _ change: (inout CellStyle) -> Void) {
        let area = rect.intersection(bounds)
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { change(&cells[y * width + x].style) }
        }
    }

    /// Row `y` as plain text (tests and text captures).
    public func text(row y: Int) -> String { String((0..<width).map { self[$0, y].character }) }

    /// The whole screen as lines of text, trailing spaces kept.
    public var lines: [String] { (0..<height).map { text(row: $0) } }

    static func printable(_ character: Character) -> Character {
        character.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) } ? "\u{FFFD}" : character
    }
}
