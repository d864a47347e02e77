extension PanelID {
    public static let weights = PanelID(title: "Weights", name: "weights")
}

/// The selected layer's weight histogram (`g` toggles its log scale).
public struct WeightsPanel: DashboardPanel {
    public let id = PanelID.weights
    public let slots: [DashboardLayout.Arrangement: PanelSlot] = [
        .compact: PanelSlot(.top, order: 1, .rest),
        .medium: PanelSlot(.bottom, order: 0, .rest),
        .large: PanelSlot(.bottom, order: 0, .rest),
    ]

    public func render(_ context: PanelContext, into screen: inout Screen, theme: Theme, glyphs: Glyphs) {
        guard let layer = context.selectedLayer, let histogram = context.frame.histograms[layer.name] else { return }
        HistogramView(layerName: layer.name, histogram: histogram, logScale: context.model.state.logHistogram,
                      showsDistanceFromInitialisation: context.frame.histogramsShowDistance)
            .render(into: &screen, area: context.area, theme: theme, glyphs: glyphs)
    }
}
