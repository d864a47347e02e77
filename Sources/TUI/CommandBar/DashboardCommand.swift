import Training

/// What a line typed in the `:` command bar asks for, parsed and validated
/// (`CommandParser`). Every key's action is reachable as `.action`; the rest take values.
public enum DashboardCommand: Sendable, Equatable {
    /// Whatever a key does (`DashboardAction`): `quit`, `step`, `layer next`, `error`...
    case action(DashboardAction)
    case pause, resume
    case setTarget(Double)
    case setMethod(String)
    case setLearningRate(Float)
    case setSchedule(SparsitySchedule)
    case setBudget(LayerBudget.Distribution)
    case setPace(RunPace)
    case setTheme(String)
    case focusPanel(PanelID)
    /// `panel show|hide|toggle NAME`: lays a panel out or takes it away, for this session.
    case changePanel(PanelChange, PanelID)
    /// The list of commands (the help box for commands).
    case listCommands

    public enum PanelChange: String, Sendable, CaseIterable {
        case show, hide, toggle
    }
}

/// One command of the bar: its name, what follows it, and what it does. The table is the
/// one list the parser, completion and `:help` all read.
public struct CommandSpec: Sendable, Equatable {
    public var name: String
    public var arguments: String
    public var summary: String

    public init(_ name: String, _ summary: String) {
        self.init(name, "", summary)
    }

    public init(_ name: String, _ arguments: String, _ summary: String) {
        self.name = name
        self.arguments = arguments
        self.summary = summary
    }
}

public enum CommandTable {
    public static let all: [CommandSpec] = [
        CommandSpec("quit", "quit (asks if running)"),
        CommandSpec("help", "this list"),
        CommandSpec("keys", "the key help (?)"),
        CommandSpec("pause", "pause the run"),
        CommandSpec("resume", "resume the run"),
        CommandSpec("toggle", "pause / resume (space)"),
        CommandSpec("step", "one step (s)"),
        CommandSpec("target", "X", "target sparsity"),
        CommandSpec("method", "NAME|next", "method (m)"),
        CommandSpec("undo", "undo method switch (u)"),
        CommandSpec("lr", "X", "learning rate"),
        CommandSpec("schedule", "agp B E EVERY [EXP]", "in epochs; or oneshot AT, iterative N LEN, constant"),
        CommandSpec("budget", "NAME", "global uniform er erk"),
        CommandSpec("pace", "X|full|faster|slower", "steps/s (< >)"),
        CommandSpec("knob", "next|prev|up|down|edit", "selected knob"),
        CommandSpec("rewind", "rewind weights (r)"),
        CommandSpec("save", "save a checkpoint (S)"),
        CommandSpec("layer", "NAME|N|next|prev", "(l L 1-9)"),
        CommandSpec("layers", "the layer browser (b)"),
        CommandSpec("focus", "PANEL|next|prev|DIR", "(Tab, arrows)"),
        CommandSpec("panel", "show|hide|toggle PANEL", "lay a panel out or not"),
        CommandSpec("error", "error / accuracy (e)"),
        CommandSpec("loghist", "log histogram (g)"),
        CommandSpec("heatmap", "density / |w| (d)"),
        CommandSpec("inputmap", "input-pixel map (i)"),
        CommandSpec("theme", "NAME|next", "(t)"),
        CommandSpec("options", "the options screen (o)"),
        CommandSpec("redraw", "repaint the screen"),
    ]

    public static var names: [String] { all.map(\.name) }

    /// The help box's lines for `:help`.
    public static var help: [HelpOverlay.Entry] {
        all.map { HelpOverlay.Entry($0.name, $0.arguments.isEmpty ? $0.summary : "\($0.arguments)  \($0.summary)") }
    }
}
