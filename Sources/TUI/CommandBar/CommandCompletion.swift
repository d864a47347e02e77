import Training

/// What Tab offers for the word being typed: command names first, then each command's
/// values (methods, budgets, themes, layer names...).
public enum CommandCompletion {
    /// The words that could stand where the line's last word is being typed.
    public static func candidates(for line: String, context: CommandContext) -> [String] {
        var words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let partial = line.hasSuffix(" ") || line.isEmpty ? "" : words.removeLast()
        let offered: [String]
        switch words.first {
        case nil: offered = CommandTable.names
        case "method" where words.count == 1: offered = MethodRegistry.names + ["next"]
        case "budget" where words.count == 1: offered = LayerBudget.Distribution.names
        case "theme" where words.count == 1: offered = context.themeNames + ["next"]
        case "layer" where words.count == 1: offered = context.layerNames.map(CommandParser.layerName) + ["next", "prev"]
        case "focus" where words.count == 1: offered = PanelID.allCases.map(\.name) + ["next", "prev", "left", "right", "up", "down"]
        case "panel" where words.count == 1: offered = DashboardCommand.PanelChange.allCases.map(\.rawValue)
        case "panel" where words.count == 2: offered = PanelID.allCases.map(\.name)
        case "knob" where words.count == 1: offered = ["next", "prev", "up", "down", "edit"]
        case "pace" where words.count == 1: offered = ["full", "faster", "slower"]
        case "schedule" where words.count == 1: offered = ["agp", "oneshot", "iterative", "constant"]
        default: offered = []
        }
        return offered.filter { $0.hasPrefix(partial) }
    }

    /// The line after Tab: the word completed (and a space after it) when one candidate
    /// fits, else extended to what all candidates share.
    public static func complete(_ line: String, candidates: [String]) -> String {
        guard let first = candidates.first else { return line }
        let stem = line.hasSuffix(" ") || line.isEmpty ? line : String(line[..<(line.lastIndex(of: " ").map { line.index(after: $0) } ?? line.startIndex)])
        if candidates.count == 1 { return stem + first + " " }
        let shared = candidates.dropFirst().reduce(first) { common, word in String(zip(common, word).prefix { $0 == $1 }.map(\.0)) }
        let partialCount = line.count - stem.count
        return shared.count > partialCount ? stem + shared : line
    }
}
