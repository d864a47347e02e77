/// A `--set key.path=value` override: replaces (or adds) one value of the recipe before it
/// is validated, so an override is checked exactly like the file. Under
/// `budget.layers` the rest of the path is one tensor name (`budget.layers.fc1.weight=0.95`).
/// A `method`, `budget` or `data` written as a single name becomes a mapping when an
/// override sets one of its keys (`--set method.alpha=0.5`, `--set data.augment=true`). A value of `~` or `null` removes the key
/// (its default applies), e.g. `--set optimizer.momentum=~` before switching to Adam.
public struct RecipeOverride: Sendable, Equatable {
    public var path: [String]
    public var value: String
    public let text: String

    public init(_ text: String) throws(RecipeErrors) {
        self.text = text
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw RecipeErrors([RecipeDiagnostic(.override(text), key: nil, "expected KEY.PATH=VALUE, e.g. schedule.final=0.95")])
        }
        var path = parts[0].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if path.count > 3, path[0] == "budget", path[1] == "layers" {
            path = ["budget", "layers", path[2...].joined(separator: ".")]
        }
        guard !path.contains(where: \.isEmpty) else {
            throw RecipeErrors([RecipeDiagnostic(.override(text), key: String(parts[0]), "expected dot-separated key names")])
        }
        self.path = path
        value = String(parts[1])
    }

    public func apply(to tree: inout RecipeNode) throws(RecipeErrors) {
        tree = try set(path[...], in: tree, parent: "")
    }

    private static let scalarShorthand = ["method": "name", "budget": "distribution", "data": "source"]

    private func set(_ path: ArraySlice<String>, in node: RecipeNode, parent: String) throws(RecipeErrors) -> RecipeNode {
        guard let key = path.first else { return .scalar(value, .override(text)) }
        let removes = path.count == 1 && ["~", "null"].contains(value)
        let here = parent.isEmpty ? key : parent + "." + key
        var entries: [RecipeNode.Entry]
        var location = node.location
        switch node {
        case let .mapping(existing, mappingLocation):
            entries = existing
            location = mappingLocation
        case let .scalar(name, scalarLocation) where Self.scalarShorthand[parent] != nil:
            entries = [RecipeNode.Entry(key: Self.scalarShorthand[parent]!, keyLocation: scalarLocation,
                                        value: .scalar(name, scalarLocation))]
        default:
            throw RecipeErrors([RecipeDiagnostic(.override(text), key: parent,
                                                 "cannot set '\(key)' inside it: it is a single value, not a mapping")])
        }
        if let index = entries.firstIndex(where: { $0.key == key }) {
            if removes { entries.remove(at: index) } else { entries[index].value = try set(path.dropFirst(), in: entries[index].value, parent: here) }
        } else if !removes {
            let fresh = RecipeNode.mapping([], .override(text))
            entries.append(RecipeNode.Entry(key: key, keyLocation: .override(text),
                                            value: try set(path.dropFirst(), in: fresh, parent: here)))
        }
        return .mapping(entries, location)
    }
}
