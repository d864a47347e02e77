/// Encodes a `Codable` value (a method's state) into a `MethodCheckpoint` and back, so that a
/// method declares what it keeps as one struct instead of writing and reading each field
/// under a key of its own. A field becomes a key ("scores"), a nested value's fields keys
/// under its name ("activations.0.threshold"), a nil optional no key at all. Numbers,
/// flags and float tensors map onto `MethodCheckpoint`'s values exactly as they are stored:
/// a Float as a Double (exact), a UInt64 as the Int of its bit pattern. Other kinds of
/// values (strings, arrays of structs) are not supported: a method's state is made of
/// counters, scores and flags.
enum MethodCheckpointCoding {
    static func encode<T: Encodable>(_ value: T) -> MethodCheckpoint {
        let storage = Storage()
        do {
            try value.encode(to: FlatEncoder(storage: storage, prefix: ""))
        } catch {
            preconditionFailure("\(T.self) cannot be saved: \(error)")
        }
        return MethodCheckpoint(values: storage.values)
    }

    /// Throws a `MethodCheckpointError` naming the key that is missing or holds another kind of value.
    static func decode<T: Decodable>(_ type: T.Type, from state: MethodCheckpoint) throws -> T {
        try T(from: FlatDecoder(state: state, prefix: ""))
    }

    /// The saved value of a field of one of the kinds a `MethodCheckpoint` holds, nil for a
    /// nested value. By type, not by cast: an empty array casts to every array type.
    fileprivate static func value<T>(_ value: T) -> MethodCheckpoint.Value? {
        if T.self == Bool.self { return .flag(value as! Bool) }
        if T.self == Int.self { return .integers([value as! Int]) }
        if T.self == UInt64.self { return .integers([Int(truncatingIfNeeded: value as! UInt64)]) }
        if T.self == Double.self { return .doubles([value as! Double]) }
        if T.self == Float.self { return .doubles([Double(value as! Float)]) }
        if T.self == [Int].self { return .integers(value as! [Int]) }
        if T.self == [UInt64].self { return .integers((value as! [UInt64]).map { Int(truncatingIfNeeded: $0) }) }
        if T.self == [Double].self { return .doubles(value as! [Double]) }
        if T.self == [Float].self { return .doubles((value as! [Float]).map(Double.init)) }
        if T.self == [[Float]].self { return .tensors(value as! [[Float]]) }
        return nil
    }

    /// The field `key` of `state`, when `T` is one of the kinds a `MethodCheckpoint` holds.
    fileprivate static func field<T>(_ type: T.Type, _ key: String, in state: MethodCheckpoint) throws -> T? {
        let value: Any
        if T.self == Bool.self { value = try state.flag(key) }
        else if T.self == Int.self { value = try state.integer(key) }
        else if T.self == UInt64.self { value = UInt64(truncatingIfNeeded: try state.integer(key)) }
        else if T.self == Double.self { value = try state.double(key) }
        else if T.self == Float.self { value = try state.float(key) }
        else if T.self == [Int].self { value = try state.integers(key) }
        else if T.self == [UInt64].self { value = try state.integers(key).map { UInt64(truncatingIfNeeded: $0) } }
        else if T.self == [Double].self { value = try state.doubles(key) }
        else if T.self == [Float].self { value = try state.doubles(key).map { Float($0) } }
        else if T.self == [[Float]].self { value = try state.tensors(key) }
        else { return nil }
        return (value as! T)
    }

    fileprivate final class Storage {
        var values: [String: MethodCheckpoint.Value] = [:]
    }

    fileprivate struct Unsupported: Error, CustomStringConvertible {
        var description: String
    }
}

private struct FlatEncoder: Encoder {
    let storage: MethodCheckpointCoding.Storage
    let prefix: String
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(FlatKeyedEncoder<Key>(storage: storage, prefix: prefix))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        preconditionFailure("'\(prefix)': a saved state holds no arrays of values other than numbers and float tensors")
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        preconditionFailure("'\(prefix)': a saved state holds no values of this kind")
    }
}

private struct FlatKeyedEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let storage: MethodCheckpointCoding.Storage
    let prefix: String
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws {}

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let name = prefix + key.stringValue
        if let saved = MethodCheckpointCoding.value(value) {
            storage.values[name] = saved
        } else {
            try value.encode(to: FlatEncoder(storage: storage, prefix: name + "."))
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(FlatKeyedEncoder<NestedKey>(storage: storage, prefix: prefix + key.stringValue + "."))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        FlatEncoder(storage: storage, prefix: prefix + key.stringValue).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { FlatEncoder(storage: storage, prefix: prefix) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        FlatEncoder(storage: storage, prefix: prefix + key.stringValue + ".")
    }
}

private struct FlatDecoder: Decoder {
    let state: MethodCheckpoint
    let prefix: String
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(FlatKeyedDecoder<Key>(state: state, prefix: prefix))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw MethodCheckpointCoding.Unsupported(description: "'\(prefix)': a saved state holds no arrays of this kind")
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw MethodCheckpointCoding.Unsupported(description: "'\(prefix)': a saved state holds no values of this kind")
    }
}

private struct FlatKeyedDecoder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let state: MethodCheckpoint
    let prefix: String
    var codingPath: [any CodingKey] { [] }

    /// The fields under `prefix`: the first component of every key below it.
    var allKeys: [Key] {
        let names = state.values.keys.compactMap { key -> Substring? in
            guard key.hasPrefix(prefix) else { return nil }
            return key.dropFirst(prefix.count).split(separator: ".", maxSplits: 1).first
        }
        return Set(names).sorted().compactMap { Key(stringValue: String($0)) }
    }

    func contains(_ key: Key) -> Bool {
        let name = prefix + key.stringValue
        return state.contains(name) || state.values.keys.contains { $0.hasPrefix(name + ".") }
    }

    func decodeNil(forKey key: Key) throws -> Bool { !contains(key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let name = prefix + key.stringValue
        if let value = try MethodCheckpointCoding.field(type, name, in: state) { return value }
        return try T(from: FlatDecoder(state: state, prefix: name + "."))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type,
                                               forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(FlatKeyedDecoder<NestedKey>(state: state, prefix: prefix + key.stringValue + "."))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try FlatDecoder(state: state, prefix: prefix + key.stringValue).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { FlatDecoder(state: state, prefix: prefix) }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        FlatDecoder(state: state, prefix: prefix + key.stringValue + ".")
    }
}
