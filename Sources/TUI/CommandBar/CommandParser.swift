import Recipes
import Training

/// What the parser needs to know of the run and the dashboard: names to check layers and
/// themes against, and the epoch length that schedule arguments are counted in.
public struct CommandContext: Sendable, Equatable {
    /// The prunable layers' names, in order (the `1`-`9` keys' order).
    public var layerNames: [String]
    public var themeNames: [String]
    public var stepsPerEpoch: Int
    /// False where no run is known yet (a key binding in the config file): `layer N` is
    /// taken as it is (the dashboard checks it when the key is pressed), a name is refused.
    public var layersKnown = true

    public init(layerNames: [String] = [], themeNames: [String] = [], stepsPerEpoch: Int = 1) {
        self.layerNames = layerNames
        self.themeNames = themeNames
        self.stepsPerEpoch = stepsPerEpoch
    }
}

/// A typed command refused: the command's name and what was expected, in a recipe's words.
public struct CommandError: Error, Sendable, Equatable, CustomStringConvertible {
    public var command: String
    public var message: String

    public var description: String { command.isEmpty ? message : "\(command): \(message)" }
}

/// Reads one line of the command bar into a `DashboardCommand`. Pure. Values go through
/// the rules recipes use (`SettingRule.parse`, `MethodRegistry`, `RecipeChoice`,
/// `SparsitySchedule`), so a bad value gets the same words either way.
public enum CommandParser {
    public static func parse(_ line: String, context: CommandContext) -> Result<DashboardCommand, CommandError> {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let name = words.first else { return .failure(CommandError(command: "", message: "type a command; help lists them")) }
        let arguments = Array(words.dropFirst())
        func fail(_ message: String) -> Result<DashboardCommand, CommandError> { .failure(CommandError(command: name, message: message)) }
        guard let spec = CommandTable.all.first(where: { $0.name == name }) else {
            var message = "unknown command '\(name)'"
            if let suggestion = closest(to: name, among: CommandTable.names) { message += "; did you mean '\(suggestion)'?" }
            return .failure(CommandError(command: "", message: message + " (help lists them)"))
        }
        // Commands without arguments take none.
        if spec.arguments.isEmpty {
            guard arguments.isEmpty else { return fail("takes no arguments, found '\(arguments.joined(separator: " "))'") }
            return .success(bare[name]!)
        }
        guard let value = arguments.first else { return fail("expected \(name) \(spec.arguments)") }
        if name == "panel" { return panel(arguments).mapError { CommandError(command: name, message: $0.message) } }
        if name != "schedule" && arguments.count > 1 { return fail("expected \(name) \(spec.arguments), found '\(arguments.joined(separator: " "))'") }
        switch name {
        case "target":
            return SettingRules.targetSparsity.parse(value).map(DashboardCommand.setTarget).mapError { CommandError(command: name, message: $0.description) }
        case "lr":
            return SettingRules.learningRate.parse(value).map { .setLearningRate(Float($0)) }.mapError { CommandError(command: name, message: $0.description) }
        case "method":
            if value == "next" { return .success(.action(.cycleMethod)) }
            return MethodRegistry.names.contains(value) ? .success(.setMethod(value)) : fail(MethodRegistry.unknownMethodMessage(value))
        case "budget":
            return RecipeChoice.budgetDistribution(value).map(DashboardCommand.setBudget).mapError { CommandError(command: name, message: $0.message) }
        case "pace":
            switch value {
            case "faster": return .success(.action(.changePace(1)))
            case "slower": return .success(.action(.changePace(-1)))
            default:
                // As `--pace`, the pace knob and the config file's `pace` read it.
                guard let pace = RunPace(typed: value) else { return fail("expected \(RunPace.expectedText), found '\(value)'") }
                return .success(.setPace(pace))
            }
        case "schedule":
            return schedule(arguments, context: context).map(DashboardCommand.setSchedule).mapError { CommandError(command: name, message: $0.message) }
        case "knob":
            let actions: [String: DashboardAction] = ["next": .selectNextKnob, "prev": .selectPreviousKnob, "up": .increaseKnob,
                                                      "down": .decreaseKnob, "edit": .editKnob]
            return actions[value].map { .success(.action($0)) } ?? fail("expected one of next, prev, up, down, edit, found '\(value)'")
        case "layer":
            return layer(value, names: context.layersKnown ? context.layerNames : nil).map { .action($0) }.mapError { CommandError(command: name, message: $0.message) }
        case "focus":
            let moves: [String: DashboardAction] = ["next": .focusNext, "prev": .focusPrevious, "left": .moveFocus(.left),
                                                    "right": .moveFocus(.right), "up": .moveFocus(.up), "down": .moveFocus(.down)]
            if let move = moves[value] { return .success(.action(move)) }
            if let panel = PanelID.named(value.lowercased()) { return .success(.focusPanel(panel)) }
            return fail("expected next, prev, left, right, up, down or a panel (\(PanelID.namesText)), found '\(value)'")
        case "theme":
            if value == "next" { return .success(.action(.cycleTheme)) }
            guard context.themeNames.contains(value) else {
                return fail("expected one of \(context.themeNames.joined(separator: ", ")), found '\(value)'")
            }
            return .success(.setTheme(value))
        default:
            return fail("expected \(name) \(spec.arguments)")
        }
    }

    /// The commands that take no arguments.
    static let bare: [String: DashboardCommand] = [
        "quit": .action(.quit), "help": .listCommands, "keys": .action(.toggleHelp), "pause": .pause, "resume": .resume,
        "toggle": .action(.togglePause), "step": .action(.step), "undo": .action(.undoMethodSwitch), "rewind": .action(.rewind),
        "save": .action(.saveCheckpoint), "layers": .action(.openLayerBrowser), "error": .action(.toggleError), "loghist": .action(.toggleLogHistogram),
        "heatmap": .action(.toggleHeatmapMode), "inputmap": .action(.toggleInputMap), "options": .action(.openOptions), "redraw": .action(.redraw),
    ]

    /// `show|hide|toggle NAME`, a panel by its short name (`PanelID.name`).
    static func panel(_ arguments: [String]) -> Result<DashboardCommand, ArgumentProblem> {
        let changes = DashboardCommand.PanelChange.allCases.map(\.rawValue)
        guard arguments.count == 2, let change = DashboardCommand.PanelChange(rawValue: arguments[0]) else {
            return .failure(ArgumentProblem("expected \(changes.joined(separator: "|")) and a panel (\(PanelID.namesText)), found '\(arguments.joined(separator: " "))'"))
        }
        guard let panel = PanelID.named(arguments[1].lowercased()) else {
            var message = "no panel '\(arguments[1])'; expected one of \(PanelID.namesText)"
            if let suggestion = closest(to: arguments[1].lowercased(), among: PanelID.allCases.map(\.name)) { message += "; did you mean '\(suggestion)'?" }
            return .failure(ArgumentProblem(message))
        }
        return .success(.changePanel(change, panel))
    }

    /// `next`, `prev`, a 1-based index (as the `1`-`9` keys count) or a name: the layer's
    /// own ("conv3") or its weight's ("conv3.weight").
    static func layer(_ value: String, names: [String]?) -> Result<DashboardAction, ArgumentProblem> {
        if value == "next" { return .success(.nextLayer) }
        if value == "prev" { return .success(.previousLayer) }
        guard let names else {
            guard let number = Int(value), number >= 1 else {
                return .failure(ArgumentProblem("expected next, prev or a layer number from 1 (names need a run), found '\(value)'"))
            }
            return .success(.selectLayer(number - 1))
        }
        if let number = Int(value) {
            guard (1...max(names.count, 1)).contains(number), !names.isEmpty else {
                return .failure(ArgumentProblem("expected a layer from 1 to \(names.count), found \(number)"))
            }
            return .success(.selectLayer(number - 1))
        }
        if let index = names.firstIndex(where: { $0 == value || layerName($0) == value }) { return .success(.selectLayer(index)) }
        var message = "no prunable layer '\(value)'"
        if let suggestion = closest(to: value, among: names.map(layerName)) { message += "; did you mean '\(suggestion)'?" }
        return .failure(ArgumentProblem(message))
    }

    /// "conv3" for the weight "conv3.weight".
    public static func layerName(_ weight: String) -> String {
        weight.hasSuffix(".weight") ? String(weight.dropLast(".weight".count)) : weight
    }

    /// `agp BEGIN END EVERY [EXPONENT]`, `oneshot AT`, `iterative ROUNDS ROUND_LENGTH`,
    /// `constant`: lengths in epochs (fractions allowed), as a recipe's `schedule` writes them.
    static func schedule(_ arguments: [String], context: CommandContext) -> Result<SparsitySchedule, ArgumentProblem> {
        let kinds = ["agp", "oneshot", "iterative", "constant"]
        let kind = arguments.first ?? ""
        if let problem = RecipeChoice.problem(kind, allowed: kinds) { return .failure(ArgumentProblem(problem.message)) }
        let values = Array(arguments.dropFirst())
        let usage = ["agp": "agp BEGIN END EVERY [EXPONENT]", "oneshot": "oneshot AT", "iterative": "iterative ROUNDS ROUND_LENGTH",
                     "constant": "constant"][kind]!
        let counts = ["agp": 3...4, "oneshot": 1...1, "iterative": 2...2, "constant": 0...0][kind]!
        guard counts.contains(values.count) else { return .failure(ArgumentProblem("expected \(usage) (lengths in epochs), found '\(arguments.joined(separator: " "))'")) }
        var numbers: [Double] = []
        for text in values {
            guard let number = Double(text), number.isFinite, number >= 0 else {
                return .failure(ArgumentProblem("expected a number >= 0 (epochs), found '\(text)'"))
            }
            numbers.append(number)
        }
        func steps(_ epochs: Double) -> Int { Int(min((epochs * Double(context.stepsPerEpoch)).rounded(), 1e15)) }
        let schedule: SparsitySchedule
        switch kind {
        case "constant": schedule = .constant
        case "oneshot": schedule = .oneShot(atStep: steps(numbers[0]))
        case "iterative":
            guard numbers[0] == numbers[0].rounded() else { return .failure(ArgumentProblem("expected a whole number of rounds, found '\(values[0])'")) }
            schedule = .iterative(rounds: Int(numbers[0]), stepsPerRound: steps(numbers[1]))
        default:
            schedule = .polynomial(initial: 0, beginStep: steps(numbers[0]), endStep: steps(numbers[1]), frequency: steps(numbers[2]),
                                   exponent: numbers.count == 4 ? numbers[3] : 3)
        }
        if let problem = schedule.validationError { return .failure(ArgumentProblem(problem)) }
        return .success(schedule)
    }

    /// The candidate within edit distance 2 of `word`, if any.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, MethodRegistry.editDistance($0, word)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2 else { return nil }
        return best.0
    }
}

/// What is wrong with a command's arguments (the parser adds the command's name).
struct ArgumentProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
