import Training

/// What a recipe says of a one-word setting that is not one of its words, and the budget
/// written as one word: shared by the recipe reader and the dashboard's command bar
/// (`CommandParser`), so a bad value gets the same message either way.
public enum RecipeChoice {
    /// What is wrong with a word.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// nil when `word` is one of `allowed`; else "expected one of …, found 'word'", with
    /// "; did you mean '…'?" when one is close.
    public static func problem(_ word: String, allowed: [String]) -> Problem? {
        if allowed.contains(word) { return nil }
        var message = "expected one of \(allowed.joined(separator: ", ")), found '\(word)'"
        if let suggestion = RecipeSchema.suggestion(for: word, among: allowed) { message += "; did you mean '\(suggestion)'?" }
        return Problem(message: message)
    }

    /// The distributions a budget takes by name; `manual` only as a mapping with `layers`.
    public static let budgetDistributions = LayerBudget.Distribution.names + ["manual"]

    /// A budget written as one word (`budget: erk` in a recipe, `budget erk` in the command bar).
    public static func budgetDistribution(_ word: String) -> Result<LayerBudget.Distribution, Problem> {
        if let problem = problem(word, allowed: budgetDistributions) { return .failure(problem) }
        guard word != "manual", let distribution = try? LayerBudget.Distribution.parse(word) else {
            return .failure(Problem(message: "manual needs a mapping with `layers`"))
        }
        return .success(distribution)
    }
}
