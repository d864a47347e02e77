import Metrics

/// The 28x28 (or any) input-pixel map: each pixel's active outgoing weights over the
/// most it can have, in the density gradient (relative to the best-connected pixel
/// unless `relativeDensity` is false; disconnected pixels stay blank), as a square fitted into `rect` under a
/// caption ("inputs 612/784 used"). Above 28 pixels a side, only whole multiples of the
/// image size are used, so every image pixel gets the same number of screen pixels.
public struct InputMapView: Widget {
    public var inputMap: InputConnectionMap
    public var relativeDensity: Bool

    public init(_ inputMap: InputConnectionMap, relativeDensity: Bool = true) {
        self.inputMap = inputMap
        self.relativeDensity = relativeDensity
    }

    public func render(into screen: inout Screen, area rect: Rect, theme: Theme, glyphs: Glyphs) {
        let area = rect.intersection(screen.bounds)
        guard !area.isEmpty else { return }
        let pixels = inputMap.rows * inputMap.columns
        screen.put("inputs \(pixels - inputMap.disconnectedPixels)/\(pixels) used", x: area.x, y: area.y,
                   style: theme.style(.title), clip: area)
        let below = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        guard !below.isEmpty, inputMap.rows > 0, inputMap.columns > 0 else { return }
        let perCell = HeatmapView.pixelsPerCell(theme: theme, glyphs: glyphs)
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
        if relativeDensity { values = HeatmapView.scaledToLargest(values) }
        HeatmapView.paint(into: &screen, map: map, pixelsPerCell: perCell, values: values, nonzero: nonzero,
                          gradient: theme.gradient(.density), glyphs: glyphs)
    }
}
