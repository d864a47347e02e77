@testable import Training
import XCTest

/// A method's `Codable` state through `MethodCheckpointCoding`: exact values, the keys older
/// checkpoints used, and the key named when one is missing.
final class MethodCheckpointCodingTests: XCTestCase {
    private struct Inner: Codable, Equatable {
        var threshold: Float?
        var count: Int
    }

    private struct Sample: Codable, Equatable {
        var floats: [Float]
        var tensors: [[Float]]
        var scalar: Float
        var double: Double
        var seed: UInt64
        var seeds: [UInt64]
        var flag: Bool
        var absent: Int?
        var empty: [Double]
        var inner: [Int: Inner]
    }

    func testValuesComeBackBitForBit() throws {
        let awkward: [Float] = [-0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .infinity, -.infinity,
                                0.1, Float(bitPattern: 0x7FC0_1234), 1 / 3]
        let sample = Sample(floats: awkward, tensors: [awkward, [], [2.5]], scalar: Float(bitPattern: 0x0000_0001),
                            double: 0.1 + 0.2, seed: .max - 12_345, seeds: [0, .max, 1 << 63], flag: true, absent: nil,
                            empty: [], inner: [0: Inner(threshold: .infinity, count: 3), 2: Inner(threshold: nil, count: 4)])
        let saved = MethodCheckpointCoding.encode(sample)
        let back = try MethodCheckpointCoding.decode(Sample.self, from: saved)
        XCTAssertEqual(back.floats.map(\.bitPattern), awkward.map(\.bitPattern))
        XCTAssertEqual(back.tensors.map { $0.map(\.bitPattern) }, sample.tensors.map { $0.map(\.bitPattern) })
        XCTAssertEqual(back.scalar.bitPattern, 1)
        XCTAssertEqual(back.double.bitPattern, (0.1 + 0.2).bitPattern)
        XCTAssertEqual(back.seed, .max - 12_345)
        XCTAssertEqual(back.seeds, sample.seeds)
        XCTAssertEqual(back.inner, sample.inner)
        XCTAssertNil(back.absent)
        XCTAssertEqual(back.empty, [])
    }

    func testFieldsAreTheKeysOfEarlierCheckpoints() {
        let saved = MethodCheckpointCoding.encode(Inner(threshold: 0.5, count: 7))
        XCTAssertEqual(saved, MethodCheckpoint(values: ["threshold": .doubles([0.5]), "count": .integers([7])]))
        let nested = MethodCheckpointCoding.encode(["inner": [3: Inner(threshold: nil, count: 1)]])
        XCTAssertEqual(nested, MethodCheckpoint(values: ["inner.3.count": .integers([1])]), "a nil optional leaves no key")
    }

    func testAMissingFieldIsNamed() {
        XCTAssertThrowsError(try MethodCheckpointCoding.decode(Inner.self, from: MethodCheckpoint(values: ["threshold": .doubles([1])]))) {
            XCTAssertEqual("\($0)", "'count' is missing (expected integers)")
        }
    }
}
