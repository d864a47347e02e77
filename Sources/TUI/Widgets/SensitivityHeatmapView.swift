import Foundation
import Training

/// Per-layer sensitivity as a layer × sparsity table of accuracy drops (in points, the
/// layer pruned alone), each number coloured along the theme's accuracy gradient: the
/// largest drop at its worst end, no drop (or a gain) at its best. 7 columns per sparsity;
/// the name column takes the longest name, or what the sparsities leave (at least 12),
/// names shortened to fit (`LayerNameFormat`):
///
///     accuracy drop, points (layer pruned alone); dense 88.10%
///     layer          50%    90%    99%
///     fc1.weight     0.0    0.4   12.3
///
/// Rows from `firstRow` on, as many as fit; the caption then says which ("layers 1-19 of
/// 22"); sparsities that do not fit are left out from the right and counted.
public struct SensitivityHeatmapView: ScrollableWidget {
    public var curves: SensitivityCurves
    public var firstRow: Int

    public init(curves: SensitivityCurves, firstRow: Int = 0) {
        self.curves = curves
        self.firstRow = firstRow
    }

    public var rowCount: Int { curves.layers.count }
    public static let headerRows = 2
    static let columnWidth = 7

    public func render(into screen: inout Screen, area rect: Rect, theme: Theme, glyphs: Glyphs) {
        let area = rect.intersection(screen.bounds)
        guard !area.isEmpty else { return }
        let longest = (curves.layers.map(\.name.count).max() ?? 0) + 1
        let nameWidth = min(max(5, min(longest, area.width - curves.sparsities.count * Self.columnWidth)), max(longest, 12), area.width)
        let shownColumns = min(curves.sparsities.count, max(0, (area.width - nameWidth) / Self.columnWidth))
        let first = min(max(firstRow, 0), max(curves.layers.count - (area.height - Self.headerRows), 0))
        let shownRows = min(curves.layers.count - first, max(0, area.height - Self.headerRows))
        var notes: [String] = []
        if shownRows < curves.layers.count {
            notes.append("layers \(first + 1)-\(first + shownRows) of \(curves.layers.count)" + (glyphs.isUnicode ? " ↑↓" : ""))
        }
        if shownColumns < curves.sparsities.count { notes.append("+\(curves.sparsities.count - shownColumns) sparsities") }
        let caption = (["accuracy drop, points (layer pruned alone); dense " + WidgetNumberFormat.percent(curves.denseAccuracy, digits: 2)]
                       + notes).joined(separator: "; ")
        screen.put(caption, x: area.x, y: area.y, style: theme.style(.title), clip: area)
        guard area.height >= 2 else { return }
        func cell(_ text: String) -> String { String(repeating: " ", count: max(0, Self.columnWidth - text.count)) + text }
        let header = "layer".padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            + curves.sparsities.prefix(shownColumns).map { cell(Self.sparsityLabel($0)) }.joined()
        screen.put(header, x: area.x, y: area.y + 1, style: theme.style(.foreground, bold: true), clip: area)
        let gradient = theme.gradient(.accuracy)
        let largest = curves.largestDrop
        for row in 0..<shownRows {
            let l = first + row, y = area.y + Self.headerRows + row
            screen.put(LayerNameFormat.fitted(curves.layers[l].name, width: nameWidth - 1, glyphs: glyphs), x: area.x, y: y,
                       style: theme.style(.foreground), clip: area)
            for index in 0..<shownColumns {
                let drop = curves.drop(layer: l, at: index)
                let worseness = largest > 0 ? max(drop, 0) / largest : 0
                screen.put(cell(String(format: "%.1f", drop * 100)), x: area.x + nameWidth + index * Self.columnWidth, y: y,
                           style: CellStyle(foreground: gradient?.color(at: 1 - worseness)), clip: area)
            }
        }
    }

    /// "90%", "99.5%".
    static func sparsityLabel(_ sparsity: Double) -> String {
        let percent = sparsity * 100
        return (percent.rounded() == percent ? String(format: "%.0f", percent) : String(format: "%.1f", percent)) + "%"
    }
}
