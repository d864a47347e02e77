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
public enum HeatmapView {
    /// Grid rows and columns that map one-to-one onto the pixels of `rect`.
    public static func gridSize(for rect: Rect, theme: Theme, glyphs: Glyphs) -> (rows: Int, columns: Int) {
        (max(rect.height - 1, 0) * pixelsPerCell(theme: theme, glyphs: glyphs), rect.width)
    }

    /// `selected`: the layer `l` and `1`-`9` chose (the Weights panel's), when several are
    /// shown: its caption is in reverse video.
    public static func draw(into screen: inout Screen, rect: Rect, name: String, shape: [Int], grid: HeatmapGrid,
                            showsMagnitude: Bool = false, relativeDensity: Bool = true, selected: Bool = false,
                            theme: Theme, glyphs: Glyphs) {
        let area = rect.intersection(screen.bounds)
        guard !area.isEmpty else { return }
        let text = caption(name: name, shape: shape, grid: grid, glyphs: glyphs, width: area.width)
        screen.put(text, x: area.x, y: area.y,
                   style: selected ? CellStyle(foreground: theme.color(.highlight), bold: true, reverse: true) : theme.style(.title), clip: area)
        let map = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        guard !map.isEmpty, grid.rows > 0, grid.columns > 0 else { return }
        let perCell = pixelsPerCell(theme: theme, glyphs: glyphs)
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
        if showsMagnitude || relativeDensity { values = scaledToLargest(values) }
        paint(into: &screen, map: map, pixelsPerCell: perCell, values: values, nonzero: nonzero,
              gradient: theme.gradient(showsMagnitude ? .magnitude : .density), glyphs: glyphs)
    }

    /// The 28x28 (or any) input-pixel map: each pixel's active outgoing weights over the
    /// most it can have, in the density gradient (relative to the best-connected pixel
    /// unless `relativeDensity` is false; disconnected pixels stay blank), as a square fitted into `rect` under a
    /// caption ("inputs 612/784 used"). Above 28 pixels a side, only whole multiples of the
    /// image size are used, so every image pixel gets the same number of screen pixels.
    public static func drawInputMap(into screen: inout Screen, rect: Rect, map inputMap: InputConnectionMap,
                                    relativeDensity: Bool = true, theme: Theme, glyphs: Glyphs) {
        let area = rect.intersection(screen.bounds)
        guard !area.isEmpty else { return }
        let pixels = inputMap.rows * inputMap.columns
        screen.put("inputs \(pixels - inputMap.disconnectedPixels)/\(pixels) used", x: area.x, y: area.y,
                   style: theme.style(.title), clip: area)
        let below = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        guard !below.isEmpty, inputMap.rows > 0, inputMap.columns > 0 else { return }
        let perCell = pixelsPerCell(theme: theme, glyphs: glyphs)
        // Square image pixels: a cell is about twice as tall as wide, so with one pixel per
        // cell the image gets two columns per row.
        let aspect = perCell == 2 ? 1 : 2
        var rows = min(below.height * perCell, below.width / aspect * inputMap.rows / max(inputMap.columns, 1))
        if rows >= inputMap.rows { rows = inputMap.rows * (rows / inputMap.rows) }
        let columns = rows * inputMap.columns / inputMap.rows * aspect
        guard rows > 0, columns > 0 else { return }
        let cellRows = (rows + perCell - 1) / perCell
        let map = Rect(x: below.x + (below.width - columns) / 2, y: below.y, width: columns, height: cellRows)
        var values = [Double](repeating: 0, count: cellRows * perCell * columns)
        var nonzero = [Bool](repeating: false, count: values.count)
        for py in 0..<rows {
            let imageRows = WidgetNumberFormat.items(inBand: py, of: rows, count: inputMap.rows)
            for px in 0..<columns {
                let imageColumns = WidgetNumberFormat.items(inBand: px, of: columns, count: inputMap.columns)
                var total = 0
                for r in imageRows { for c in imageColumns { total += inputMap.count(row: r, column: c) } }
                let capacity = inputMap.maximum * imageRows.count * imageColumns.count
                values[py * columns + px] = capacity == 0 ? 0 : Double(total) / Double(capacity)
                nonzero[py * columns + px] = total > 0
            }
        }
        if relativeDensity { values = scaledToLargest(values) }
        paint(into: &screen, map: map, pixelsPerCell: perCell, values: values, nonzero: nonzero,
              gradient: theme.gradient(.density), glyphs: glyphs)
    }

    /// "fc1.weight 300×784  90.0% sparse" (ASCII: "300x784"); narrower forms when that
    /// does not fit `width` ("fc1 300×784 90.0%", then "fc1 90.0%", then a block layer's
    /// path abbreviated, "l2.0.s.conv1 90.0%" for layer2.0.shortcut.conv1), so the sparsity
    /// always shows.
    public static func caption(name: String, shape: [Int], grid: HeatmapGrid, glyphs: Glyphs, width: Int = .max) -> String {
        let weights = grid.weightCount.reduce(0, +), kept = grid.keptCount.reduce(0, +)
        let sparsity = weights == 0 ? "n/a" : WidgetNumberFormat.percent(1 - Double(kept) / Double(weights))
        let dimensions = shape.map(String.init).joined(separator: glyphs.isUnicode ? "×" : "x")
        let short = name.hasSuffix(".weight") ? String(name.dropLast(".weight".count)) : name
        let parts = short.split(separator: ".")
        let abbreviated = (parts.dropLast().map { part in
            String(part.prefix(1)) + part.dropFirst().filter(\.isNumber)
        } + parts.suffix(1).map(String.init)).joined(separator: ".")
        let forms = ["\(name) \(dimensions)  \(sparsity) sparse", "\(short) \(dimensions) \(sparsity)", "\(short) \(sparsity)",
                     "\(abbreviated) \(sparsity)"]
        return forms.first { $0.count <= width } ?? forms.last!
    }

    /// The colour scale and the mode `d` switches, for the Sparsity panel's top border:
    /// " kept: none ██████ densest " (density relative to the densest pixel) or
    /// " |w|: 0 ██████ largest ", in the ramp's colours (shades without colour); narrower,
    /// " kept ██████ max " and " |w| ██████ max ". Right-aligned in `row`; left out when
    /// even that does not fit.
    public static func drawLegend(into screen: inout Screen, row: Rect, showsMagnitude: Bool, theme: Theme, glyphs: Glyphs) {
        let steps = 6
        let forms = showsMagnitude ? [(" |w|: 0 ", " largest "), (" |w| ", " max ")] : [(" kept: none ", " densest "), (" kept ", " max ")]
        guard let (prefix, suffix) = forms.first(where: { $0.0.count + steps + $0.1.count <= row.width }) else { return }
        var x = row.maxX - (prefix.count + steps + suffix.count)
        let text = theme.style(.inactive)
        screen.put(prefix, x: x, y: row.y, style: text, clip: row)
        x += prefix.count
        let gradient = theme.gradient(showsMagnitude ? .magnitude : .density)
        for i in 0..<steps {
            let value = Double(i) / Double(steps - 1)
            let glyph = gradient == nil || !glyphs.isUnicode
                ? glyphs.shades[min(max(Int((value * Double(glyphs.shades.count - 1)).rounded()), 1), glyphs.shades.count - 1)]
                : glyphs.fullBlock
            screen[x + i, row.y] = Cell(glyph, style: CellStyle(foreground: gradient?.color(at: value)))
        }
        screen.put(suffix, x: x + steps, y: row.y, style: text, clip: row)
    }

    static func pixelsPerCell(theme: Theme, glyphs: Glyphs) -> Int {
        theme.gradient(.density) != nil && glyphs.isUnicode ? 2 : 1
    }

    private static func scaledToLargest(_ values: [Double]) -> [Double] {
        guard let largest = values.max(), largest > 0 else { return values }
        return values.map { $0 / largest }
    }

    /// Draws `values` (row-major, `map.width` columns, 0...1) into `map`.
    private static func paint(into screen: inout Screen, map: Rect, pixelsPerCell: Int, values: [Double], nonzero: [Bool],
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
