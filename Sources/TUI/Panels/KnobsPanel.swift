extension PanelID {
    public static let knobs = PanelID(title: "Knobs", name: "knobs")
}

/// The settings that steer a live run (a replay's speed), one per row. Focused, the arrows
/// select and change the knob; `+` `-` `Enter` `<` `>` `m` `u` work from any panel.
public struct KnobsPanel: DashboardPanel {
    /// Rows it needs for every knob, a blank row and the hint, and its frame.
    static let height = Knob.allCases.count + 1 + 2 + 1

    public let id = PanelID.knobs
    public let slots: [DashboardLayout.Arrangement: PanelSlot] = [
        .compact: PanelSlot(.bottom, order: 2, .rest),
        .medium: PanelSlot(.side, order: 0, .cells(height)),
        .large: PanelSlot(.side, order: 0, .cells(height)),
    ]

    public func focusedAction(for event: KeyEvent) -> DashboardAction? {
        switch event {
        case .up: .selectPreviousKnob
        case .down: .selectNextKnob
        case .left: .decreaseKnob
        case .right: .increaseKnob
        default: nil
        }
    }

    public func action(for event: KeyEvent) -> DashboardAction? {
        switch event {
        case .enter, .character("\n"), .character("\r"): .editKnob
        case .character("+"), .character("="): .increaseKnob
        case .character("-"), .character("_"): .decreaseKnob
        case .character("m"): .cycleMethod
        case .character("u"): .undoMethodSwitch
        case .character("<"): .changePace(-1)
        case .character(">"): .changePace(1)
        default: nil
        }
    }

    /// Pace and method keys name their knob on the message line: they act with the panel
    /// hidden. `+` `-` `Enter` turn the selected knob, which only the panel shows.
    public func actsWhileHidden(_ action: DashboardAction) -> Bool {
        switch action {
        case .changePace, .cycleMethod, .undoMethodSwitch: true
        default: false
        }
    }

    /// A replay's knob keys set its speed: `KeyBindings.help` lists them with its clock.
    public func help(_ glyphs: Glyphs, replay: Bool, shown: Bool) -> [HelpOverlay.Entry] {
        guard !replay else { return [] }
        let arrows = glyphs.isUnicode ? "←/→" : "left/right"
        let upDown = glyphs.isUnicode ? "↑/↓" : "up/down"
        let namingTheirKnob = [HelpOverlay.Entry("< >", "slower / faster (pace)"), HelpOverlay.Entry("m u", "method / undo switch")]
        guard shown else { return namingTheirKnob }
        return [
            HelpOverlay.Entry(upDown, "select knob (in Knobs)"),
            HelpOverlay.Entry("+ - \(arrows)", "change the selected knob"),
            HelpOverlay.Entry("Enter", "type a knob's value"),
        ] + namingTheirKnob
    }

    public func render(_ context: PanelContext, into screen: inout Screen, theme: Theme, glyphs: Glyphs) {
        KnobsView(KnobValues(snapshot: context.snapshot, replaySpeed: context.model.replaySpeed, unavailable: context.model.unavailableKnobs),
                  selectedKnob: context.model.state.selectedKnob)
            .render(into: &screen, area: context.area, theme: theme, glyphs: glyphs)
    }
}
