/// One problem in a recipe: where, which key (dotted path), and what is wrong, phrased
/// as what was expected and what was found.
public struct RecipeDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public var location: RecipeLocation
    public var key: String?
    public var message: String

    public init(_ location: RecipeLocation, key: String?, _ message: String) {
        self.location = location
        self.key = key
        self.message = message
    }

    /// "examples/x.yaml:12:3: schedule.final: expected a number in [0, 1), found 1.5"
    public var description: String {
        "\(location): " + (key.map { "\($0): " } ?? "") + message
    }
}

/// Every problem found in a recipe, reported together, in file order.
public struct RecipeErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [RecipeDiagnostic]

    public init(_ diagnostics: [RecipeDiagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
