/// What a sparsification method or an optimizer keeps between two training steps, as a
/// checkpoint stores it: values by name. Scalars are one-element lists; a Float goes in
/// as a Double (exactly) and a UInt64 as an Int (bit pattern). An optional value is
/// stored only when present (see `contains`).
public struct MethodCheckpoint: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        /// One array per prunable tensor (or per parameter), e.g. scores or momenta.
        case tensors([[Float]])
        case integers([Int])
        case doubles([Double])
        case flag(Bool)

        var kindName: String {
            switch self {
            case .tensors: "tensors"
            case .integers: "integers"
            case .doubles: "numbers"
            case .flag: "a flag"
            }
        }
    }

    public private(set) var values: [String: Value] = [:]

    public init() {}

    public init(values: [String: Value]) { self.values = values }

    public var isEmpty: Bool { values.isEmpty }

    public func contains(_ key: String) -> Bool { values[key] != nil }

    // MARK: Writing

    public mutating func set(_ key: String, _ tensors: [[Float]]) { values[key] = .tensors(tensors) }
    public mutating func set(_ key: String, _ integers: [Int]) { values[key] = .integers(integers) }
    public mutating func set(_ key: String, _ integer: Int) { values[key] = .integers([integer]) }
    public mutating func set(_ key: String, _ doubles: [Double]) { values[key] = .doubles(doubles) }
    public mutating func set(_ key: String, _ double: Double) { values[key] = .doubles([double]) }
    public mutating func set(_ key: String, _ flag: Bool) { values[key] = .flag(flag) }

    // MARK: Reading, strictly: a missing key, another kind or another size throws

    /// The tensors under `key`, which must have exactly these element counts.
    public func tensors(_ key: String, counts: [Int]) throws -> [[Float]] {
        let tensors = try tensors(key)
        try MethodCheckpointError.check(tensors, key, counts: counts)
        return tensors
    }

    public func tensors(_ key: String) throws -> [[Float]] {
        guard case let .tensors(tensors) = try value(key, expecting: "tensors") else { throw wrongKind(key, "tensors") }
        return tensors
    }

    public func integers(_ key: String) throws -> [Int] {
        guard case let .integers(integers) = try value(key, expecting: "integers") else { throw wrongKind(key, "integers") }
        return integers
    }

    public func integer(_ key: String) throws -> Int { try single(key, integers(key)) }

    public func doubles(_ key: String) throws -> [Double] {
        guard case let .doubles(doubles) = try value(key, expecting: "numbers") else { throw wrongKind(key, "numbers") }
        return doubles
    }

    public func double(_ key: String) throws -> Double { try single(key, doubles(key)) }

    public func float(_ key: String) throws -> Float { Float(try double(key)) }

    public func flag(_ key: String) throws -> Bool {
        guard case let .flag(flag) = try value(key, expecting: "a flag") else { throw wrongKind(key, "a flag") }
        return flag
    }

    private func value(_ key: String, expecting kind: String) throws -> Value {
        guard let value = values[key] else { throw MethodCheckpointError(key: key, problem: "is missing (expected \(kind))") }
        return value
    }

    private func wrongKind(_ key: String, _ expected: String) -> MethodCheckpointError {
        MethodCheckpointError(key: key, problem: "holds \(values[key]?.kindName ?? "nothing"), expected \(expected)")
    }

    private func single<T>(_ key: String, _ list: [T]) throws -> T {
        guard list.count == 1 else { throw MethodCheckpointError(key: key, problem: "holds \(list.count) values, expected one") }
        return list[0]
    }
}

/// A saved state that does not fit what restores it.
public struct MethodCheckpointError: Error, CustomStringConvertible, Equatable {
    public var key: String
    public var problem: String

    public var description: String { "'\(key)' \(problem)" }

    /// Throws unless `tensors` (saved under `key`) have exactly these element counts.
    public static func check(_ tensors: [[Float]], _ key: String, counts: [Int]) throws {
        guard tensors.map(\.count) == counts else {
            throw MethodCheckpointError(key: key, problem: "holds tensors of \(tensors.map(\.count)) values, expected \(counts)")
        }
    }
}
