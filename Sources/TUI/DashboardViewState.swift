/// The dashboard's own state (what the user has selected and toggled), separate from the
/// run's data. A value: the app changes it on input, and views draw from it.
public struct DashboardViewState: Sendable, Equatable {
    public typealias PanelID = TUI.PanelID

    public var focusedPanel: PanelID = .sparsity
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
