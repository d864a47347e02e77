import Foundation
import Metrics
import RunLogs

/// Two recorded runs in one screen (`prunetop compare`): a header with the final numbers and
/// their differences B − A, both runs on Occam's hill, their loss and accuracy curves on
/// shared scales, per-layer sparsity A | B | Δ (the larger differences highlighted) and the
/// selected layer's weight histograms side by side. A is drawn as the dashboard draws its own
/// run (`.accuracy`, ● ○ on the hill), B as another run (`.highlight`, ◆ on the hill and
/// on its loss and accuracy lines, so a frame without colour tells them apart too).
public struct ComparisonView: Widget {
    public var comparison: RunComparison
    /// Index into `comparison.layers`.
    public var selectedLayer: Int
    public var logHistogram: Bool
    public var message: String?

    public init(comparison: RunComparison, selectedLayer: Int = 0, logHistogram: Bool = false, message: String? = nil) {
        self.comparison = comparison
        self.selectedLayer = selectedLayer
        self.logHistogram = logHistogram
        self.message = message
    }

    /// The smallest frame the comparison lays out in.
    public static let minimumSize = (width: 60, height: 16)

    public func render(into screen: inout Screen, area rect: Rect, theme: Theme, glyphs: Glyphs) {
        let area = rect.intersection(screen.bounds)
        guard area.width >= Self.minimumSize.width, area.height >= Self.minimumSize.height else {
            TooSmallView(minimumWidth: Self.minimumSize.width, minimumHeight: Self.minimumSize.height)
                .render(into: &screen, area: area, theme: theme, glyphs: glyphs)
            return
        }
        drawHeader(into: &screen, row: Rect(x: area.x, y: area.y, width: area.width, height: 1), theme: theme)
        drawLegend(into: &screen, row: Rect(x: area.x, y: area.y + 1, width: area.width, height: 1), theme: theme, glyphs: glyphs)
        let body = Rect(x: area.x, y: area.y + 2, width: area.width, height: area.height - 3)
        let (top, bottom) = body.splitRows(topHeight: body.height / 2)
        let third = top.width / 3
        let (hill, curves) = top.splitColumns(leftWidth: third)
        let (loss, accuracy) = curves.splitColumns(leftWidth: curves.width / 2)
        panel("Occam's hill", hill, &screen, theme, glyphs) { screen, inner in
            OccamsHillView(hill: comparison.hill).render(into: &screen, area: inner, theme: theme, glyphs: glyphs)
        }
        let (historyA, historyB) = (RunHistory(comparison.a.timeline), RunHistory(comparison.b.timeline))
        // B's lines carry its hill mark: told from A's without colour too.
        let markB = OccamsHillView.otherRunMark(0, glyphs: glyphs)
        panel("Loss", loss, &screen, theme, glyphs) { screen, inner in
            LinePlotView(series: [PlotSeries(label: "A loss", shortLabel: "A", role: .accuracy, points: historyA.loss, scale: 0),
                                  PlotSeries(label: "B loss", shortLabel: "B", role: .highlight, points: historyB.loss, scale: 0, mark: markB)])
                .render(into: &screen, area: inner, theme: theme, glyphs: glyphs)
        }
        panel("Test accuracy", accuracy, &screen, theme, glyphs) { screen, inner in
            LinePlotView(series: [PlotSeries(label: "A acc", shortLabel: "A", role: .accuracy, points: historyA.accuracy, scale: 0),
                                  PlotSeries(label: "B acc", shortLabel: "B", role: .highlight, points: historyB.accuracy, scale: 0, mark: markB)])
                .render(into: &screen, area: inner, theme: theme, glyphs: glyphs)
        }
        let (table, histograms) = bottom.splitColumns(leftWidth: max(third, min(44, bottom.width / 2)))
        let (histogramA, histogramB) = histograms.splitColumns(leftWidth: histograms.width / 2)
        panel("Layer sparsity  A | B | Δ", table, &screen, theme, glyphs) { screen, inner in
            drawLayerTable(into: &screen, area: inner, theme: theme)
        }
        let layer = comparison.layers.indices.contains(selectedLayer) ? comparison.layers[selectedLayer].name : nil
        for (title, run, rect) in [("Weights A", comparison.a, histogramA), ("Weights B", comparison.b, histogramB)] {
            panel(title, rect, &screen, theme, glyphs) { screen, inner in
                guard let layer, let frame = run.lastFrame, let histogram = frame.histograms[layer] else {
                    let why = run.lastFrame == nil ? "no evaluation yet" : layer.map { "no \($0) in this run" } ?? "no layers"
                    screen.put(why, x: inner.x, y: inner.y, style: theme.style(.inactive), clip: inner)
                    return
                }
                HistogramView(layerName: layer, histogram: histogram, logScale: logHistogram,
                              showsDistanceFromInitialisation: frame.histogramsShowDistance)
                    .render(into: &screen, area: inner, theme: theme, glyphs: glyphs)
            }
        }
        MessageLine(message ?? comparison.layerMismatch)
            .render(into: &screen, area: Rect(x: area.x, y: area.maxY - 1, width: area.width, height: 1), theme: theme, glyphs: glyphs)
    }

    private func panel(_ title: String, _ border: Rect, _ screen: inout Screen, _ theme: Theme, _ glyphs: Glyphs,
                       _ content: (inout Screen, Rect) -> Void) {
        PanelFrame(title: title).render(into: &screen, area: border, theme: theme, glyphs: glyphs)
        content(&screen, PanelFrame.inner(of: border))
    }

    /// "final acc 88.33% → 86.10% Δ −2.23 pt sparsity 90.0% → 90.0% Δ 0.0 pt  steps 66 → 66";
    /// each part whole or not at all (80 columns have room for the first two): a cut "Δ 0.0 p"
    /// reads as noise.
    private func drawHeader(into screen: inout Screen, row: Rect, theme: Theme) {
        var x = screen.put(" COMPARE ", x: row.x, y: row.y, style: theme.style(.title, bold: true), clip: row)
        for (label, pair, decimals) in [("final acc", comparison.finalAccuracy, 2), ("sparsity", comparison.finalSparsity, 1)] {
            let values = " \(label) \(Self.percent(pair.a, decimals: decimals)) → \(Self.percent(pair.b, decimals: decimals)) "
            let delta = "Δ \(Self.points(pair.delta, decimals: decimals))"
            guard x + values.count + delta.count <= row.maxX else { return }
            x = screen.put(values, x: x, y: row.y, style: theme.style(.foreground), clip: row)
            x = screen.put(delta, x: x, y: row.y, style: Self.deltaStyle(pair.delta, theme: theme), clip: row)
        }
        let steps = comparison.steps, text = "  steps \(Int(steps.a ?? 0)) → \(Int(steps.b ?? 0))"
        if x + text.count <= row.maxX { screen.put(text, x: x, y: row.y, style: theme.style(.inactive), clip: row) }
    }

    /// Which file is A and which B, in the styles and marks they are drawn in (A's lines plain,
    /// B's marked with ◆ as on the hill), and whether each run is still live or how it ended.
    private func drawLegend(into screen: inout Screen, row: Rect, theme: Theme, glyphs: Glyphs) {
        let line: Character = glyphs.isUnicode ? "━" : "-"
        let markA = glyphs.isUnicode ? "●" : "*", markB = OccamsHillView.otherRunMark(0, glyphs: glyphs)
        func describe(_ run: RunComparison.Run) -> String { "\(run.name) (\(run.method), \(run.progress))" }
        var x = screen.put(" \(line)\(markA) A ", x: row.x, y: row.y, style: theme.style(.accuracy, bold: true), clip: row)
        x = screen.put(describe(comparison.a) + "   ", x: x, y: row.y, style: theme.style(.foreground), clip: row)
        x = screen.put("\(line)\(markB) B ", x: x, y: row.y, style: theme.style(.highlight, bold: true), clip: row)
        x = screen.put(describe(comparison.b), x: x, y: row.y, style: theme.style(.foreground), clip: row)
        let note = "   Δ = B − A"
        if x + note.count <= row.maxX { screen.put(note, x: x, y: row.y, style: theme.style(.inactive), clip: row) }
    }

    /// One row per layer: name, A's and B's sparsity, B − A; the selected row reversed, rows
    /// whose |Δ| is at least half the largest (and over half a point) in `.warning`, bold. Below,
    /// when there is room, the test accuracy of both runs at the sparsities both were evaluated at.
    private func drawLayerTable(into screen: inout Screen, area: Rect, theme: Theme) {
        let rows = comparison.layers
        guard !rows.isEmpty, area.height >= 2 else { return }
        let numbers = 7 * 3
        let nameWidth = max(area.width - numbers, 4)
        screen.put(Self.pad("layer", nameWidth) + Self.left("A") + Self.left("B") + Self.left("Δ pt"), x: area.x, y: area.y,
                   style: theme.style(.inactive), clip: area)
        let largest = rows.compactMap { $0.sparsity.delta.map(abs) }.max() ?? 0
        let matched = comparison.accuracyBySparsity.filter { $0.accuracy.delta != nil }.suffix(3)
        let accuracyRows = !matched.isEmpty && area.height - 1 >= rows.count + 2 + matched.count ? matched.count + 1 : 0
        let visible = area.height - 1 - (accuracyRows > 0 ? accuracyRows + 1 : 0)
        if accuracyRows > 0 {
            var y = area.maxY - accuracyRows
            screen.put(Self.pad("test acc at sparsity", nameWidth) + Self.left("A") + Self.left("B") + Self.left("Δ pt"),
                       x: area.x, y: y, style: theme.style(.inactive), clip: area)
            for point in matched {
                y += 1
                let text = Self.pad(Self.percent(point.sparsity), nameWidth) + Self.left(Self.percent(point.accuracy.a))
                    + Self.left(Self.percent(point.accuracy.b)) + Self.left(Self.points(point.accuracy.delta, decimals: 1, unit: false))
                screen.put(text, x: area.x, y: y, style: theme.style(.foreground), clip: area)
            }
        }
        let first = min(max(selectedLayer - visible + 1, 0), max(rows.count - visible, 0))
        for (offset, row) in rows[first..<min(first + visible, rows.count)].enumerated() {
            let index = first + offset
            let text = Self.pad(row.name, nameWidth) + Self.left(Self.percent(row.sparsity.a)) + Self.left(Self.percent(row.sparsity.b))
                + Self.left(Self.points(row.sparsity.delta, decimals: 1, unit: false))
            var style = theme.style(.foreground)
            if let delta = row.sparsity.delta.map(abs), delta >= 0.005, delta >= largest / 2 { style = theme.style(.warning, bold: true) }
            if index == selectedLayer { style.reverse = true }
            screen.put(text, x: area.x, y: area.y + 1 + offset, style: style, clip: area)
        }
    }

    static func percent(_ fraction: Double?, decimals: Int = 1) -> String {
        fraction.map { String(format: "%.\(decimals)f%%", 100 * $0) } ?? "–"
    }

    /// A difference of fractions in percentage points, with its sign, to as many decimals as
    /// the percentages beside it.
    static func points(_ delta: Double?, decimals: Int = 2, unit: Bool = true) -> String {
        guard let delta else { return "–" }
        let text = String(format: "%.\(decimals)f", abs(100 * delta))
        let signed = Double(text) == 0 ? text : (delta > 0 ? "+" : "−") + text
        return unit ? signed + " pt" : signed
    }

    static func deltaStyle(_ delta: Double?, theme: Theme) -> CellStyle {
        guard let delta, abs(delta) >= 0.005 else { return theme.style(.foreground) }
        return theme.style(.warning, bold: true)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width - 1)) + " " : text.padding(toLength: width, withPad: " ", startingAt: 0)
    }

    private static func left(_ text: String) -> String { String(repeating: " ", count: max(7 - text.count, 0)) + text }
}
