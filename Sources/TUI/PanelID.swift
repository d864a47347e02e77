/// Names a dashboard panel; its raw value is the title on the panel's frame. Each panel
/// declares its own in its file (`extension PanelID { static let loss = ... }`).
public struct PanelID: RawRepresentable, Hashable, Sendable {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// Every panel, in Tab order (`DashboardPanels.all`).
    public static var allCases: [PanelID] { DashboardPanels.all.map(\.id) }
}
