import Metrics
import Training

/// Everything one frame of the dashboard shows.
public struct DashboardModel {
    public var snapshot: TrainingSnapshot?
    public var frame: DashboardFrame?
    public var hill: OccamsHill
    public var history: RunHistory
    public var state: DashboardState
    /// The value being typed for the selected knob, when Enter was pressed.
    public var editing: String?
    /// Measured sparse-vs-dense CPU inference speedup on the current masks, when known.
    public var measuredCPU: CPUSpeedupReading?
    /// Why the CPU speedup is not measured for this network ("MLPs only"); nil when it is.
    public var measuredCPUGap: String?
    public var paused: Bool
    /// q was pressed once during a run: the message line shows the question, even on a
    /// diverged run (whose own message it shows otherwise).
    public var confirmingQuit = false
    /// A replay's speed (recorded seconds a second); nil for a live run.
    public var replaySpeed: Double?
    /// Wall seconds until a playing replay reaches its end; nil when paused or live.
    public var replaySecondsRemaining: Double?

    public init(snapshot: TrainingSnapshot?, frame: DashboardFrame?, hill: OccamsHill, history: RunHistory,
                state: DashboardState, editing: String? = nil, measuredCPU: CPUSpeedupReading? = nil, paused: Bool = false) {
        self.snapshot = snapshot
        self.frame = frame
        self.hill = hill
        self.history = history
        self.state = state
        self.editing = editing
        self.measuredCPU = measuredCPU
        self.paused = paused
    }
}

/// Draws the whole dashboard into a screen: a pure function of the model, theme and glyphs.
public enum DashboardView {
    public static func draw(_ model: DashboardModel, into screen: inout Screen, theme: Theme, glyphs: Glyphs) {
        screen.fill(screen.bounds, with: Cell(" ", style: CellStyle(background: theme.color(.background))))
        guard let layout = DashboardLayout(width: screen.width, height: screen.height) else {
            TooSmallView().render(into: &screen, area: screen.bounds, theme: theme, glyphs: glyphs)
            paintBackground(&screen, theme: theme)
            return
        }
        if let snapshot = model.snapshot {
            var status = HeaderStatus(snapshot: snapshot, paused: model.paused)
            if let speed = model.replaySpeed {
                status.replaySpeed = speed
                status.secondsRemaining = model.replaySecondsRemaining
            }
            HeaderView(status, fractionComplete: snapshot.fractionComplete)
                .render(into: &screen, area: layout.header, theme: theme, glyphs: glyphs)
        } else {
            screen.put("prunetop: starting the trainer…", x: 0, y: layout.header.y, style: theme.style(.title, bold: true))
        }
        for panel in DashboardState.PanelID.allCases {
            PanelFrame(title: panel.rawValue, focused: model.state.focusedPanel == panel)
                .render(into: &screen, area: layout[panel], theme: theme, glyphs: glyphs)
            let inner = PanelFrame.inner(of: layout[panel])
            if panel == .sparsity, model.frame != nil {
                // In the top border, after the title: what the heatmaps' colours mean.
                let border = layout[panel], titleEnd = border.x + 2 + panel.rawValue.count + 2
                HeatmapLegend(showsMagnitude: model.state.heatmapShowsMagnitude)
                    .render(into: &screen, area: Rect(x: titleEnd + 1, y: border.y, width: border.maxX - 2 - titleEnd, height: 1), theme: theme, glyphs: glyphs)
            }
            drawContent(of: panel, model: model, layout: layout, into: &screen, rect: inner, theme: theme, glyphs: glyphs)
        }
        MessageLine(messageText(model)).render(into: &screen, area: layout.messageLine, theme: theme, glyphs: glyphs)
        if model.state.showsHelp {
            HelpOverlay(replay: model.replaySpeed != nil).render(into: &screen, area: screen.bounds, theme: theme, glyphs: glyphs)
        }
        paintBackground(&screen, theme: theme)
    }

    /// Gives every cell the widgets drew without a background the theme's. Without it the
    /// text of a light theme sat on the terminal's own (dark) background, unreadable.
    static func paintBackground(_ screen: inout Screen, theme: Theme) {
        guard let background = theme.color(.background) else { return }
        screen.style(screen.bounds) { if $0.background == nil { $0.background = background } }
    }

    static func messageText(_ model: DashboardModel) -> String? {
        if let editing = model.editing {
            let knob = Knob.allCases[model.state.selectedKnob]
            return "\(knob.rawValue) = \(editing)_   (Enter applies, Esc cancels)"
        }
        if model.snapshot?.state == .diverged && !model.confirmingQuit { return model.snapshot?.message }
        return model.state.message
    }

    /// " ◀ layers 4-9 of 22 ▶  l L scroll " on the Sparsity panel's bottom border, when its
    /// heatmaps show a window of the layers; an arrow only where more layers lie that way.
    static func drawLayerWindow(_ window: Range<Int>, of count: Int, into screen: inout Screen, row: Rect, theme: Theme, glyphs: Glyphs) {
        let left = window.lowerBound > 0 ? (glyphs.isUnicode ? "◀ " : "< ") : ""
        let right = window.upperBound < count ? (glyphs.isUnicode ? " ▶" : " >") : ""
        let text = " \(left)layers \(window.lowerBound + 1)-\(window.upperBound) of \(count)\(right)  l L scroll "
        screen.put(text, x: row.x + 1, y: row.y, style: theme.style(.title), clip: row)
    }

    /// The prunable layers of the latest snapshot.
    static func prunable(_ model: DashboardModel) -> [LayerSnapshot] { model.snapshot?.layers.filter(\.isPrunable) ?? [] }

    static func drawContent(of panel: DashboardState.PanelID, model: DashboardModel, layout: DashboardLayout,
                            into screen: inout Screen, rect: Rect, theme: Theme, glyphs: Glyphs) {
        guard let frame = model.frame, let snapshot = model.snapshot else {
            screen.put("waiting for the first snapshot…", x: rect.x, y: rect.y, style: theme.style(.inactive), clip: rect)
            return
        }
        let layers = prunable(model)
        let selectedIndex = min(model.state.selectedLayer, max(layers.count - 1, 0))
        let selected = layers.isEmpty ? nil : layers[selectedIndex]
        switch panel {
        case .sparsity:
            let every = layout.sparsityShowsEveryLayer
            let areas = SparsityPanelLayout(rect: rect, layers: every ? layers.count : min(layers.count, 1),
                                            selected: every ? selectedIndex : 0, hasInputMap: frame.inputMap != nil,
                                            inputMapToggled: model.state.inputMapToggled)
            let shown = every ? Array(layers[areas.shownLayers]) : selected.map { [$0] } ?? []
            if every && areas.shownLayers.count < layers.count {
                drawLayerWindow(areas.shownLayers, of: layers.count, into: &screen,
                                row: Rect(x: rect.x, y: rect.y + rect.height, width: rect.width, height: 1), theme: theme, glyphs: glyphs)
            }
            if let area = areas.inputMap, let inputMap = frame.inputMap {
                InputMapView(inputMap).render(into: &screen, area: area, theme: theme, glyphs: glyphs)
            }
            for (layer, area) in zip(shown, areas.heatmaps) {
                guard let grid = frame.heatmaps[layer.name] else { continue }
                HeatmapView(name: layer.name, shape: layer.shape, grid: grid, showsMagnitude: model.state.heatmapShowsMagnitude, selected: shown.count > 1 && layer.name == selected?.name)
                    .render(into: &screen, area: area, theme: theme, glyphs: glyphs)
            }
        case .weights:
            guard let layer = selected, let histogram = frame.histograms[layer.name] else { return }
            HistogramView(layerName: layer.name, histogram: histogram, logScale: model.state.logHistogram, showsDistanceFromInitialisation: frame.histogramsShowDistance)
                .render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
        case .occamsHill:
            OccamsHillView(hill: model.hill, showsError: model.state.showsError)
                .render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
        case .speedup:
            let speedup = SpeedupView(estimate: frame.acceleratorEstimate, flops: frame.flops, cumulative: frame.cumulativeFLOPs,
                                      measuredCPU: model.measuredCPU, measuredCPUGap: model.measuredCPUGap, storage: frame.cheapestStorage)
            speedup.render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
            let used = speedup.rowsUsed(in: rect.intersection(screen.bounds), glyphs: glyphs)
            // Spare rows (the tall 160-column panel): the network's and the method's facts, after a blank row.
            NetworkFactsView(frame: frame, snapshot: snapshot)
                .render(into: &screen, area: Rect(x: rect.x, y: rect.y + used + 1, width: rect.width, height: rect.height - used - 1),
                        theme: theme, glyphs: glyphs)
        case .loss:
            let accuracy = model.state.showsError
                ? model.history.accuracy.map { PlotPoint(step: $0.step, value: 1 - $0.value) } : model.history.accuracy
            LinePlotView(series: [PlotSeries(label: "loss", role: .loss, points: model.history.loss),
                                       PlotSeries(label: model.state.showsError ? "test error" : "test acc",
                                                  shortLabel: model.state.showsError ? "err" : "acc", role: .accuracy,
                                                  points: accuracy)], markers: model.history.maskUpdates)
                                                      .render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
        case .knobs:
            KnobsView(KnobValues(snapshot: snapshot, replaySpeed: model.replaySpeed), selectedKnob: model.state.selectedKnob)
                .render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
        }
    }
}
