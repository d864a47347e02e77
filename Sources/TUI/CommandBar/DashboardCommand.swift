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
    /// The layer browser (`b`).
    case openLayers
    /// The options screen (`o`).
    case openOptions
    /// The list of commands (the help box for commands).
    case listCommands
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
        CommandSpec("help", "this list of commands"),
        CommandSpec("keys", "the key help"),
        CommandSpec("pause", "pause the run"),
        CommandSpec("resume", "resume the run"),
        CommandSpec("toggle", "pause / resume (space)"),
        CommandSpec("step", "one step (s)"),
        CommandSpec("target", "X", "target sparsity, [0, 1)"),
        CommandSpec("method", "NAME|next", "switch method (next: m)"),
        CommandSpec("undo", "undo the method switch (u)"),
        CommandSpec("lr", "X", "base learning rate"),
        CommandSpec("schedule", "KIND ...", "agp B E EVERY [EXP] | oneshot AT | iterative N LEN | constant; epochs"),
        CommandSpec("budget", "NAME", "layer budget: global uniform er erk"),
        CommandSpec("pace", "X|full|faster|slower", "steps per second (< >)"),
        CommandSpec("knob", "next|prev|up|down|edit", "the selected knob (arrows, + -, Enter)"),
        CommandSpec("rewind", "rewind weights (r)"),
        CommandSpec("save", "save a checkpoint (S)"),
        CommandSpec("layer", "NAME|N|next|prev", "show a layer (l L 1-9)"),
        CommandSpec("layers", "the layer browser (b)"),
        CommandSpec("focus", "PANEL|next|prev", "focus a panel; left right up down (Tab, arrows)"),
        CommandSpec("error", "error / accuracy (e)"),
        CommandSpec("loghist", "log histogram (g)"),
        CommandSpec("heatmap", "heatmap density / |w| (d)"),
        CommandSpec("inputmap", "input-pixel map on / off (i)"),
        CommandSpec("theme", "NAME|next", "colour theme (t)"),
        CommandSpec("options", "the options screen (o)"),
        CommandSpec("redraw", "repaint the screen"),
    ]

    public static var names: [String] { all.map(\.name) }

    /// The help box's lines for `:help`.
    public static var help: [HelpOverlay.Entry] {
        all.map { HelpOverlay.Entry($0.arguments.isEmpty ? $0.name : "\($0.name) \($0.arguments)", $0.summary) }
    }
}
