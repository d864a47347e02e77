import Foundation
import RunLogs
import Training

/// Writes a `.safetensors` file of F32 tensors (and I64 counters such as batch norm's
/// `num_batches_tracked`), in the order given, with string metadata. The header is padded
/// with spaces to a multiple of 8 bytes, as the reference writer does, so the data is aligned.
public struct SafetensorsWriter {
    public enum Values: Sendable, Equatable {
        case float32([Float])
        case int64([Int64])

        var dtype: SafetensorsFile.DType {
            switch self {
            case .float32: .F32
            case .int64: .I64
            }
        }

        var count: Int {
            switch self {
            case let .float32(values): values.count
            case let .int64(values): values.count
            }
        }
    }

    public struct Entry: Sendable, Equatable {
        public var name: String
        public var shape: [Int]
        public var values: Values

        public init(name: String, shape: [Int], values: Values) {
            precondition(shape.reduce(1, *) == values.count, "\(name): \(values.count) values for shape \(shape)")
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    public var entries: [Entry] = []
    public var metadata: [(String, String)] = []

    public init() {}

    public mutating func append(_ name: String, shape: [Int], floats: [Float]) {
        entries.append(Entry(name: name, shape: shape, values: .float32(floats)))
    }

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        precondition(Set(entries.map(\.name)).count == entries.count, "two tensors share a name")
        var members: [(String, JSONValue)] = []
        if !metadata.isEmpty { members.append(("__metadata__", .object(metadata.map { ($0.0, .string($0.1)) }))) }
        var offset = 0
        for entry in entries {
            let bytes = entry.values.count * entry.values.dtype.byteCount
            members.append((entry.name, .object([("dtype", .string(entry.values.dtype.rawValue)),
                                                 ("shape", .array(entry.shape.map(JSONValue.int))),
                                                 ("data_offsets", .array([.int(offset), .int(offset + bytes)]))])))
            offset += bytes
        }
        var header = Array(JSONValue.object(members).rendered.utf8)
        while (8 + header.count) % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        var length = UInt64(header.count).littleEndian
        withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header)
        for entry in entries {
            switch entry.values {
            case let .float32(values):
                for value in values {
                    var bits = value.bitPattern.littleEndian
                    withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
                }
            case let .int64(values):
                for value in values {
                    var bits = value.littleEndian
                    withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
                }
            }
        }
        return bytes
    }

    public func write(to path: String) throws {
        try Data(encoded()).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
