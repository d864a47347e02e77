import Yams

/// Where a value came from: a line and column of a recipe file, or a `--set` override.
public enum RecipeLocation: Sendable, Equatable, CustomStringConvertible {
    case file(path: String, line: Int, column: Int)
    case override(String)

    public var description: String {
        switch self {
        case let .file(path, line, column): "\(path):\(line):\(column)"
        case let .override(text): "--set \(text)"
        }
    }
}

/// A recipe's YAML as a plain tree that remembers where each node was written, so every
/// error can point at its line and column, and `--set` can replace any value.
public indirect enum RecipeNode: Sendable, Equatable {
    case scalar(String, RecipeLocation)
    case mapping([Entry], RecipeLocation)
    case sequence([RecipeNode], RecipeLocation)

    public struct Entry: Sendable, Equatable {
        public var key: String
        public var keyLocation: RecipeLocation
        public var value: RecipeNode
    }

    public var location: RecipeLocation {
        switch self {
        case let .scalar(_, location), let .mapping(_, location), let .sequence(_, location): location
        }
    }

    /// Parses YAML text. Syntax errors, duplicate keys and non-string keys are reported
    /// with their positions.
    public static func parse(yaml: String, path: String) throws(RecipeErrors) -> RecipeNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw RecipeErrors([Self.diagnostic(for: error, yaml: yaml, path: path)])
        } catch {
            throw RecipeErrors([RecipeDiagnostic(.file(path: path, line: 1, column: 1), key: nil, "cannot read YAML: \(error)")])
        }
        guard let node else {
            throw RecipeErrors([RecipeDiagnostic(.file(path: path, line: 1, column: 1), key: nil,
                                                 "the recipe is empty; expected a mapping such as 'model: lenet300'")])
        }
        var diagnostics: [RecipeDiagnostic] = []
        var budget = maximumValues
        let tree = convert(node, path: path, budget: &budget, diagnostics: &diagnostics)
        if budget < 0 {
            throw RecipeErrors([RecipeDiagnostic(.file(path: path, line: 1, column: 1), key: nil,
                                                 "expected at most \(maximumValues) values, found more (aliases expanding?); a recipe is small")])
        }
        if !diagnostics.isEmpty { throw RecipeErrors(diagnostics) }
        return tree
    }

    /// Values (scalars, lists, mappings) a recipe may expand to. YAML aliases share a node
    /// that would be copied at each use, so nine nested aliases make 9^9 values ("billion
    /// laughs"): the count stops the copy long before memory runs out.
    public static let maximumValues = 10_000

    private static func location(_ mark: Mark?, _ path: String) -> RecipeLocation {
        .file(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private static func convert(_ node: Node, path: String, budget: inout Int, diagnostics: inout [RecipeDiagnostic]) -> RecipeNode {
        budget -= 1
        guard budget >= 0 else { return .scalar("", location(nil, path)) }
        switch node {
        case let .scalar(scalar):
            return .scalar(scalar.string, location(scalar.mark, path))
        case let .sequence(sequence):
            return .sequence(sequence.map { convert($0, path: path, budget: &budget, diagnostics: &diagnostics) }, location(sequence.mark, path))
        case let .mapping(mapping):
            var entries: [Entry] = []
            for (key, value) in mapping {
                let keyLocation = location(key.mark, path)
                guard case let .scalar(keyScalar) = key else {
                    diagnostics.append(RecipeDiagnostic(keyLocation, key: nil, "expected a plain key such as 'epochs'"))
                    continue
                }
                if entries.contains(where: { $0.key == keyScalar.string }) {
                    diagnostics.append(RecipeDiagnostic(keyLocation, key: keyScalar.string, "duplicate key"))
                    continue
                }
                entries.append(Entry(key: keyScalar.string, keyLocation: keyLocation,
                                     value: convert(value, path: path, budget: &budget, diagnostics: &diagnostics)))
            }
            return .mapping(entries, location(mapping.mark, path))
        case let .alias(alias):
            return .scalar("*" + alias.anchor.rawValue, location(alias.mark, path))
        }
    }

    /// Where a duplicated key is written the second time (Yams reports only the mapping).
    private static func secondOccurrence(of key: String, in yaml: String, after line: Int, path: String) -> RecipeLocation {
        var seen = 0
        for (index, text) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index + 1 >= line {
            let trimmed = text.drop { $0 == " " || $0 == "-" }
            guard trimmed.hasPrefix(key), trimmed.dropFirst(key.count).drop(while: { $0 == " " }).hasPrefix(":") else { continue }
            seen += 1
            if seen == 2 { return .file(path: path, line: index + 1, column: text.count - trimmed.count + 1) }
        }
        return .file(path: path, line: line, column: 1)
    }

    private static func diagnostic(for error: YamlError, yaml: String, path: String) -> RecipeDiagnostic {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return RecipeDiagnostic(.file(path: path, line: mark.line, column: mark.column), key: nil, "YAML syntax: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let key = duplicates.first ?? "?"
            return RecipeDiagnostic(secondOccurrence(of: key, in: yaml, after: context.mark.line, path: path), key: key, "duplicate key")
        default:
            return RecipeDiagnostic(.file(path: path, line: 1, column: 1), key: nil, "YAML: \(error)")
        }
    }
}
