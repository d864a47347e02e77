/// The colour scale and the mode `d` switches, for the Sparsity panel's top border:
/// " kept: none ██████ densest " (density relative to the densest pixel) or
/// " |w|: 0 ██████ largest ", in the ramp's colours (shades without colour); narrower,
/// " kept ██████ max " and " |w| ██████ max ". Right-aligned in `row`; left out when
/// even that does not fit.
public struct HeatmapLegend: Widget {
    public var showsMagnitude: Bool

    public init(showsMagnitude: Bool) {
        self.showsMagnitude = showsMagnitude
    }

    public func render(into screen: inout Screen, area row: Rect, theme: Theme, glyphs: Glyphs) {
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
}
