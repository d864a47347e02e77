import Metrics

/// A layer's weight matrix as a heatmap (the Sparsity panel), and the first MLP layer's
/// input-pixel map.
///
/// The first line is a caption ("fc1.weight 300×784  90.0% sparse", the sparsity measured
/// from the grid's counts); the lines below are the map, stretched to fill them. With a
/// colour theme and Unicode glyphs each cell shows two pixels, `▀` in the upper pixel's
/// colour over the lower pixel's as background, so request `gridSize(for:...)` from the
/// `HeatmapGrid`. Monochrome themes and ASCII glyphs show one pixel per cell as a shade
/// glyph (empty, light to full), coloured by the gradient when the theme has one. A pixel
/// covering several grid cells shows their pooled value (kept / weights), and any kept
/// weight shows at least the lightest shade, so a nearly empty region never looks pruned.
///
/// Colour: `Theme.gradient(.density)` of the kept fraction, or `.magnitude` of the mean
/// |w| (as the forward pass sees it) relative to the layer's strongest pixel. By default
/// the kept fraction is also scaled to the layer's densest pixel (`relativeDensity`): at
/// 90-99% sparsity every absolute density sits at the dark end of the ramp and the
/// structure (which rows, columns, input pixels survive) would vanish; the caption gives
/// the absolute sparsity. Pass `relativeDensity: false` for the absolute 0...1 ramp.
/// Pixels with no kept weight stay at the ramp's start (blank in shades) either way.
public struct HeatmapView: Widget {
    public var name: String
    public var shape: [Int]
    public var grid: HeatmapGrid
    public var showsMagnitude: Bool
    public var relativeDensity: Bool
    public var selected: Bool

    public init(name: String, shape: [Int], grid: HeatmapGrid, showsMagnitude: Bool = false, relativeDensity: Bool = true,
                selected: Bool = false) {
        self.name = name
        self.shape = shape
        self.grid = grid
        self.showsMagnitude = showsMagnitude
        self.relativeDensity = relativeDensity
        self.selected = selected
    }

    /// Grid rows and columns that map one-to-one onto the pixels of `rect`.
    public static func gridSize(for rect: Rect, theme: Theme, glyphs: Glyphs) -> (rows: Int, columns: Int) {
        (max(rect.height - 1, 0) * pixelsPerCell(theme: theme, glyphs: glyphs), rect.width)
    }

    /// `selected`: the layer `l` and `1`-`9` chose (the Weights panel's), when several are
    /// shown: its caption is in reverse video.
    public func render(into screen: inout Screen, area rect: Rect, theme: Theme, glyphs: Glyphs) {
        let area = rect.intersection(screen.bounds)
        guard !area.isEmpty else { return }
        let text = Self.caption(name: name, shape: shape, grid: grid, glyphs: glyphs, width: area.width)
        screen.put(text, x: area.x, y: area.y,
                   style: selected ? CellStyle(foreground: theme.color(.highlight), bold: true, reverse: true) : theme.style(.title), clip: area)
        let map = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        guard !map.isEmpty, grid.rows > 0, grid.columns > 0 else { return }
        let perCell = Self.pixelsPerCell(theme: theme, glyphs: glyphs)
        let (pixelRows, pixelColumns) = (map.height * perCell, map.width)

        var values = [Double](repeating: 0, count: pixelRows * pixelColumns)
        var nonzero = [Bool](repeating: false, count: values.count)
        for py in 0..<pixelRows {
            let gridRows = WidgetNumberFormat.items(inBand: py, of: pixelRows, count: grid.rows)
            for px in 0..<pixelColumns {
                let gridColumns = WidgetNumberFormat.items(inBand: px, of: pixelColumns, count: grid.columns)
                var weights = 0, kept = 0, magnitude = 0.0
                for r in gridRows {
                    for c in gridColumns {
                        let i = r * grid.columns + c
                        weights += grid.weightCount[i]
                        kept += grid.keptCount[i]
                        magnitude += grid.magnitudeSum[i]
                    }
                }
                let value = weights == 0 ? 0 : (showsMagnitude ? magnitude : Double(kept)) / Double(weights)
                values[py * pixelColumns + px] = value
                nonzero[py * pixelColumns + px] = showsMagnitude ? magnitude > 0 : kept > 0
            }
        }
        if showsMagnitude || relativeDensity { values = Self.scaledToLargest(values) }
        Self.paint(into: &screen, map: map, pixelsPerCell: perCell, values: values, nonzero: nonzero,
                   gradient: theme.gradient(showsMagnitude ? .magnitude : .density), glyphs: glyphs)
    }


    /// "fc1.weight 300×784  90.0% sparse" (ASCII: "300x784"); narrower forms when that
    /// does not fit `width` ("fc1 300×784 90.0%", then "fc1 90.0%", then a block layer's
    /// path abbreviated, "l2.0.s.conv1 90.0%" for layer2.0.shortcut.conv1), so the sparsity
    /// always shows.
    public static func caption(name: String, shape: [Int], grid: HeatmapGrid, glyphs: Glyphs, width: Int = .max) -> String {
        let weights = grid.weightCount.reduce(0, +), kept = grid.keptCount.reduce(0, +)
        let sparsity = weights == 0 ? "n/a" : WidgetNumberFormat.percent(1 - Double(kept) / Double(weights))
        let dimensions = shape.map(String.init).joined(separator: glyphs.isUnicode ? "×" : "x")
        let short = LayerNameFormat.withoutWeightSuffix(name), abbreviated = LayerNameFormat.abbreviated(name)
        let forms = ["\(name) \(dimensions)  \(sparsity) sparse", "\(short) \(dimensions) \(sparsity)", "\(short) \(sparsity)",
                     "\(abbreviated) \(sparsity)"]
        return forms.first { $0.count <= width } ?? forms.last!
    }


    static func pixelsPerCell(theme: Theme, glyphs: Glyphs) -> Int {
        theme.gradient(.density) != nil && glyphs.isUnicode ? 2 : 1
    }

    static func scaledToLargest(_ values: [Double]) -> [Double] {
        guard let largest = values.max(), largest > 0 else { return values }
        return values.map { $0 / largest }
    }

    /// Draws `values` (row-major, `map.width` columns, 0...1) into `map`.
    static func paint(into screen: inout Screen, map: Rect, pixelsPerCell: Int, values: [Double], nonzero: [Bool],
                              gradient: Theme.Gradient?, glyphs: Glyphs) {
        let clip = map.intersection(screen.bounds)
        for row in 0..<map.height {
            for column in 0..<map.width where clip.contains(x: map.x + column, y: map.y + row) {
                let upper = (row * pixelsPerCell) * map.width + column
                guard upper < values.count else { continue }
                let cell: Cell
                if pixelsPerCell == 2, let gradient {
                    let lower = upper + map.width
                    cell = Cell(glyphs.upperHalf, style: CellStyle(
                        foreground: gradient.color(at: values[upper]),
                        background: lower < values.count ? gradient.color(at: values[lower]) : nil))
                } else {
                    let last = glyphs.shades.count - 1
                    // A diverged run's |w| sums reach inf and NaN; Int(_:) would trap on them (as Gradient.color, 0).
                    let value = values[upper].isFinite ? min(max(values[upper], 0), 1) : 0
                    let level = nonzero[upper] ? min(max(Int((value * Double(last)).rounded()), 1), last) : 0
                    cell = Cell(glyphs.shades[level], style: CellStyle(foreground: gradient?.color(at: values[upper])))
                }
                screen[map.x + column, map.y + row] = cell
            }
        }
    }
}
