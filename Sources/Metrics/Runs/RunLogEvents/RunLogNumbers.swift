/// Numbers by name, as one JSON object whose keys keep the order they were given in (a
/// method's statistics in the method's order, options sorted by name). A value that is not
/// a finite number is written as null, and null values are left out on reading; the order
/// read back is not the file's (JSON objects have none to keep), so readers sort if they
/// need one.
public struct RunLogNumbers: Sendable, Equatable, Codable {
    public var entries: [(name: String, value: Double)]

    public init(_ entries: [(name: String, value: Double)]) {
        self.entries = entries
    }

    public static func == (a: RunLogNumbers, b: RunLogNumbers) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public subscript(name: String) -> Double? { entries.first { $0.name == name }?.value }

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
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, value) in entries { try container.encode(value, forKey: Key(stringValue: name)) }
    }
}
