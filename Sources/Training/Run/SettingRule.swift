/// The range a number setting must be in, one rule for every way to give it: the command
/// line, a recipe and a dashboard knob all take the value as given or refuse it with the
/// same words; none clamps it.
public struct SettingRule: Sendable {
    public var lower: Double
    public var upper: Double
    public var lowerOpen = false
    public var upperOpen = false

    /// "a number > 0 and <= 1000000", "a number in [0, 1)".
    public var expected: String {
        if lowerOpen && lower == 0 && !upperOpen { return "a number > 0 and <= \(Format.plain(upper))" }
        return "a number in \(lowerOpen ? "(" : "[")\(Format.plain(lower)), \(Format.plain(upper))\(upperOpen ? ")" : "]")"
    }

    public func contains(_ value: Double) -> Bool {
        value.isFinite && (lowerOpen ? value > lower : value >= lower) && (upperOpen ? value < upper : value <= upper)
    }

    /// A typed value read under the rule: the number, or what was expected and found in
    /// the words a recipe's error uses ("expected a number in [0, 1), found 'abc'").
    /// Recipes and the dashboard's command bar both read values through it.
    public func parse(_ text: String) -> Result<Double, SettingProblem> {
        guard let value = Double(text), value.isFinite else {
            return .failure(SettingProblem(description: "expected \(expected), found \(text.isEmpty ? "nothing" : "'\(text)'")"))
        }
        return problem(value).map { .failure(SettingProblem(description: $0)) } ?? .success(value)
    }

    /// "expected a number in [0, 1), found 1.2", or nil when `value` is inside.
    public func problem(_ value: Double) -> String? {
        contains(value) ? nil : "expected \(expected), found \(Format.plain(value))"
    }
}

public enum SettingRules {
    /// The base learning rate (SGD or Adam).
    public static let learningRate = SettingRule(lower: 0, upper: 1e6, lowerOpen: true)
    /// The final target sparsity over the prunable weights.
    public static let targetSparsity = SettingRule(lower: 0, upper: 1, upperOpen: true)
    /// The dashboard's redraws a second (`--fps`, the config file's `fps`).
    public static let framesPerSecond = SettingRule(lower: 1, upper: 60)
}

/// Why a typed value breaks its `SettingRule`.
public struct SettingProblem: Error, Equatable, CustomStringConvertible {
    public var description: String
}
