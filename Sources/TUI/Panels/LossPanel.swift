extension PanelID {
    public static let loss = PanelID(title: "Loss", name: "loss")
}

/// Training loss and test accuracy (or error, `e`) over the steps, with the mask updates
/// ticked along the bottom; with `tui --compare`, the compared run's on the same scales.
public struct LossPanel: DashboardPanel {
    public let id = PanelID.loss
    public let slots: [DashboardLayout.Arrangement: PanelSlot] = [
        .compact: PanelSlot(.bottom, order: 0, .share(35, of: 100)),
        .medium: PanelSlot(.bottom, order: 1, .rest),
        .large: PanelSlot(.bottom, order: 2, .rest),
    ]

    public func render(_ context: PanelContext, into screen: inout Screen, theme: Theme, glyphs: Glyphs) {
        let history = context.model.history, showsError = context.model.state.showsError
        func accuracy(_ history: RunHistory) -> [PlotPoint] {
            showsError ? history.accuracy.map { PlotPoint(step: $0.step, value: 1 - $0.value) } : history.accuracy
        }
        var series = [PlotSeries(label: "loss", role: .loss, points: history.loss, scale: 0),
                      PlotSeries(label: showsError ? "test error" : "test acc", shortLabel: showsError ? "err" : "acc",
                                 role: .accuracy, points: accuracy(history), scale: 1)]
        // A compared run on the same two scales, in the colour and mark Occam's hill gives it
        // (its points come first among the other runs: ◆).
        if let compared = context.model.compared {
            let mark = OccamsHillView.otherRunMark(0, glyphs: glyphs)
            series += [PlotSeries(label: "B loss", role: .highlight, points: compared.history.loss, scale: 0, mark: mark),
                       PlotSeries(label: showsError ? "B err" : "B acc", role: .highlight, points: accuracy(compared.history), scale: 1, mark: mark)]
        }
        LinePlotView(series: series, markers: history.maskUpdates)
            .render(into: &screen, area: context.area, theme: theme, glyphs: glyphs)
    }
}
