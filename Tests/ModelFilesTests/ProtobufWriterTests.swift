@testable import ModelFiles
import XCTest

/// The wire encoder against the encodings the protobuf documentation gives
/// (protobuf.dev/programming-guides/encoding) and ones worked out by hand from it.
final class ProtobufWriterTests: XCTestCase {
    private func encoded(_ build: (inout ProtobufWriter) -> Void) -> [UInt8] {
        var writer = ProtobufWriter()
        build(&writer)
        return writer.bytes
    }

    func testDocumentedExamples() {
        // "message Test1 { optional int32 a = 1; }" with a = 150.
        XCTAssertEqual(encoded { $0.int(1, 150) }, [0x08, 0x96, 0x01])
        // "message Test2 { optional string b = 2; }" with b = "testing".
        XCTAssertEqual(encoded { $0.string(2, "testing") }, [0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67])
        // "message Test3 { optional Test1 c = 3; }" with c.a = 150.
        XCTAssertEqual(encoded { $0.message(3) { $0.int(1, 150) } }, [0x1A, 0x03, 0x08, 0x96, 0x01])
    }

    func testVarintBoundariesAndNegativeIntegers() {
        XCTAssertEqual(encoded { $0.int(1, 0) }, [0x08, 0x00])
        XCTAssertEqual(encoded { $0.int(1, 127) }, [0x08, 0x7F])
        XCTAssertEqual(encoded { $0.int(1, 128) }, [0x08, 0x80, 0x01])
        XCTAssertEqual(encoded { $0.int(1, 300) }, [0x08, 0xAC, 0x02])
        // int64 -1: ten bytes, two's complement.
        XCTAssertEqual(encoded { $0.int(1, -1) }, [0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
        XCTAssertEqual(encoded { $0.int(1, Int.max) }, [0x08] + [UInt8](repeating: 0xFF, count: 8) + [0x7F])
    }

    func testFieldNumbersAboveFifteenTakeTwoTagBytes() {
        // ONNX's AttributeProto.type is field 20: tag (20 << 3 | 0) = 160 = 0xA0 0x01.
        XCTAssertEqual(encoded { $0.int(20, 7) }, [0xA0, 0x01, 0x07])
    }

    func testFloatsRepeatedFieldsAndBytes() {
        XCTAssertEqual(encoded { $0.float(2, 1) }, [0x15, 0x00, 0x00, 0x80, 0x3F])
        XCTAssertEqual(encoded { $0.float(2, -2.5) }, [0x15, 0x00, 0x00, 0x20, 0xC0])
        XCTAssertEqual(encoded { $0.ints(8, [3, 3]) }, [0x40, 0x03, 0x40, 0x03])
        XCTAssertEqual(encoded { $0.bytes(9, []) }, [0x4A, 0x00])
        XCTAssertEqual(ProtobufWriter.littleEndianBytes([Float(1)]), [0x00, 0x00, 0x80, 0x3F])
        XCTAssertEqual(ProtobufWriter.littleEndianBytes([Int64(-2)]), [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    func testLengthOfALongMessageIsAVarint() {
        let long = encoded { $0.string(1, String(repeating: "x", count: 200)) }
        XCTAssertEqual(Array(long.prefix(3)), [0x0A, 0xC8, 0x01])
        XCTAssertEqual(long.count, 3 + 200)
    }
}
