/// A method's documented parameter.
public struct MethodOption: Sendable, Equatable {
    public var name: String
    public var defaultValue: Double
    public var range: ClosedRange<Double>
    /// Counts, steps and choices: a fractional value is refused, not rounded.
    public var isInteger: Bool
    public var help: String

    public init(_ name: String, default defaultValue: Double, range: ClosedRange<Double>, integer: Bool = false,
                _ help: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.range = range
        isInteger = integer
        self.help = help
    }

    public var rangeDescription: String {
        isInteger ? "an integer from \(Int(range.lowerBound)) to \(Int(range.upperBound))"
            : "a number in [\(Format.plain(range.lowerBound)), \(Format.plain(range.upperBound))]"
    }

    public func accepts(_ value: Double) -> Bool {
        range.contains(value) && (!isInteger || value == value.rounded())
    }
}

/// A method's parameter values, defaults filled in.
public struct MethodOptions: Sendable {
    public var values: [String: Double]
    public let descriptor: MethodDescriptor

    public subscript(_ name: String) -> Double {
        guard let option = descriptor.option(named: name) else {
            preconditionFailure("\(descriptor.name) has no option \(name)")
        }
        return values[name] ?? option.defaultValue
    }

    public func integer(_ name: String) -> Int { Int(self[name].rounded()) }
}

/// Everything the registry knows about a method: its name in recipes and on screen, a
/// one-line summary, its options and its defaults.
public struct MethodDescriptor: Sendable {
    public let name: String
    public let summary: String
    public let options: [MethodOption]
    public let defaultBudget: LayerBudget
    public let defaultGranularity: Granularity
    /// False for methods that choose single weights themselves (SET, RigL, DropBack,
    /// SWAT): a structured granularity is refused rather than silently ignored.
    public let honorsGranularity: Bool
    /// Problems between options (e.g. N > M), each as "option: problem".
    public let validate: @Sendable (MethodOptions) -> [String]
    /// (total steps, steps per epoch) -> the schedule used when none is given.
    public let defaultSchedule: @Sendable (Int, Int) -> SparsitySchedule
    public let make: @Sendable (MethodOptions) -> any SparsityMethod

    public init(name: String, summary: String, options: [MethodOption] = [],
                defaultBudget: LayerBudget = LayerBudget(.global), defaultGranularity: Granularity = .weights,
                honorsGranularity: Bool = true,
                defaultSchedule: @escaping @Sendable (Int, Int) -> SparsitySchedule = { _, _ in .constant },
                validate: @escaping @Sendable (MethodOptions) -> [String] = { _ in [] },
                make: @escaping @Sendable (MethodOptions) -> any SparsityMethod) {
        self.name = name
        self.summary = summary
        self.options = options
        self.defaultBudget = defaultBudget
        self.defaultGranularity = defaultGranularity
        self.honorsGranularity = honorsGranularity
        self.validate = validate
        self.defaultSchedule = defaultSchedule
        self.make = make
    }

    public func option(named name: String) -> MethodOption? { options.first { $0.name == name } }
}

/// Names used in recipes, on the command line and on screen, mapped to methods.
public enum MethodRegistry {
    public static let all: [MethodDescriptor] = [
        DenseMethod.descriptor, MagnitudeMethod.descriptor, RandomMethod.descriptor,
    ] + pruningAtInitialization + dynamicSparseTraining + phasedAndStructured

    public static var names: [String] { all.map(\.name) }

    public static func descriptor(named name: String) -> MethodDescriptor? { all.first { $0.name == name } }

    public static func unknownMethodMessage(_ name: String) -> String {
        var message = "unknown method '\(name)'"
        if let suggestion = closestName(to: name) { message += "; did you mean '\(suggestion)'?" }
        return message + " (methods: \(names.joined(separator: ", ")))"
    }

    /// The registered name within edit distance 2, if any.
    static func closestName(to name: String) -> String? {
        let scored = names.map { ($0, editDistance($0, name.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2 else { return nil }
        return best.0
    }

    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
