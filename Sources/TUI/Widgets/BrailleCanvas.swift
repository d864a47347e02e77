/// A drawing surface of dots, two across and four down per cell (Unicode braille), for
/// line plots. Pixel (0, 0) is the top-left dot. With ASCII glyphs a cell shows `'` for
/// dots in its upper half only, `.` for its lower half only and `:` for both, which keeps
/// half a cell of vertical resolution.
///
/// `draw` writes only the cells that hold a dot, and keeps those cells' background, so a
/// canvas can be laid over tinted bands, markers or another canvas.
public struct BrailleCanvas: Sendable, Equatable {
    /// Size in cells.
    public let width: Int
    public let height: Int
    private var dots: [UInt8]
    private var colors: [Color?]

    public init(width: Int, height: Int) {
        self.width = max(width, 0)
        self.height = max(height, 0)
        dots = [UInt8](repeating: 0, count: self.width * self.height)
        colors = [Color?](repeating: nil, count: self.width * self.height)
    }

    public var pixelWidth: Int { width * 2 }
    public var pixelHeight: Int { height * 4 }

    /// The dot pattern of cell (x, y): bits as `Glyphs.brailleBit`.
    public func dots(x: Int, y: Int) -> UInt8 {
        x >= 0 && x < width && y >= 0 && y < height ? dots[y * width + x] : 0
    }

    /// Sets one dot; the cell takes `color` (the last colour set in a cell wins). Dots
    /// outside the canvas are ignored.
    public mutating func set(x: Int, y: Int, color: Color? = nil) {
        guard x >= 0 && x < pixelWidth && y >= 0 && y < pixelHeight else { return }
        let cell = (y / 4) * width + x / 2
        dots[cell] |= Glyphs.brailleBit(column: x % 2, row: y % 4)
        colors[cell] = color
    }

    /// A straight line of dots between two pixels, both ends included (Bresenham).
    public mutating func line(from start: (x: Int, y: Int), to end: (x: Int, y: Int), color: Color? = nil) {
        var (x, y) = start
        let dx = abs(end.x - x), dy = -abs(end.y - y)
        let stepX = x < end.x ? 1 : -1, stepY = y < end.y ? 1 : -1
        var error = dx + dy
        while true {
            set(x: x, y: y, color: color)
            if x == end.x && y == end.y { return }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += stepX }
            if doubled <= dx { error += dx; y += stepY }
        }
    }

    /// The character of a cell's dot pattern for `glyphs`.
    public static func character(_ dots: UInt8, glyphs: Glyphs) -> Character {
        if glyphs.isUnicode { return glyphs.braille(dots) }
        let upper: UInt8 = 0x01 | 0x02 | 0x08 | 0x10, lower: UInt8 = 0x04 | 0x40 | 0x20 | 0x80
        switch (dots & upper != 0, dots & lower != 0) {
        case (true, true): return ":"
        case (true, false): return "'"
        case (false, true): return "."
        case (false, false): return " "
        }
    }

    /// Writes the cells holding dots with their top-left at (x, y), clipped to `clip`.
    /// Each written cell keeps its background; `bold` marks it for monochrome themes.
    public func draw(into screen: inout Screen, x originX: Int, y originY: Int, clip: Rect, glyphs: Glyphs, bold: Bool = false) {
        for row in 0..<height {
            for column in 0..<width {
                let pattern = dots[row * width + column]
                let (x, y) = (originX + column, originY + row)
                guard pattern != 0, clip.contains(x: x, y: y) else { continue }
                var style = screen[x, y].style
                style.foreground = colors[row * width + column]
                style.bold = bold
                style.reverse = false
                screen[x, y] = Cell(Self.character(pattern, glyphs: glyphs), style: style)
            }
        }
    }
}
