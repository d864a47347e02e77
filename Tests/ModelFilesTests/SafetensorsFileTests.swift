import Foundation
@testable import ModelFiles
import XCTest

/// The safetensors reader on good files and on each kind of bad one, with its precise error.
final class SafetensorsFileTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "safetensors-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    private func path(_ name: String) -> String { directory + "/" + name }

    /// A file of `header` (JSON text) and `data`, with the header length as given or its own.
    private func file(_ name: String, header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) throws -> String {
        var bytes: [UInt8] = []
        var length = (declaredLength ?? UInt64(header.utf8.count)).littleEndian
        withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
        bytes += Array(header.utf8) + data
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    private func floatBytes(_ values: [Float]) -> [UInt8] { ProtobufWriter.littleEndianBytes(values) }

    private func refusal(_ path: String, file: StaticString = #filePath, line: UInt = #line) -> SafetensorsError? {
        do {
            _ = try SafetensorsFile(path: path)
            XCTFail("\(path) was read", file: file, line: line)
            return nil
        } catch { return error }
    }

    func testWriterOutputReadsBackWithMetadataShapesAndValues() throws {
        var writer = SafetensorsWriter()
        writer.append("fc1.weight_orig", shape: [2, 3], floats: [1, -2, 0, 3.5, 0, 6])
        writer.append("fc1.weight_mask", shape: [2, 3], floats: [1, 1, 0, 1, 0, 1])
        writer.entries.append(.init(name: "bn.num_batches_tracked", shape: [], values: .int64([42])))
        writer.metadata = [("format", "pt"), ("note", "quote \" and newline \n")]
        try writer.write(to: path("a.safetensors"))
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path("a.safetensors"))))
        let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8
        XCTAssertEqual((8 + headerLength) % 8, 0, "the data starts 8-byte aligned")

        let file = try SafetensorsFile(path: path("a.safetensors"))
        XCTAssertEqual(file.metadata, ["format": "pt", "note": "quote \" and newline \n"])
        XCTAssertEqual(file.tensors.map(\.name), ["fc1.weight_orig", "fc1.weight_mask", "bn.num_batches_tracked"])
        XCTAssertEqual(file.tensors.map(\.dtype), [.F32, .F32, .I64])
        XCTAssertEqual(file.tensors.map(\.shape), [[2, 3], [2, 3], []])
        XCTAssertEqual(file.floats(file.tensors[0]), [1, -2, 0, 3.5, 0, 6])
        XCTAssertEqual(file.floats(file.tensors[1]), [1, 1, 0, 1, 0, 1])
        XCTAssertEqual(file.floats(file.tensors[2]), [42])
    }

    func testHalfBFloatDoubleAndIntegerTensorsConvert() throws {
        // F16: 1, -2, 65504 (largest), 2^-24 (smallest subnormal); BF16: 1.5, -0.5; F64: 0.25; BOOL: true, false.
        let f16: [UInt8] = [0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B, 0x01, 0x00]
        let bf16: [UInt8] = [0xC0, 0x3F, 0x00, 0xBF]
        var f64 = (0.25).bitPattern.littleEndian
        let f64Bytes = withUnsafeBytes(of: &f64) { Array($0) }
        let header = #"{"h":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]},"#
            + #""d":{"dtype":"F64","shape":[1],"data_offsets":[12,20]},"m":{"dtype":"BOOL","shape":[2],"data_offsets":[20,22]}}"#
        let file = try SafetensorsFile(path: try self.file("t.safetensors", header: header, data: f16 + bf16 + f64Bytes + [1, 0]))
        XCTAssertEqual(file.floats(file.tensor(named: "h")!), [1, -2, 65504, 0x1p-24])
        XCTAssertEqual(file.floats(file.tensor(named: "b")!), [1.5, -0.5])
        XCTAssertEqual(file.floats(file.tensor(named: "d")!), [0.25])
        XCTAssertEqual(file.floats(file.tensor(named: "m")!), [1, 0])
        XCTAssertTrue(SafetensorsFile.halfToFloat(0x7C00).isInfinite)
        XCTAssertTrue(SafetensorsFile.halfToFloat(0x7E00).isNaN)
    }

    func testHeaderClaimingHundredGigabytesIsRefusedBeforeAllocating() throws {
        let path = try file("huge.safetensors", header: "{}", declaredLength: 100 << 30)
        XCTAssertEqual(refusal(path)?.description,
                       "\(path), byte 0: the header length says 107374182400 bytes, but only 2 bytes follow it")
    }

    func testHeaderOverTheFormatsCapIsRefused() throws {
        // A sparse file of 101 MB whose header length claims all of it: the cap refuses it unread.
        let path = path("cap.safetensors")
        let size = 101 * 1024 * 1024
        var length = UInt64(size - 8).littleEndian
        try Data(withUnsafeBytes(of: &length) { Array($0) }).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(truncate(path, off_t(size)), 0)
        XCTAssertEqual(refusal(path)?.description, "\(path), byte 0: the header length says 105,906,168 bytes; expected at most 100 MB")
    }

    func testTensorClaimingHundredGigabytesIsRefused() throws {
        let header = #"{"w":{"dtype":"F32","shape":[25000000000],"data_offsets":[0,100000000000]}}"#
        let path = try file("big.safetensors", header: header, data: floatBytes([1]))
        XCTAssertEqual(refusal(path)?.description, "\(path), byte \(8 + header.utf8.count), 'w': data_offsets [0, 100000000000] "
                       + "end past the data section's 4 bytes (the file ends at byte \(8 + header.utf8.count + 4))")
    }

    func testMalformedFilesSayWhereAndWhat() throws {
        let two = floatBytes([1, 2])
        let cases: [(String, String, [UInt8], String)] = [
            ("short", "", [], "byte 0: expected an 8-byte little-endian header length, the file has 8 bytes"),
            ("notjson", "{nope}", [], "byte 8: the header is not valid JSON (6 bytes)"),
            ("array", "[1, 2]", [], "byte 8: expected the JSON header to start with '{', found byte 0x5b"),
            ("dtype", #"{"w":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}"#, [0, 0],
             "byte 8, 'w': dtype F8_E4M3 is not supported; expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL"),
            ("shape", #"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, two,
             "byte 8, 'w': shape [-2]: expected non-negative integers"),
            ("size", #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, two,
             "byte 8, 'w': data_offsets [0, 8] hold 8 bytes; shape [3] of F32 needs 12"),
            ("reversed", #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, two,
             "byte 8, 'w': expected data_offsets [begin, end] with 0 <= begin <= end"),
            ("overlap", #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, two,
             "'b': data_offsets [4, 8] overlap 'a' [0, 8]"),
            ("hole", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, two,
             "'a': data_offsets start at 4; expected 0, where the previous tensor ends (no holes)"),
            ("trailing", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, two,
             "the tensors' data ends at byte"),
            ("metadata", #"{"__metadata__":{"k":3}}"#, [], "byte 8, '__metadata__.k': expected a string"),
        ]
        for (name, header, data, expected) in cases {
            let path = name == "short" ? try file(name, header: "", data: [], declaredLength: 0) : try file(name, header: header, data: data)
            if name == "short" { try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path)) }
            let message = refusal(path)?.description ?? ""
            let wanted = name == "short" ? expected.replacingOccurrences(of: "has 8 bytes", with: "has 3 bytes") : expected
            XCTAssertTrue(message.hasPrefix(path), "\(name): \(message)")
            XCTAssertTrue(message.contains(wanted), "\(name): expected «\(wanted)» in «\(message)»")
        }
    }

    func testOverlapNamesTheFileOffsetOfTheLaterTensor() throws {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        let path = try file("o.safetensors", header: header, data: floatBytes([1, 2]))
        let error = try XCTUnwrap(refusal(path))
        XCTAssertEqual(error.key, "b")
        XCTAssertEqual(error.offset, 8 + header.utf8.count + 4)
    }

    func testMissingFileAndDirectory() throws {
        XCTAssertEqual(refusal(path("missing"))?.description, "\(path("missing")): cannot open the file: No such file or directory")
        XCTAssertEqual(refusal(directory)?.description, "\(directory): expected a regular file")
    }
}
