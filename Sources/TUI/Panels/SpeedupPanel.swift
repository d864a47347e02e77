extension PanelID {
    public static let speedup = PanelID(title: "Speedup", name: "speedup")
}

/// The estimated and measured speedups, FLOPs and storage; in spare rows (the tall side
/// column), the network's and the method's facts.
public struct SpeedupPanel: DashboardPanel {
    public let id = PanelID.speedup
    public let slots: [DashboardLayout.Arrangement: PanelSlot] = [
        .compact: PanelSlot(.bottom, order: 1, .rest),
        .medium: PanelSlot(.side, order: 1, .rest),
        .large: PanelSlot(.side, order: 1, .rest),
    ]

    public func render(_ context: PanelContext, into screen: inout Screen, theme: Theme, glyphs: Glyphs) {
        let frame = context.frame, rect = context.area
        let speedup = SpeedupView(estimate: frame.acceleratorEstimate, flops: frame.flops, cumulative: frame.cumulativeFLOPs,
                                  measuredCPU: context.model.measuredCPU, measuredCPUGap: context.model.measuredCPUGap,
                                  storage: frame.cheapestStorage)
        speedup.render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
        let used = speedup.rowsUsed(in: rect.intersection(screen.bounds), glyphs: glyphs)
        // After a blank row.
        NetworkFactsView(frame: frame, snapshot: context.snapshot)
            .render(into: &screen, area: Rect(x: rect.x, y: rect.y + used + 1, width: rect.width, height: rect.height - used - 1),
                    theme: theme, glyphs: glyphs)
    }
}
