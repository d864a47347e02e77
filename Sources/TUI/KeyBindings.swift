/// An input event, as the backend decodes it from ncurses (keys, resize, mouse).
public enum KeyEvent: Sendable, Equatable {
    case character(Character)
    case up, down, left, right, tab, backTab, enter, escape, resize
    case mouseClick(x: Int, y: Int)
    case wheelUp(x: Int, y: Int)
    case wheelDown(x: Int, y: Int)
}

/// What the user asked for. The app applies it (to `DashboardViewState` or the trainer).
public enum DashboardAction: Sendable, Equatable {
    case quit
    case toggleHelp
    case closeHelp
    case togglePause
    case step
    case focusNext, focusPrevious
    /// Move the focus to the panel beside the focused one (`DashboardLayout.neighbour`).
    case moveFocus(DashboardLayout.Direction)
    case selectNextKnob, selectPreviousKnob
    case increaseKnob, decreaseKnob
    case editKnob
    case cycleMethod
    /// The pace knob one step slower (-1) or faster (+1); a replay's speed.
    case changePace(Int)
    /// Take back the last method switch (`TrainerCommand.undoMethodSwitch`).
    case undoMethodSwitch
    case nextLayer, previousLayer
    /// 0-based layer index (key `1` selects layer 0).
    case selectLayer(Int)
    case toggleError
    case toggleLogHistogram
    case toggleHeatmapMode
    case toggleInputMap
    case rewind
    case cycleTheme
    case saveCheckpoint
    /// Re-lay out and redraw everything.
    case redraw
    /// The `:` command bar (`CommandParser`).
    case openCommandBar
    /// The layer browser (`LayerBrowser`).
    case openLayerBrowser
    /// The options screen (`OptionsScreen`).
    case openOptions
    /// Focus the panel under the point, select the knob under it (`DashboardLayout.hitTest`).
    case click(x: Int, y: Int)
    /// Change the knob under the point by `delta` steps (+1 wheel up, -1 wheel down).
    case wheel(x: Int, y: Int, delta: Int)
    /// A key a hidden panel adds (`DashboardPanel.action`) that does not act while it is
    /// hidden (`actsWhileHidden`), and what it would do: the app says why not (a replay's
    /// speed keys act all the same).
    indirect case keyOfHiddenPanel(PanelID, DashboardAction)
}

/// Keys to actions, following btop / htop / nvitop habits:
///
/// - Help open: any key or click closes it (resize still re-lays out); `q` still quits.
/// - `Tab` / `Shift-Tab` cycle the focus through the panels.
/// - Arrows move the focus to the neighbouring panel in that direction, unless the focused
///   panel takes them (`DashboardPanel.focusedAction`: Knobs selects and changes knobs).
/// - Panels add keys that work wherever the focus is (`DashboardPanel.action`: Knobs'
///   `+`/`=`, `-`/`_`, `Enter`, `<`, `>`, `m`, `u`), after the dashboard's own below; a
///   hidden panel's keys come as `.keyOfHiddenPanel`.
///   `d` toggles the heatmaps between density and |w|; `i` shows or hides the input-pixel map.
/// - Letters are case-sensitive: `s` steps, `S` saves a checkpoint.
public enum KeyBindings {
    public static func action(for event: KeyEvent, focusedPanel: PanelID, helpShown: Bool = false,
                              shownPanels: [PanelID] = PanelID.allCases) -> DashboardAction? {
        if helpShown {
            switch event {
            case .resize: return .redraw
            case .character("q"): return .quit
            default: return .closeHelp
            }
        }
        if let action = DashboardPanels.panel(focusedPanel)?.focusedAction(for: event) { return action }
        switch event {
        case .resize: return .redraw
        case .tab: return .focusNext
        case .backTab: return .focusPrevious
        case .up: return .moveFocus(.up)
        case .down: return .moveFocus(.down)
        case .left: return .moveFocus(.left)
        case .right: return .moveFocus(.right)
        case .escape: return nil
        case let .mouseClick(x, y): return .click(x: x, y: y)
        case let .wheelUp(x, y): return .wheel(x: x, y: y, delta: 1)
        case let .wheelDown(x, y): return .wheel(x: x, y: y, delta: -1)
        case let .character(character): if let action = action(for: character) { return action }
        case .enter: break
        }
        return DashboardPanels.all.lazy.compactMap { panel in
            panel.action(for: event).map { shownPanels.contains(panel.id) || panel.actsWhileHidden($0) ? $0 : .keyOfHiddenPanel(panel.id, $0) }
        }.first
    }

    public static func action(for event: KeyEvent, state: DashboardViewState) -> DashboardAction? {
        action(for: event, focusedPanel: state.focusedPanel, helpShown: state.showsHelp, shownPanels: state.shownPanels)
    }

    /// The dashboard's own letter keys.
    static func action(for character: Character) -> DashboardAction? {
        switch character {
        case "q": .quit
        case "?", "h": .toggleHelp
        case " ": .togglePause
        case "s": .step
        case "\t": .focusNext
        case "l": .nextLayer
        case "L": .previousLayer
        case "1"..."9": .selectLayer(Int(String(character))! - 1)
        case "e": .toggleError
        case "g": .toggleLogHistogram
        case "d": .toggleHeatmapMode
        case "i": .toggleInputMap
        case "r": .rewind
        case "t": .cycleTheme
        case "S": .saveCheckpoint
        case ":": .openCommandBar
        case "b": .openLayerBrowser
        case "o": .openOptions
        default: nil
        }
    }

    /// Every key's help line, in the order the README lists them: the run's keys and
    /// moving around, each panel's keys, then the view's; a replay's own when `replay`
    /// (its knobs are as recorded: only the speed changes). A hidden panel lists only the
    /// keys that still act.
    public static func help(_ glyphs: Glyphs, replay: Bool = false, panels shown: [PanelID] = PanelID.allCases) -> [HelpOverlay.Entry] {
        typealias Entry = HelpOverlay.Entry
        let moving = [Entry("Tab S-Tab", "next / previous panel"), Entry("arrows", "move between panels")]
        let panels = DashboardPanels.all.flatMap { $0.help(glyphs, replay: replay, shown: shown.contains($0.id)) }
        let view = [Entry("l L 1-9", "layer next, back, 1-9"), Entry("e", "error / accuracy"), Entry("g", "log histogram"),
                    Entry("d", "heatmap density / |w|"), Entry("i", "input-pixel map on / off")]
        if replay {
            return [Entry("q", "quit"), Entry("? h", "this help"), Entry("space", "pause / play"), Entry("s", "next recorded moment"),
                    Entry("< > + -", "slower / faster")]
                + moving + panels + view + [Entry("t", "cycle theme"), Entry("click", "focus panel")]
        }
        return [Entry("q", "quit (asks if running)"), Entry("? h", "this help"), Entry("space", "pause / resume"), Entry("s", "single step")]
            + moving + panels + view
            + [Entry("r", "rewind (lottery)"), Entry("t", "cycle theme"), Entry("S", "save checkpoint"),
               Entry("mouse", "click picks, wheel turns")]
    }
}
