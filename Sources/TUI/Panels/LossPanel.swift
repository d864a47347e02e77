extension PanelID {
    public static let loss = PanelID(rawValue: "Loss")
}

/// Training loss and test accuracy (or error, `e`) over the steps, with the mask updates
/// ticked along the bottom.
public struct LossPanel: DashboardPanel {
    public let id = PanelID.loss
    public let slots: [DashboardLayout.Arrangement: PanelSlot] = [
        .compact: PanelSlot(.bottom, order: 0, .share(35, of: 100)),
        .medium: PanelSlot(.bottom, order: 1, .rest),
        .large: PanelSlot(.bottom, order: 2, .rest),
    ]

    public func render(_ context: PanelContext, into screen: inout Screen, theme: Theme, glyphs: Glyphs) {
        let history = context.model.history, showsError = context.model.state.showsError
        let accuracy = showsError ? history.accuracy.map { PlotPoint(step: $0.step, value: 1 - $0.value) } : history.accuracy
        LinePlotView(series: [PlotSeries(label: "loss", role: .loss, points: history.loss),
                              PlotSeries(label: showsError ? "test error" : "test acc", shortLabel: showsError ? "err" : "acc",
                                         role: .accuracy, points: accuracy)],
                     markers: history.maskUpdates)
            .render(into: &screen, area: context.area, theme: theme, glyphs: glyphs)
    }
}
