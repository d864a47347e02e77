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
    /// Whether a key it adds still acts while it is hidden: one that names what it changes
    /// (and the message line says so) may; one that acts on what only it shows may not.
    func actsWhileHidden(_ action: DashboardAction) -> Bool
    /// Its help lines (`KeyBindings.help`), for a live run or a replay; while it is hidden,
    /// those of the keys that still act.
    func help(_ glyphs: Glyphs, replay: Bool, shown: Bool) -> [HelpOverlay.Entry]
    /// Draws its content; the frame and title are already drawn.
    func render(_ context: PanelContext, into screen: inout Screen, theme: Theme, glyphs: Glyphs)
}

extension DashboardPanel {
    public func focusedAction(for event: KeyEvent) -> DashboardAction? { nil }
    public func action(for event: KeyEvent) -> DashboardAction? { nil }
    public func actsWhileHidden(_ action: DashboardAction) -> Bool { false }
    public func help(_ glyphs: Glyphs, replay: Bool, shown: Bool) -> [HelpOverlay.Entry] { [] }
}
