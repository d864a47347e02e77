import Foundation
import Training

/// Per-layer sensitivity as a layer × sparsity table of accuracy drops (in points, the
/// layer pruned alone), each number coloured along the theme's accuracy gradient: the
/// largest drop at its worst end, no drop at its best. Layout (16 columns of layer name at
/// most, 7 per sparsity):
///
///     accuracy drop (points), each layer pruned alone; dense 88.10%
///     layer            50%    90%    99%
///     fc1.weight       0.0    0.4   12.3
///
/// Columns that do not fit are left out from the right and rows from the bottom; the
/// caption then says how many ("+2 sparsities, +5 layers not shown").
public struct SensitivityHeatmapView: Widget {
    public var curves: SensitivityCurves

    public init(curves: SensitivityCurves) { self.curves = curves }

    static let columnWidth = 7

    public func render(into screen: inout Screen, area rect: Rect, theme: Theme, glyphs: Glyphs) {
        let area = rect.intersection(screen.bounds)
        guard !area.isEmpty else { return }
        let nameWidth = min(16, max(5, curves.layers.map(\.name.count).max() ?? 5) + 1, area.width)
        let shownColumns = min(curves.sparsities.count, max(0, (area.width - nameWidth) / Self.columnWidth))
        let shownRows = min(curves.layers.count, max(0, area.height - 2))
        var hidden: [String] = []
        if shownColumns < curves.sparsities.count { hidden.append("+\(curves.sparsities.count - shownColumns) sparsities") }
        if shownRows < curves.layers.count { hidden.append("+\(curves.layers.count - shownRows) layers") }
        let caption = "accuracy drop (points), each layer pruned alone; dense " + WidgetNumberFormat.percent(curves.denseAccuracy, digits: 2)
            + (hidden.isEmpty ? "" : "; " + hidden.joined(separator: ", ") + " not shown")
        screen.put(caption, x: area.x, y: area.y, style: theme.style(.title), clip: area)
        guard area.height >= 2 else { return }
        func cell(_ text: String) -> String { String(repeating: " ", count: max(0, Self.columnWidth - text.count)) + text }
        let header = "layer".padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            + curves.sparsities.prefix(shownColumns).map { cell(Self.sparsityLabel($0)) }.joined()
        screen.put(header, x: area.x, y: area.y + 1, style: theme.style(.foreground, bold: true), clip: area)
        let gradient = theme.gradient(.accuracy)
        let largest = curves.largestDrop
        for l in 0..<shownRows {
            let y = area.y + 2 + l
            screen.put(Self.shortened(curves.layers[l].name, to: nameWidth - 1, glyphs: glyphs), x: area.x, y: y, style: theme.style(.foreground), clip: area)
            for index in 0..<shownColumns {
                let drop = curves.drop(layer: l, at: index)
                let worseness = largest > 0 ? max(drop, 0) / largest : 0
                let style = CellStyle(foreground: gradient?.color(at: 1 - worseness))
                screen.put(cell(String(format: "%.1f", drop * 100)), x: area.x + nameWidth + index * Self.columnWidth, y: y,
                           style: style, clip: area)
            }
        }
    }

    /// "90%", "99.5%".
    static func sparsityLabel(_ sparsity: Double) -> String {
        let percent = sparsity * 100
        return (percent.rounded() == percent ? String(format: "%.0f", percent) : String(format: "%.1f", percent)) + "%"
    }

    /// The name itself, or its end after "…" ("~" in ASCII): block layers share their start.
    static func shortened(_ name: String, to width: Int, glyphs: Glyphs) -> String {
        guard name.count > width else { return name }
        guard width > 1 else { return String(name.prefix(max(width, 0))) }
        return (glyphs.isUnicode ? "…" : "~") + name.suffix(width - 1)
    }
}
