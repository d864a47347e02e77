import Foundation
import Training

/// Reads a recipe file, applies `--set` overrides, and validates everything before
/// anything runs.
public enum RecipeLoader {
    /// Recipes are small; anything bigger is not one.
    public static let maximumBytes = 1 << 20

    public static func load(path: String, overrides: [String] = []) throws(RecipeErrors) -> Recipe {
        let text = try readText(path: path)
        return try parse(yaml: text, path: path, overrides: overrides)
    }

    public static func parse(yaml: String, path: String, overrides: [String] = []) throws(RecipeErrors) -> Recipe {
        var tree = try RecipeNode.parse(yaml: yaml, path: path)
        var problems: [RecipeDiagnostic] = []
        for text in overrides {
            do { try RecipeOverride(text).apply(to: &tree) } catch { problems += error.diagnostics }
        }
        if !problems.isEmpty { throw RecipeErrors(problems) }
        var reader = RecipeReader()
        let recipe = reader.read(tree)
        if !reader.diagnostics.isEmpty { throw RecipeErrors(reader.diagnostics) }
        return recipe
    }

    static func readText(path: String) throws(RecipeErrors) -> String {
        let start = RecipeLocation.file(path: path, line: 1, column: 1)
        do {
            return try RegularFile.readText(path, limit: maximumBytes)
        } catch {
            throw RecipeErrors([RecipeDiagnostic(start, key: nil, "cannot read the recipe: \(error.description)")])
        }
    }
}
