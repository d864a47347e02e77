import Foundation

/// A run log's or a sweep table's lines, each decoded as a `RunLogEvent`: what every reader
/// reads. A line that is not a JSON object, a value of the wrong type and a log of a newer
/// schema are errors at their line, naming the key; but for a last line cut off while it
/// was written (no line break at the end and not JSON: a full disk, a file-size limit or a
/// kill mid-write), which is left out and reported in `incompleteLastLine`.
struct RunLogLines {
    var lines: [RunLogLine] = []
    var incompleteLastLine: Int?

    init(text: String, path: String) throws {
        let texts = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in texts.enumerated() where !line.isEmpty {
            let number = index + 1
            do {
                lines.append(try Self.decode(line, number: number, path: path))
            } catch let error as RunLogError where error.problem == Self.notAnObject && index == texts.count - 1 {
                incompleteLastLine = number
                return
            }
        }
    }

    static let notAnObject = "expected one JSON object per line"

    /// One whole line (without its line break), or an error naming the line and the key.
    static func decode(_ line: Substring, number: Int, path: String) throws -> RunLogLine {
        let data = Data(line.utf8)
        do {
            return RunLogLine(path: path, number: number, event: try JSONDecoder().decode(RunLogEvent.self, from: data))
        } catch let error as DecodingError {
            guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
                throw RunLogError(path: path, line: number, problem: notAnObject)
            }
            throw RunLogError(path: path, line: number, problem: Self.problem(error))
        } catch let error as RunLogSchemaError {
            throw RunLogError(path: path, line: number, problem: error.description)
        }
    }

    /// A decoding error in a JSON object as "where: what": "layers[3].shape[1]: expected
    /// an integer", "frame.flops: missing".
    static func problem(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, context): "\(path(context.codingPath + [key])): missing"
        case let .typeMismatch(type, context): "\(path(context.codingPath)): expected \(noun(type))"
        case let .valueNotFound(type, context): "\(path(context.codingPath)): expected \(noun(type)), found null"
        // JSONDecoder (on Linux) calls a JSON object "not valid JSON", without saying where,
        // when a number does not fit its key's type.
        case let .dataCorrupted(context) where context.codingPath.isEmpty:
            "a number does not fit its key (a fraction where an integer belongs, or out of range)"
        case let .dataCorrupted(context): "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return text.isEmpty ? "the line" : String(text.drop { $0 == "." })
    }

    private static func noun(_ type: Any.Type) -> String {
        switch type {
        case is any BinaryInteger.Type: "an integer"
        case is any BinaryFloatingPoint.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        case is [String: Any].Type: "an object"
        default: "\(type)"
        }
    }
}

/// One decoded line, with checks of its values that throw errors naming the file, the line
/// and the key, as every reader's do.
struct RunLogLine {
    let path: String
    let number: Int
    let event: RunLogEvent

    func error(_ problem: String) -> RunLogError { RunLogError(path: path, line: number, problem: problem) }

    /// A value the reader needs: "epoch: expected a number" when the line has none.
    func required<T>(_ value: T?, _ key: String, _ expected: String) throws -> T {
        guard let value else { throw error("\(key): expected \(expected)") }
        return value
    }

    /// A step or a count: an integer >= 0.
    func count(_ value: Int, _ key: String) throws -> Int {
        guard value >= 0 else { throw error("\(key): expected an integer >= 0, found \(value)") }
        return value
    }

    /// An optional count: nil when absent, else an integer >= 0.
    func count(_ value: Int?, _ key: String) throws -> Int? {
        try value.map { try count($0, key) }
    }

    /// A sparsity or an accuracy the reader needs: a number in [0, 1].
    func fraction(required value: Double?, _ key: String) throws -> Double {
        try fraction(try required(value, key, "a number"), key)!
    }

    /// An optional sparsity or accuracy: nil when absent or null (as logs have `null` for
    /// an accuracy not measured), else a number in [0, 1].
    func fraction(_ value: Double?, _ key: String) throws -> Double? {
        guard let value else { return nil }
        guard (0...1).contains(value) else { throw error("\(key): expected a number in [0, 1], found \(value)") }
        return value
    }
}
