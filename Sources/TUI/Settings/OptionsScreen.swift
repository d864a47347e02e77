import Training

/// The options screen's state (`o`, `:options`): the settings of the config file, one row
/// each (a row a panel, shown or hidden), ↑/↓ choosing a row and ←/→ stepping its value
/// through its choices. A value; the app applies the theme, keys and panels at once, and
/// saves the file on Enter.
public struct OptionsScreen: Sendable, Equatable {
    public enum Row: Sendable, Hashable {
        case theme, color, fps, pace, keys
        case panel(PanelID)

        public static var all: [Row] { [.theme, .color, .fps, .pace, .keys] + PanelID.allCases.map(Row.panel) }

        /// Its name on the screen: the config file's key, or the panel's name.
        public var label: String {
            switch self {
            case .theme: "theme"
            case .color: "color"
            case .fps: "fps"
            case .pace: "pace"
            case .keys: "keys"
            case let .panel(panel): "panel " + panel.name
            }
        }
    }

    public enum Outcome: Sendable, Equatable {
        case editing
        /// A value changed (the app applies what can change now).
        case changed(Row)
        /// A change not made, and why (the last panel shown cannot be hidden).
        case refused(String)
        case save
        case closed
    }

    public private(set) var settings: DashboardSettings
    /// The settings it opened on: what Esc leaves unsaved is the difference.
    public let opened: DashboardSettings
    public private(set) var selected = 0
    public let themeNames: [String]
    /// Where Enter saves.
    public let path: String?

    public init(settings: DashboardSettings, themeNames: [String], path: String?) {
        self.settings = settings
        opened = settings
        self.themeNames = themeNames
        self.path = path
    }

    static let framesPerSecond: [Double] = [1, 2, 5, 10, 15, 20, 30, 60]
    static let paces: [Double?] = [nil, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]

    /// The row's value as shown and saved; "(default)" for an unset one.
    public func value(_ row: Row) -> String {
        switch row {
        case .theme: settings.theme ?? "default"
        case .color: settings.color?.rawValue ?? "auto"
        case .fps: Format.plain(settings.framesPerSecond ?? 5)
        case .pace: settings.pace.map { $0.stepsPerSecond.map(Format.plain) ?? "full" } ?? "full"
        case .keys: settings.keys.rawValue
        case let .panel(panel): shownPanels.contains(panel) ? "shown" : "hidden"
        }
    }

    /// What a change to the row does before the next start.
    public static func note(_ row: Row) -> String {
        switch row {
        case .theme, .keys, .panel: "now"
        case .color, .fps: "next start"
        case .pace: "next run"
        }
    }

    public mutating func handle(_ key: KeyEvent) -> Outcome {
        switch key {
        case .escape, .character("q"), .character("o"): return .closed
        case .enter, .character("s"): return .save
        case .up, .character("k"): selected = (selected + Row.all.count - 1) % Row.all.count
        case .down, .character("j"): selected = (selected + 1) % Row.all.count
        case .left, .character("h"), .character("-"): return change(by: -1)
        case .right, .character("l"), .character("+"), .character(" "): return change(by: 1)
        default: break
        }
        return .editing
    }

    private mutating func change(by step: Int) -> Outcome {
        let row = Row.all[selected]
        func next<T: Equatable>(_ choices: [T], _ current: T) -> T {
            let index = choices.firstIndex(of: current) ?? 0
            return choices[(index + step + choices.count) % choices.count]
        }
        switch row {
        case .theme: settings.theme = next(themeNames, settings.theme ?? "default")
        case .color: settings.color = next(ColorDepth.Choice.dashboardChoices, settings.color ?? .auto)
        case .fps: settings.framesPerSecond = next(Self.framesPerSecond, settings.framesPerSecond ?? 5)
        case .pace: settings.pace = RunPace(stepsPerSecond: next(Self.paces, settings.pace?.stepsPerSecond))
        case .keys: settings.keys = next(DashboardSettings.KeyPreset.allCases, settings.keys)
        case let .panel(panel):
            let shown = shownPanels
            if shown.contains(panel) {
                guard shown.count > 1 else { return .refused("\(panel.title) is the only panel shown: show another first") }
                settings.panels = DashboardSettings.panels(shown.filter { $0 != panel })
            } else {
                settings.panels = DashboardSettings.panels(PanelID.allCases.filter { shown.contains($0) || $0 == panel })
            }
        }
        return .changed(row)
    }

    /// The panels the settings lay out (all when the file names none).
    public var shownPanels: [PanelID] { settings.panels ?? PanelID.allCases }
}
