import Foundation
import Metrics
@testable import ModelFiles
import XCTest

/// The inspection of safetensors files written here: which tensors are layers, their
/// masks, counts, N:M compliance and storage, and the files it refuses.
final class CheckpointInspectionTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "inspection-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    private func write(_ name: String, _ build: (inout SafetensorsWriter) -> Void) throws -> String {
        var writer = SafetensorsWriter()
        build(&writer)
        let path = directory + "/" + name
        try writer.write(to: path)
        return path
    }

    private let noTiming = CheckpointInspection.Options(patterns: [(2, 4), (1, 4)], operandColumns: nil)

    func testPruneMasksAndPlainZerosAreLayersAndOneDimensionalTensorsAreNot() throws {
        let path = try write("model.safetensors") { writer in
            // a: 2x8, its mask 2:4 in every group; one kept weight is itself 0, so 7 are kept (and that group is 1:4).
            writer.append("a.weight_orig", shape: [2, 8], floats: [1, 2, 3, 4, 5, 6, 7, 8, 0, 2, 3, 4, 5, 6, 7, 8])
            writer.append("a.weight_mask", shape: [2, 8], floats: [1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 0, 1])
            writer.append("a.bias", shape: [2], floats: [0, 1])
            // b: a convolution [2, 4, 1, 1] with three zeros in its first filter.
            writer.append("b.weight", shape: [2, 4, 1, 1], floats: [0, 0, 0, 1, 1, 1, 1, 1])
        }
        let inspection = try CheckpointInspection.inspect(path: path, options: noTiming)
        XCTAssertEqual(inspection.format, .safetensors)
        XCTAssertEqual(inspection.layers.map(\.name), ["a.weight", "b.weight"])
        XCTAssertEqual(inspection.layers.map(\.maskSource), [.torchPruneMask, .zeros])
        XCTAssertEqual(inspection.layers.map(\.keptCount), [7, 5])
        XCTAssertEqual(inspection.layers.map(\.rows), [2, 2])
        XCTAssertEqual(inspection.layers.map(\.columns), [8, 4])
        XCTAssertEqual(inspection.layers[0].nm, [NMCompliance(n: 2, m: 4, groupCount: 4, compliantGroupCount: 4),
                                                 NMCompliance(n: 1, m: 4, groupCount: 4, compliantGroupCount: 1)])
        XCTAssertEqual(inspection.layers[1].nm[0], NMCompliance(n: 2, m: 4, groupCount: 2, compliantGroupCount: 1))
        XCTAssertEqual(inspection.otherTensorCount, 1)
        XCTAssertEqual(inspection.otherParameterCount, 2)
        XCTAssertEqual(inspection.prunableCount, 24)
        XCTAssertEqual(inspection.keptCount, 12)
        XCTAssertEqual(inspection.sparsity, 0.5)
        let dense = try XCTUnwrap(inspection.layers[0].storage.first { $0.format == .dense })
        XCTAssertEqual(dense.bits, 16 * 32)
        let bitmap = try XCTUnwrap(inspection.layers[0].storage.first { $0.format == .bitmap })
        XCTAssertEqual(bitmap.bits, 7 * 32 + 16)
        XCTAssertNil(inspection.speedupAllSparse)
    }

    func testTimedLayersHaveBothTimes() throws {
        let path = try write("timed.safetensors") { writer in
            writer.append("w", shape: [16, 32], floats: (0..<512).map { $0 % 5 == 0 ? Float($0) : 0 })
        }
        let inspection = try CheckpointInspection.inspect(path: path, options: .init(operandColumns: 8))
        let speedup = try XCTUnwrap(inspection.layers.first?.speedup)
        XCTAssertGreaterThan(speedup.denseSeconds, 0)
        XCTAssertGreaterThan(speedup.sparseSeconds, 0)
        XCTAssertEqual(inspection.operandColumns, 8)
        XCTAssertNil(LayerSpeedup.measure(weights: [1], mask: [1], rows: 1, columns: 70_000, operandColumns: 4),
                     "the kernel's column indices are 16-bit")
    }

    func testHalfAPruneParametrisationIsRefusedWithItsKey() throws {
        let orphanMask = try write("mask.safetensors") { $0.append("fc.weight_mask", shape: [2, 2], floats: [1, 0, 0, 1]) }
        let orphanWeight = try write("orig.safetensors") { $0.append("fc.weight_orig", shape: [2, 2], floats: [1, 2, 3, 4]) }
        let mismatch = try write("shape.safetensors") { writer in
            writer.append("fc.weight_orig", shape: [2, 2], floats: [1, 2, 3, 4])
            writer.append("fc.weight_mask", shape: [4], floats: [1, 0, 0, 1])
        }
        let cases = [
            (orphanMask, "'fc.weight_mask': a torch.nn.utils.prune mask without its 'fc.weight_orig'"),
            (orphanWeight, "'fc.weight_orig': a torch.nn.utils.prune weight without its 'fc.weight_mask'"),
            (mismatch, "'fc.weight_mask': shape [4]; expected [2, 2], the shape of 'fc.weight_orig'"),
        ]
        for (path, message) in cases {
            XCTAssertThrowsError(try CheckpointInspection.inspect(path: path, options: noTiming)) { error in
                XCTAssertTrue("\(error)".hasPrefix(path + ", byte "), "\(error)")
                XCTAssertTrue("\(error)".hasSuffix(message), "expected «\(message)» in «\(error)»")
            }
        }
    }

    func testAPicklePointsAtTheConverter() throws {
        let path = directory + "/model.pt"
        try Data([0x80, 0x02, 0x7D, 0x71]).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try CheckpointInspection.inspect(path: path, options: noTiming)) { error in
            XCTAssertEqual("\(error)", "\(path), byte 0: this is a PyTorch pickle (.pt), not safetensors; convert it with "
                           + "`python -m prunetop.convert \(path) OUT.safetensors` (pip install ./python)")
        }
    }

    /// A safetensors header 896 bytes long: its length's first byte is 0x80, as a pickle's
    /// is (safetensors' own writer wrote such a file for a pruned LeNet-5).
    func testASafetensorsHeaderWhoseLengthStartsWith0x80IsNotTakenForAPickle() throws {
        let json = #"{"fc.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#
        let header = Array(json.utf8) + [UInt8](repeating: UInt8(ascii: " "), count: 0x380 - json.utf8.count)
        var bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header
        for value: Float in [0, 1.5, 0, -2] { bytes += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        XCTAssertEqual(bytes[0], 0x80)
        let path = directory + "/lenet.safetensors"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let inspection = try CheckpointInspection.inspect(path: path, options: noTiming)
        XCTAssertEqual(inspection.format, .safetensors)
        XCTAssertEqual(inspection.layers.map(\.name), ["fc.weight"])
        XCTAssertEqual(inspection.layers.map(\.keptCount), [2])
    }
}
