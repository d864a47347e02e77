/// Numbers by name, as one JSON object whose keys keep the order they were given in (a
/// method's statistics in the method's order, options sorted by name). A value that is not
/// a finite number is written as null, and null values are left out on reading. They read
/// back sorted by name: the decoder does not keep the file's order (a JSON object has none).
public struct RunLogNumbers: Sendable, Equatable, Codable {
    public var entries: [(name: String, value: Double)]

    public init(_ entries: [(name: String, value: Double)]) {
        self.entries = entries
    }

    /// The same numbers by the same names, in any order (as JSON objects compare).
    public static func == (a: RunLogNumbers, b: RunLogNumbers) -> Bool {
        func sorted(_ numbers: RunLogNumbers) -> [(name: String, value: Double)] { numbers.entries.sorted { $0.name < $1.name } }
        return a.entries.count == b.entries.count && zip(sorted(a), sorted(b)).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public subscript(_ name: String) -> Double? { entries.first { $0.name == name }?.value }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        entries = try container.allKeys.compactMap { key in
            try container.decodeIfPresent(Double.self, forKey: key).map { (key.stringValue, $0) }
        }.sorted { $0.name < $1.name }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, value) in entries { try container.encode(value, forKey: Key(stringValue: name)) }
    }
}
