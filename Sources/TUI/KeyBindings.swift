/// An input event, as the backend decodes it from ncurses (keys, resize, mouse).
public enum KeyEvent: Sendable, Equatable {
    case character(Character)
    case up, down, left, right, tab, backTab, enter, escape, resize
    case mouseClick(x: Int, y: Int)
    case wheelUp(x: Int, y: Int)
    case wheelDown(x: Int, y: Int)
}

/// What the user asked for. The app applies it (to `DashboardState` or the trainer).
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
    /// Focus the panel under the point, select the knob under it (`DashboardLayout.hitTest`).
    case click(x: Int, y: Int)
    /// Change the knob under the point by `delta` steps (+1 wheel up, -1 wheel down).
    case wheel(x: Int, y: Int, delta: Int)
}

/// Keys to actions, following btop / htop / nvitop habits:
///
/// - Help open: any key or click closes it (resize still re-lays out); `q` still quits.
/// - `Tab` / `Shift-Tab` cycle the focus through the panels.
/// - Arrows outside Knobs move the focus to the neighbouring panel in that direction.
///   With Knobs focused, up/down select the knob and left/right change it (as `-`/`+`).
/// - `+`/`=` and `-`/`_` change the selected knob wherever the focus is; `Enter` types a
///   value for it. `d` toggles the heatmaps between density and |w|; `i` shows or hides
///   the input-pixel map.
/// - Letters are case-sensitive: `s` steps, `S` saves a checkpoint.
/// - `<` and `>` turn the pace knob (a replay's speed) from any panel.
public enum KeyBindings {
    public static func action(for event: KeyEvent, focusedPanel: DashboardState.PanelID, helpShown: Bool = false) -> DashboardAction? {
        if helpShown {
            switch event {
            case .resize: return .redraw
            case .character("q"): return .quit
            default: return .closeHelp
            }
        }
        let inKnobs = focusedPanel == .knobs
        switch event {
        case .resize: return .redraw
        case .tab: return .focusNext
        case .backTab: return .focusPrevious
        case .up: return inKnobs ? .selectPreviousKnob : .moveFocus(.up)
        case .down: return inKnobs ? .selectNextKnob : .moveFocus(.down)
        case .left: return inKnobs ? .decreaseKnob : .moveFocus(.left)
        case .right: return inKnobs ? .increaseKnob : .moveFocus(.right)
        case .enter: return .editKnob
        case .escape: return nil
        case let .mouseClick(x, y): return .click(x: x, y: y)
        case let .wheelUp(x, y): return .wheel(x: x, y: y, delta: 1)
        case let .wheelDown(x, y): return .wheel(x: x, y: y, delta: -1)
        case let .character(character): return action(for: character)
        }
    }

    public static func action(for event: KeyEvent, state: DashboardState) -> DashboardAction? {
        action(for: event, focusedPanel: state.focusedPanel, helpShown: state.showsHelp)
    }

    static func action(for character: Character) -> DashboardAction? {
        switch character {
        case "q": .quit
        case "?", "h": .toggleHelp
        case " ": .togglePause
        case "s": .step
        case "+", "=": .increaseKnob
        case "-", "_": .decreaseKnob
        case "\n", "\r": .editKnob
        case "\t": .focusNext
        case "m": .cycleMethod
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
        case "u": .undoMethodSwitch
        case "<": .changePace(-1)
        case ">": .changePace(1)
        default: nil
        }
    }
}
