import DashboardModel
import Foundation
import Metrics
import Training

/// Writes a run-log event as one line of JSON the way logs have always read: keys in the
/// order the event's type encodes them (`"event"` first, then its fields in declaration
/// order), an absent optional as `null` (but for `RunLogOmittedKeys`), numbers as
/// `JSONValue` writes them (whole numbers without a fraction, Floats as their shortest
/// decimal, anything not finite as `null`). The recorded frame and the network description
/// are written as `JSONEncoder` writes them, keys sorted, as logs always held them; one that
/// cannot be (a number that is not finite) is written as `null`.
public enum RunLogEncoder {
    /// The event's line, without the line break.
    public static func line(_ event: RunLogEvent) -> String {
        // The events are plain structs of numbers, strings and lists: only the sorted
        // parts can fail, and those become null on their own.
        (try? value(event).rendered) ?? "{}"
    }

    /// Any encodable value as a `JSONValue`, with the same rules.
    public static func value(_ value: some Encodable) throws -> JSONValue {
        let node = Node()
        try JSONValueEncoder(node: node, codingPath: []).encodeValue(value)
        return node.json
    }
}

/// Values written as `JSONEncoder` writes them with sorted keys: they come from other
/// parts of the program (and hold dictionaries, whose order is otherwise random).
protocol RunLogSortedJSON: Encodable {}
extension RecordedFrame: RunLogSortedJSON {}
extension NetworkDescription: RunLogSortedJSON {}

/// A JSON value being built: containers keep their node and fill it as they are written to.
private final class Node {
    enum Kind { case unset, scalar(JSONValue), object, array }
    var kind = Kind.unset
    var members: [(key: String, node: Node)] = []
    var elements: [Node] = []

    var json: JSONValue {
        switch kind {
        case .unset: .null
        case let .scalar(value): value
        case .object: .object(members.map { ($0.key, $0.node.json) })
        case .array: .array(elements.map(\.json))
        }
    }

    func makeObject() {
        if case .object = kind { return }
        kind = .object
        members = []
    }

    func makeArray() {
        if case .array = kind { return }
        kind = .array
        elements = []
    }

    /// The member `key`, replacing one already there.
    func member(_ key: String) -> Node {
        let node = Node()
        if let index = members.firstIndex(where: { $0.key == key }) { members[index].node = node } else { members.append((key, node)) }
        return node
    }

    func element() -> Node {
        let node = Node()
        elements.append(node)
        return node
    }
}

private struct JSONValueEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueContainer(node: node, codingPath: codingPath) }

    /// Scalars directly, sorted values through JSONEncoder, anything else through its own `encode(to:)`.
    func encodeValue(_ value: some Encodable) throws {
        switch value {
        case let value as Double: node.kind = .scalar(.number(value))
        case let value as Float: node.kind = .scalar(.number(value))
        case let value as any BinaryInteger: node.kind = .scalar(Int(exactly: value).map(JSONValue.int) ?? .number(Double(value)))
        case let value as String: node.kind = .scalar(.string(value))
        case let value as Bool: node.kind = .scalar(.bool(value))
        case let value as any RunLogSortedJSON:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            node.kind = .scalar((try? encoder.encode(value)).map { .raw(String(decoding: $0, as: UTF8.self)) } ?? .null)
        default: try value.encode(to: self)
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    private func encoder(for key: Key) -> JSONValueEncoder {
        JSONValueEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
    }

    /// Whether an absent value at `key` is left out rather than written as null.
    private func omitsAbsent(_ key: Key) -> Bool {
        (Key.self as? any RunLogOmittedKeys.Type)?.omittedWhenAbsent.contains(key.stringValue) ?? false
    }

    mutating func encodeNil(forKey key: Key) throws { node.member(key.stringValue).kind = .scalar(.null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try encoder(for: key).encodeValue(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { try encoder(for: key).encodeValue(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try encoder(for: key).encodeValue(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try encoder(for: key).encodeValue(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try encoder(for: key).encodeValue(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try encoder(for: key).encodeValue(value) }

    // Synthesised `encode(to:)` writes optionals through these: null unless the key is omitted.
    private mutating func encodeOptional<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else if !omitsAbsent(key) { try encodeNil(forKey: key) }
    }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encodeOptional(value, forKey: key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encodeOptional(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encodeOptional(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try encodeOptional(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encodeOptional(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try encodeOptional(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try encodeOptional(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try encodeOptional(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try encodeOptional(value, forKey: key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try encodeOptional(value, forKey: key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try encodeOptional(value, forKey: key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try encodeOptional(value, forKey: key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try encodeOptional(value, forKey: key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try encodeOptional(value, forKey: key) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try encodeOptional(value, forKey: key) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder(for: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { encoder(for: key).unkeyedContainer() }
    mutating func superEncoder() -> any Encoder {
        JSONValueEncoder(node: node.member("super"), codingPath: codingPath + [JSONIndexKey(stringValue: "super")])
    }
    mutating func superEncoder(forKey key: Key) -> any Encoder { encoder(for: key) }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int { node.elements.count }

    private func encoder() -> JSONValueEncoder {
        JSONValueEncoder(node: node.element(), codingPath: codingPath + [JSONIndexKey(intValue: node.elements.count)])
    }

    mutating func encodeNil() throws { node.element().kind = .scalar(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encoder().encodeValue(value) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        encoder().container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { encoder().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { encoder() }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.kind = .scalar(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try JSONValueEncoder(node: node, codingPath: codingPath).encodeValue(value)
    }
}

private struct JSONIndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) { (stringValue, self.intValue) = ("\(intValue)", intValue) }
}
