import DashboardModel
import Metrics
import Training

/// Everything one frame of the dashboard shows.
public struct DashboardModel {
    public var snapshot: TrainingSnapshot?
    public var frame: DashboardFrame?
    public var hill: OccamsHill
    public var history: RunHistory
    public var state: DashboardViewState
    /// The value being typed for the selected knob, when Enter was pressed.
    public var editing: String?
    /// Measured sparse-vs-dense CPU inference speedup on the current masks, when known.
    public var measuredCPU: CPUSpeedupReading?
    /// Why the CPU speedup is not measured ("live runs only" in a replay); nil when it is.
    public var measuredCPUGap: String?
    public var paused: Bool
    /// q was pressed once during a run: the message line shows the question, even on a
    /// diverged run (whose own message it shows otherwise).
    public var confirmingQuit = false
    /// A replay's speed (recorded seconds a second); nil for a live run.
    public var replaySpeed: Double?
    /// A fixed snapshot (`inspect --tui`): the header badge says INSPECT.
    public var inspecting = false
    /// Wall seconds until a playing replay reaches its end; nil when paused or live.
    public var replaySecondsRemaining: Double?
    /// Knobs the run does not take (a watched run's), drawn as unavailable.
    public var unavailableKnobs: Set<Knob> = []
    /// A recorded run whose curves the Loss panel draws under this one's (`tui --compare`).
    public var compared: ComparedRun?
    /// The `:` bar, while a command is typed: drawn on the message line.
    public var commandBar: CommandEditor?
    /// The layer browser, while open: drawn over the panels.
    public var layerBrowser: LayerBrowser?
    /// The options screen, while open: drawn over the panels.
    public var optionsScreen: OptionsScreen?

    public init(snapshot: TrainingSnapshot?, frame: DashboardFrame?, hill: OccamsHill, history: RunHistory,
                state: DashboardViewState, editing: String? = nil, measuredCPU: CPUSpeedupReading? = nil, paused: Bool = false) {
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
        guard let layout = model.state.layout(width: screen.width, height: screen.height) else {
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
            status.isInspection = model.inspecting
            HeaderView(status, fractionComplete: snapshot.fractionComplete)
                .render(into: &screen, area: layout.header, theme: theme, glyphs: glyphs)
        } else {
            screen.put("prunetop: starting the trainer…", x: 0, y: layout.header.y, style: theme.style(.title, bold: true))
        }
        for panel in DashboardPanels.all where model.state.isShown(panel.id) {
            let border = layout[panel.id], inner = PanelFrame.inner(of: border)
            PanelFrame(title: panel.id.title, focused: model.state.focusedPanel == panel.id)
                .render(into: &screen, area: border, theme: theme, glyphs: glyphs)
            guard let frame = model.frame, let snapshot = model.snapshot else {
                screen.put("waiting for the first snapshot…", x: inner.x, y: inner.y, style: theme.style(.inactive), clip: inner)
                continue
            }
            panel.render(PanelContext(model: model, frame: frame, snapshot: snapshot, layout: layout, border: border, area: inner),
                         into: &screen, theme: theme, glyphs: glyphs)
        }
        if let commandBar = model.commandBar {
            CommandBarView(commandBar).render(into: &screen, area: layout.messageLine, theme: theme, glyphs: glyphs)
        } else {
            MessageLine(messageText(model)).render(into: &screen, area: layout.messageLine, theme: theme, glyphs: glyphs)
        }
        if let browser = model.layerBrowser {
            LayerBrowserView(browser).render(into: &screen, area: layout.body, theme: theme, glyphs: glyphs)
        }
        if let options = model.optionsScreen {
            OptionsView(options).render(into: &screen, area: layout.body, theme: theme, glyphs: glyphs)
        }
        if model.state.showsHelp {
            HelpOverlay(replay: model.replaySpeed != nil, commands: model.state.showsCommands, panels: model.state.shownPanels)
                .render(into: &screen, area: screen.bounds, theme: theme, glyphs: glyphs)
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
}
