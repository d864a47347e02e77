/// The dashboard's panels, in Tab order. Adding a panel: a file declaring its `PanelID`
/// and its `DashboardPanel` (in Panels/), its widget, and a line here.
public enum DashboardPanels {
    public static let all: [any DashboardPanel] = [
        SparsityPanel(),
        WeightsPanel(),
        OccamsHillPanel(),
        SpeedupPanel(),
        LossPanel(),
        KnobsPanel(),
    ]

    public static func panel(_ id: PanelID) -> (any DashboardPanel)? { all.first { $0.id == id } }
}
