/// One panel of the dashboard, declared in one place: its id (and title), where it sits
/// in each arrangement, the keys it adds and their help lines, and what it draws inside
/// its frame. `DashboardPanels.all` lists them.
public protocol DashboardPanel: Sendable {
    var id: PanelID { get }
    /// Its place in each of `DashboardLayout`'s arrangements.
    var slots: [DashboardLayout.Arrangement: PanelSlot] { get }
    /// What a key does while this panel has the focus, before the dashboard's own keys.
    func focusedAction(for event: KeyEvent) -> DashboardAction?
    /// Keys it adds wherever the focus is (the dashboard's own come first).
    func action(for event: KeyEvent) -> DashboardAction?
    /// Its help lines (`KeyBindings.help`), for a live run or a replay.
    func help(_ glyphs: Glyphs, replay: Bool) -> [HelpOverlay.Entry]
    /// Draws its content; the frame and title are already drawn.
    func render(_ context: PanelContext, into screen: inout Screen, theme: Theme, glyphs: Glyphs)
}

extension DashboardPanel {
    public func focusedAction(for event: KeyEvent) -> DashboardAction? { nil }
    public func action(for event: KeyEvent) -> DashboardAction? { nil }
    public func help(_ glyphs: Glyphs, replay: Bool) -> [HelpOverlay.Entry] { [] }
}
