extension PanelID {
    public static let occamsHill = PanelID(title: "Occam's hill", name: "hill")
}

/// Test accuracy (or error, `e`) against sparsity: this run's evaluations and the overlay's.
public struct OccamsHillPanel: DashboardPanel {
    public let id = PanelID.occamsHill
    public let slots: [DashboardLayout.Arrangement: PanelSlot] = [
        .compact: PanelSlot(.top, order: 2, .rest),
        .medium: PanelSlot(.top, order: 1, .rest),
        .large: PanelSlot(.bottom, order: 1, .rest),
    ]

    public func render(_ context: PanelContext, into screen: inout Screen, theme: Theme, glyphs: Glyphs) {
        OccamsHillView(hill: context.model.hill, showsError: context.model.state.showsError)
            .render(into: &screen, area: context.area, theme: theme, glyphs: glyphs)
    }
}
