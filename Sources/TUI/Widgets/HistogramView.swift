import Metrics

/// A layer's weight histogram (the Weights panel) as vertical bars in eighth blocks.
///
/// Kept and pruned weights are STACKED in one bar per bin: kept at the bottom in `.kept`,
/// pruned on top in `.pruned`, so the bar's height is the bin's total and the split shows
/// at a glance where pruning cut (around zero for magnitude pruning). A cell that holds
/// the top of the kept part and some pruned weights is drawn as the kept eighth block on
/// a `.pruned` background. On a log scale (`WeightHistogram.scaled`) the bar is the log of
/// the total and the split keeps the linear kept:pruned proportion. Any bin with weights
/// shows at least one eighth. Monochrome themes draw the pruned part with a shade glyph
/// (`▒`, ASCII `:`) at whole cells, so it stays distinct without colour.
///
/// Layout: a caption (layer name, "|w - w0|" for DropBack's distance from initialisation,
/// "log" when log-scaled, and a kept/pruned legend), the bars, and an axis line with the
/// histogram's lower bound, 0 where it is inside, and the upper bound. The axis comes
/// from the histogram's own bounds, which `StableHistogramRange` keeps still across frames.
/// Bins map to columns evenly: several columns per bin when there is room (centred), or
/// several bins pooled per column when there is not.
public struct HistogramView: Widget {
    public var layerName: String
    public var histogram: WeightHistogram
    public var logScale: Bool
    public var showsDistanceFromInitialisation: Bool

    public init(layerName: String, histogram: WeightHistogram, logScale: Bool = false,
                showsDistanceFromInitialisation: Bool = false) {
        self.layerName = layerName
        self.histogram = histogram
        self.logScale = logScale
        self.showsDistanceFromInitialisation = showsDistanceFromInitialisation
    }

    public func render(into screen: inout Screen, area rect: Rect, theme: Theme, glyphs: Glyphs) {
        let area = rect.intersection(screen.bounds)
        guard !area.isEmpty else { return }
        Self.drawCaption(into: &screen, rect: area, layerName: layerName, logScale: logScale,
                         distance: showsDistanceFromInitialisation, theme: theme, glyphs: glyphs)
        let axisRows = area.height >= 3 ? 1 : 0
        let bars = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1 - axisRows)
        guard histogram.binCount > 0, area.height >= 2 else { return }

        let bins = histogram.binCount
        let columnsPerBin = max(area.width / bins, 1)
        let plotWidth = area.width >= bins ? bins * columnsPerBin : area.width
        let plot = Rect(x: area.x + (area.width - plotWidth) / 2, y: bars.y, width: plotWidth, height: bars.height)

        if axisRows == 1 {
            Self.drawAxis(into: &screen, y: area.maxY - 1, plot: plot, clip: area, histogram: histogram, theme: theme)
        }
        guard !plot.isEmpty else { return }

        // Per column: the bins it shows, pooled.
        var kept = [Int](), pruned = [Int]()
        for column in 0..<plot.width {
            let covered = area.width >= bins ? (column / columnsPerBin)..<(column / columnsPerBin + 1)
                : WidgetNumberFormat.items(inBand: column, of: plot.width, count: bins)
            kept.append(covered.reduce(0) { $0 + histogram.kept[$1] })
            pruned.append(covered.reduce(0) { $0 + histogram.pruned[$1] })
        }
        let totals = zip(kept, pruned).map { $0 + $1 }
        let heights = WeightHistogram.scaled(totals, logScale ? .logarithmic : .linear)
        let tallest = heights.max() ?? 0
        let capacity = plot.height * 8
        let keptStyle = CellStyle(foreground: theme.color(.kept)), prunedStyle = CellStyle(foreground: theme.color(.pruned))
        let distinguishesByGlyph = theme.color(.kept) == nil || theme.color(.pruned) == nil

        for column in 0..<plot.width where totals[column] > 0 && tallest > 0 {
            let total = max(Int((heights[column] / tallest * Double(capacity)).rounded()), 1)
            let keptEighths = Int((Double(total) * Double(kept[column]) / Double(totals[column])).rounded())
            for row in 0..<plot.height {
                let floor = row * 8
                let inCellTotal = min(max(total - floor, 0), 8), inCellKept = min(max(keptEighths - floor, 0), 8)
                guard inCellTotal > 0 else { break }
                let x = plot.x + column, y = plot.maxY - 1 - row
                let cell: Cell
                if distinguishesByGlyph {
                    if inCellKept > 0 {
                        cell = Cell(glyphs.verticalEighths[inCellKept], style: keptStyle)
                    } else if inCellTotal >= 4 || row == 0 {
                        cell = Cell(glyphs.shades[2], style: prunedStyle)
                    } else {
                        continue
                    }
                } else if inCellKept == 0 {
                    cell = Cell(glyphs.verticalEighths[inCellTotal], style: prunedStyle)
                } else if inCellKept == inCellTotal {
                    cell = Cell(glyphs.verticalEighths[inCellKept], style: keptStyle)
                } else {
                    cell = Cell(glyphs.verticalEighths[inCellKept], style: CellStyle(foreground: theme.color(.kept), background: theme.color(.pruned)))
                }
                screen[x, y] = cell
            }
        }
    }

    private static func drawCaption(into screen: inout Screen, rect: Rect, layerName: String, logScale: Bool, distance: Bool,
                                    theme: Theme, glyphs: Glyphs) {
        let line = Rect(x: rect.x, y: rect.y, width: rect.width, height: 1)
        var x = screen.put(layerName + (distance ? "  |w - w0|" : "") + (logScale ? "  log" : ""), x: rect.x, y: rect.y,
                           style: theme.style(.title), clip: line)
        let monochrome = theme.color(.kept) == nil || theme.color(.pruned) == nil
        let keptMark = String(glyphs.fullBlock), prunedMark = String(monochrome ? glyphs.shades[2] : glyphs.fullBlock)
        guard line.maxX - x >= 16 else { return }
        x = screen.put("  " + keptMark + "kept", x: x, y: rect.y, style: theme.style(.kept), clip: line)
        screen.put(" " + prunedMark + "pruned", x: x, y: rect.y, style: theme.style(.pruned), clip: line)
    }

    private static func drawAxis(into screen: inout Screen, y: Int, plot: Rect, clip: Rect, histogram: WeightHistogram, theme: Theme) {
        let style = theme.style(.inactive)
        let lower = WidgetNumberFormat.axis(histogram.binRange(0).lowerBound)
        let upper = WidgetNumberFormat.axis(histogram.binRange(histogram.binCount - 1).upperBound)
        let left = max(plot.x, clip.x)
        screen.put(lower, x: left, y: y, style: style, clip: clip)
        let right = min(plot.maxX, clip.maxX) - upper.count
        guard right > left + lower.count else { return }
        screen.put(upper, x: right, y: y, style: style, clip: clip)
        if histogram.lowerBound < 0 && histogram.upperBound > 0 {
            let zero = plot.x + Int((-histogram.lowerBound / (histogram.upperBound - histogram.lowerBound) * Double(plot.width)).rounded(.down))
            if zero > left + lower.count && zero < right - 1 { screen.put("0", x: zero, y: y, style: style, clip: clip) }
        }
    }
}
