import Foundation
import Training

/// A `.safetensors` file (huggingface/safetensors): an 8-byte little-endian header length
/// N, N bytes of JSON (`{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin,
/// end]}, ..., "__metadata__": {string: string}}`), then the tensors' bytes, offsets
/// counted from the end of the header.
///
/// Everything the header claims is checked against the file before anything is
/// allocated from it: the header length against the file size and the format's 100 MB
/// cap, each tensor's bytes against its dtype and shape, the offsets for overlaps, holes
/// and the end of the file. The data is memory-mapped and read one tensor at a time, so
/// memory stays at the largest tensor converted, whatever the file's size.
public final class SafetensorsFile {
    /// The element types of the format; all but the float ones convert to Float exactly
    /// for masks (0/1) and counters, the float ones as IEEE conversions.
    public enum DType: String, Sendable, CaseIterable {
        case F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL

        public var byteCount: Int {
            switch self {
            case .F64, .I64: 8
            case .F32, .I32: 4
            case .F16, .BF16, .I16: 2
            case .I8, .U8, .BOOL: 1
            }
        }
    }

    public struct Tensor: Sendable, Equatable {
        public var name: String
        public var dtype: DType
        public var shape: [Int]
        /// Byte range in the data section (after the header).
        public var dataOffsets: Range<Int>
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The format's own cap on the header (safetensors refuses larger ones too).
    public static let maximumHeaderBytes = 100 * 1024 * 1024

    public let path: String
    /// Tensors in the order of their data.
    public let tensors: [Tensor]
    public let metadata: [String: String]
    /// The file's size in bytes, and where the data section starts.
    public let fileSize: Int
    public let dataStart: Int
    private let mapping: UnsafeRawPointer?
    private let mappedLength: Int

    public init(path: String) throws(SafetensorsError) {
        self.path = path
        func fail(_ offset: Int?, _ key: String?, _ problem: String) -> SafetensorsError {
            SafetensorsError(file: path, offset: offset, key: key, problem: problem)
        }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw fail(nil, nil, "cannot open the file: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw fail(nil, nil, "cannot stat the file: \(String(cString: strerror(errno)))") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw fail(nil, nil, "expected a regular file") }
        let size = Int(status.st_size)
        fileSize = size
        guard size >= 8 else {
            throw fail(0, nil, "expected an 8-byte little-endian header length, the file has \(size) bytes")
        }
        var lengthBytes = [UInt8](repeating: 0, count: 8)
        guard pread(descriptor, &lengthBytes, 8, 0) == 8 else { throw fail(0, nil, "cannot read the header length") }
        let declared = lengthBytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard declared <= UInt64(size - 8) else {
            throw fail(0, nil, "the header length says \(declared) bytes, but only \(Format.grouped(size - 8)) bytes follow it")
        }
        let headerLength = Int(declared)
        guard headerLength <= Self.maximumHeaderBytes else {
            throw fail(0, nil, "the header length says \(Format.grouped(headerLength)) bytes; expected at most 100 MB")
        }
        guard headerLength >= 2 else { throw fail(8, nil, "expected a JSON object as the header, found \(headerLength) bytes") }
        var header = [UInt8](repeating: 0, count: headerLength)
        var filled = 0
        while filled < headerLength {
            let count = header.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, headerLength - filled, off_t(8 + filled)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw fail(8 + filled, nil, "cannot read the header") }
            filled += count
        }
        dataStart = 8 + headerLength
        guard header.first == UInt8(ascii: "{") else {
            throw fail(8, nil, "expected the JSON header to start with '{', found byte 0x\(String(header[0], radix: 16))")
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(header)) as? [String: Any] else {
                throw fail(8, nil, "expected a JSON object as the header")
            }
            object = parsed
        } catch let error as SafetensorsError {
            throw error
        } catch {
            throw fail(8, nil, "the header is not valid JSON (\(headerLength) bytes): \(error.localizedDescription)")
        }

        var metadata: [String: String] = [:]
        var tensors: [Tensor] = []
        for (name, value) in object {
            if name == "__metadata__" {
                guard let entries = value as? [String: Any] else { throw fail(8, name, "expected an object of strings") }
                for (key, entry) in entries {
                    guard let text = entry as? String else { throw fail(8, "__metadata__.\(key)", "expected a string") }
                    metadata[key] = text
                }
                continue
            }
            tensors.append(try Self.tensor(name, value, fail: { fail(8, name, $0) }))
        }
        tensors.sort { ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name) }
        let dataSize = size - dataStart
        var expectedStart = 0
        for (index, tensor) in tensors.enumerated() {
            let range = tensor.dataOffsets
            guard range.upperBound <= dataSize else {
                throw fail(dataStart + range.lowerBound, tensor.name,
                           "data_offsets [\(range.lowerBound), \(range.upperBound)] end past the data section's \(Format.grouped(dataSize)) bytes "
                           + "(the file ends at byte \(Format.grouped(size)))")
            }
            if range.lowerBound < expectedStart, index > 0 {
                let previous = tensors[index - 1]
                throw fail(dataStart + range.lowerBound, tensor.name,
                           "data_offsets [\(range.lowerBound), \(range.upperBound)] overlap '\(previous.name)' "
                           + "[\(previous.dataOffsets.lowerBound), \(previous.dataOffsets.upperBound)]")
            }
            guard range.lowerBound == expectedStart else {
                throw fail(dataStart + expectedStart, tensor.name,
                           "data_offsets start at \(range.lowerBound); expected \(expectedStart), where the previous tensor ends (no holes)")
            }
            expectedStart = range.upperBound
        }
        guard expectedStart == dataSize else {
            throw fail(dataStart + expectedStart, nil,
                       "the tensors' data ends at byte \(Format.grouped(dataStart + expectedStart)) but the file has \(Format.grouped(size)) bytes")
        }
        self.tensors = tensors
        self.metadata = metadata
        if dataSize > 0 {
            let address = mmap(nil, dataSize + dataStart, PROT_READ, MAP_PRIVATE, descriptor, 0)
            guard let address, address != MAP_FAILED else {
                throw fail(nil, nil, "cannot map the file: \(String(cString: strerror(errno)))")
            }
            mapping = UnsafeRawPointer(address)
            mappedLength = dataSize + dataStart
        } else {
            mapping = nil
            mappedLength = 0
        }
    }

    deinit {
        if let mapping { munmap(UnsafeMutableRawPointer(mutating: mapping), mappedLength) }
    }

    private static func tensor(_ name: String, _ value: Any, fail: (String) -> SafetensorsError) throws(SafetensorsError) -> Tensor {
        guard let entry = value as? [String: Any] else { throw fail("expected an object with dtype, shape and data_offsets") }
        guard let dtypeName = entry["dtype"] as? String else { throw fail("expected a string dtype") }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw fail("dtype \(dtypeName) is not supported; expected one of \(DType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let shapeValues = entry["shape"] as? [Any] else { throw fail("expected shape, a list of integers") }
        var shape: [Int] = []
        var count = 1
        for dimension in shapeValues {
            guard let number = dimension as? NSNumber, let value = Int(exactly: number.doubleValue), value >= 0,
                  number.doubleValue == number.doubleValue.rounded() else {
                throw fail("shape \(shapeValues): expected non-negative integers")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: value)
            guard !overflow, product <= Int(Int32.max) * 64 else { throw fail("shape \(shapeValues) has an absurd number of elements") }
            count = product
            shape.append(value)
        }
        guard let offsets = entry["data_offsets"] as? [Any], offsets.count == 2,
              let begin = (offsets[0] as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }),
              let end = (offsets[1] as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }), begin >= 0, begin <= end else {
            throw fail("expected data_offsets [begin, end] with 0 <= begin <= end, found \(entry["data_offsets"].map { "\($0)" } ?? "none")")
        }
        guard end - begin == count * dtype.byteCount else {
            throw fail("data_offsets [\(begin), \(end)] hold \(end - begin) bytes; shape \(shape) of \(dtype.rawValue) needs \(count * dtype.byteCount)")
        }
        return Tensor(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    public func tensor(named name: String) -> Tensor? { tensors.first { $0.name == name } }

    /// The tensor's values as Float (F64 rounded, F16 and BF16 widened, integers and
    /// booleans converted).
    public func floats(_ tensor: Tensor) -> [Float] {
        let count = tensor.elementCount
        guard count > 0, let mapping else { return [] }
        let base = mapping + dataStart + tensor.dataOffsets.lowerBound
        let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            switch tensor.dtype {
            case .F32: for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            case .F64: for i in 0..<count { out[i] = Float(Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
            case .F16: for i in 0..<count { out[i] = Self.halfToFloat(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
            case .BF16: for i in 0..<count { out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16) }
            case .I64: for i in 0..<count { out[i] = Float(Int64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
            case .I32: for i in 0..<count { out[i] = Float(Int32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
            case .I16: for i in 0..<count { out[i] = Float(Int16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
            case .I8: for i in 0..<count { out[i] = Float(base.load(fromByteOffset: i, as: Int8.self)) }
            case .U8, .BOOL: for i in 0..<count { out[i] = Float(base.load(fromByteOffset: i, as: UInt8.self)) }
            }
            initialized = count
        }
        releasePages(of: tensor)
        return values
    }

    /// Drops the tensor's pages from memory once converted: a file read from start to end
    /// then keeps at most one tensor's pages resident, not the whole file's.
    private func releasePages(of tensor: Tensor) {
        guard let mapping else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let begin = dataStart + tensor.dataOffsets.lowerBound, end = dataStart + tensor.dataOffsets.upperBound
        let first = (begin + page - 1) / page * page, last = end / page * page
        guard last > first else { return }
        madvise(UnsafeMutableRawPointer(mutating: mapping + first), last - first, MADV_DONTNEED)
    }

    /// IEEE 754 binary16 to binary32, subnormals, infinities and NaN included.
    static func halfToFloat(_ bits: UInt16) -> Float {
        let sign = UInt32(bits >> 15) << 31
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:
            let magnitude = Float(fraction) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 31:
            return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
        default:
            return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | fraction << 13)
        }
    }
}

/// Why a safetensors file cannot be read: the file, where (a byte offset in the file, a
/// tensor's key), and what was expected there.
public struct SafetensorsError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var offset: Int?
    public var key: String?
    public var problem: String

    public var description: String {
        var place = file
        if let offset { place += ", byte \(Format.grouped(offset))" }
        if let key { place += ", '\(key)'" }
        return "\(place): \(problem)"
    }
}
