/// A recipe's `budget:` block with per-tensor sparsities (`distribution: manual`), as text
/// to paste into a recipe, headed by `comments`; and the same as `--set` options.
public struct BudgetFragment: Sendable {
    public var layers: [(name: String, sparsity: Double)]
    public var comments: [String]

    public init(layers: [(name: String, sparsity: Double)], comments: [String]) {
        self.layers = layers
        self.comments = comments
    }

    /// Sparsities to 4 decimals, each below 1 as the schema requires.
    static func value(_ sparsity: Double) -> String { String(format: "%.4f", min(sparsity, 0.9999)) }

    public var yaml: String {
        comments.map { "# " + $0 + "\n" }.joined()
            + "budget:\n  distribution: manual\n  layers:\n"
            + layers.map { "    \($0.name): \(Self.value($0.sparsity))\n" }.joined()
    }

    /// `budget.distribution=manual budget.layers.NAME=S ...` for `--set`.
    public var overrides: [String] {
        ["budget.distribution=manual"] + layers.map { "budget.layers.\($0.name)=\(Self.value($0.sparsity))" }
    }
}
