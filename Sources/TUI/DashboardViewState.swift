/// The dashboard's own state (what the user has selected and toggled), separate from the
/// run's data. A value: the app changes it on input, and views draw from it.
public struct DashboardViewState: Sendable, Equatable {
    public typealias PanelID = TUI.PanelID

    public var focusedPanel: PanelID = .sparsity
    /// The panels laid out, in Tab order: the config file's `panels`, `--panels`, `:panel`.
    /// Never empty; the focus is always on one of them (`show(_:)`).
    public private(set) var shownPanels: [PanelID] = PanelID.allCases
    /// Index into `Knob.allCases`; target sparsity, the knob turned most, to start with.
    public var selectedKnob = Knob.allCases.firstIndex(of: .target)!
    /// Index into the prunable layers.
    public var selectedLayer = 0
    /// Occam's hill and curves show test error instead of accuracy.
    public var showsError = false
    /// Weight histogram counts on a log scale: the default, as once pruned the spike of
    /// zeros would flatten the kept weights into a line on a linear one (`g` toggles).
    public var logHistogram = true
    /// Heatmaps coloured by mean |w| instead of density.
    public var heatmapShowsMagnitude = false
    /// The `i` key: flips whether the Sparsity panel shows the input-pixel map
    /// (see `SparsityPanelLayout`).
    public var inputMapToggled = false
    public var showsHelp = false
    /// The help box lists the `:` commands (`:help`) instead of the keys.
    public var showsCommands = false
    /// The last thing worth telling the user, shown on the message line.
    public var message: String?

    public init() {}

    /// Lays out just `panels` (in Tab order whatever their order here); nothing changes
    /// when none of them is a dashboard panel. A focused panel that gets hidden hands the
    /// focus to the next shown one in Tab order.
    public mutating func show(_ panels: some Sequence<PanelID>) {
        let wanted = Set(panels), all = PanelID.allCases
        let shown = all.filter(wanted.contains)
        guard !shown.isEmpty else { return }
        shownPanels = shown
        guard !shown.contains(focusedPanel) else { return }
        let start = all.firstIndex(of: focusedPanel) ?? 0
        focusedPanel = (1...all.count).lazy.map { all[(start + $0) % all.count] }.first(where: shown.contains) ?? shown[0]
    }

    public func isShown(_ panel: PanelID) -> Bool { shownPanels.contains(panel) }

    /// The dashboard's layout at this size with the shown panels; nil below 80x24.
    public func layout(width: Int, height: Int) -> DashboardLayout? {
        DashboardLayout(width: width, height: height, panels: DashboardPanels.all.filter { isShown($0.id) })
    }
}

/// The settings the Knobs panel lists, in order.
public enum Knob: String, Sendable, CaseIterable {
    case method = "method"
    case target = "target sparsity"
    case scheduleBegin = "schedule begin"
    case scheduleEnd = "schedule end"
    case frequency = "frequency"
    case exponent = "exponent"
    case budget = "budget"
    case learningRate = "learning rate"
    /// Steps per second a live run is let go (a replay: its speed).
    case pace = "pace"
}
