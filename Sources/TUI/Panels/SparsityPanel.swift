extension PanelID {
    public static let sparsity = PanelID(title: "Sparsity", name: "sparsity")
}

/// Each prunable layer's mask as a heatmap (the selected layer, or every layer side by
/// side in the large arrangement), the input-pixel map when it fits (`SparsityPanelLayout`),
/// and the colour scale in its top border.
public struct SparsityPanel: DashboardPanel {
    public let id = PanelID.sparsity
    public let slots: [DashboardLayout.Arrangement: PanelSlot] = [
        .compact: PanelSlot(.top, order: 0, .share(40, of: 100)),
        .medium: PanelSlot(.top, order: 0, .share(55, of: 100)),
        .large: PanelSlot(.top, order: 0, .rest),
    ]

    public func render(_ context: PanelContext, into screen: inout Screen, theme: Theme, glyphs: Glyphs) {
        let model = context.model, frame = context.frame, rect = context.area, border = context.border
        // In the top border, after the title: what the heatmaps' colours mean.
        let titleEnd = border.x + 2 + id.title.count + 2
        let legend = Rect(x: titleEnd + 1, y: border.y, width: border.maxX - 2 - titleEnd, height: 1)
        HeatmapLegend(showsMagnitude: model.state.heatmapShowsMagnitude).render(into: &screen, area: legend, theme: theme, glyphs: glyphs)
        let layers = context.layers, selectedIndex = context.selectedIndex, selected = context.selectedLayer
        let every = context.layout.sparsityShowsEveryLayer
        let areas = SparsityPanelLayout(rect: rect, layers: every ? layers.count : min(layers.count, 1),
                                        selected: every ? selectedIndex : 0, hasInputMap: frame.inputMap != nil,
                                        inputMapToggled: model.state.inputMapToggled)
        let shown = every ? Array(layers[areas.shownLayers]) : selected.map { [$0] } ?? []
        if every && areas.shownLayers.count < layers.count {
            Self.drawLayerWindow(areas.shownLayers, of: layers.count, into: &screen,
                                 row: Rect(x: rect.x, y: rect.y + rect.height, width: rect.width, height: 1), theme: theme, glyphs: glyphs)
        }
        if let area = areas.inputMap, let inputMap = frame.inputMap {
            InputMapView(inputMap).render(into: &screen, area: area, theme: theme, glyphs: glyphs)
        }
        for (layer, area) in zip(shown, areas.heatmaps) {
            guard let grid = frame.heatmaps[layer.name] else { continue }
            HeatmapView(name: layer.name, shape: layer.shape, grid: grid, showsMagnitude: model.state.heatmapShowsMagnitude,
                        selected: shown.count > 1 && layer.name == selected?.name)
                .render(into: &screen, area: area, theme: theme, glyphs: glyphs)
        }
    }

    /// " ◀ layers 4-9 of 22 ▶  l L scroll " on the bottom border, when the heatmaps show a
    /// window of the layers; an arrow only where more layers lie that way.
    static func drawLayerWindow(_ window: Range<Int>, of count: Int, into screen: inout Screen, row: Rect, theme: Theme, glyphs: Glyphs) {
        let left = window.lowerBound > 0 ? (glyphs.isUnicode ? "◀ " : "< ") : ""
        let right = window.upperBound < count ? (glyphs.isUnicode ? " ▶" : " >") : ""
        let text = " \(left)layers \(window.lowerBound + 1)-\(window.upperBound) of \(count)\(right)  l L scroll "
        screen.put(text, x: row.x + 1, y: row.y, style: theme.style(.title), clip: row)
    }
}
