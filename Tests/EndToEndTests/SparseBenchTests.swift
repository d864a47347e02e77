import Foundation
import XCTest

/// `prunetop bench --sparse --json`, as a script reads it.
final class SparseBenchTests: XCTestCase {
    private func benchJSON(_ extra: [String]) throws -> [String: Any] {
        let result = try PrunetopProcess.run(["bench", "--data", "embedded", "--steps", "2", "--repeats", "1", "--json"] + extra)
        XCTAssertEqual(result.status, 0, result.standardError)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    }

    func testSparseAddsTheInferenceSweepAndTheBreakEven() throws {
        let json = try benchJSON(["--sparse"])
        XCTAssertEqual(json["model"] as? String, "lenet300")
        let points = try XCTUnwrap(json["sparse_inference"] as? [[String: Any]])
        XCTAssertEqual(points.map { $0["sparsity"] as? Double }, [0.5, 0.5, 0.8, 0.8, 0.9, 0.9, 0.95, 0.95, 0.98, 0.98, 0.99, 0.99])
        XCTAssertEqual(points.map { $0["batch"] as? Int }, Array(repeating: [1, 128], count: 6).flatMap { $0 })
        for point in points {
            let dense = try XCTUnwrap(point["dense_us"] as? Double), sparse = try XCTUnwrap(point["sparse_us"] as? Double)
            XCTAssertGreaterThan(dense, 0)
            XCTAssertGreaterThan(sparse, 0)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(point["speedup"] as? Double), 1, "never slower: falls back to dense")
            XCTAssertEqual((point["layer_sparsity"] as? [Double])?.count, 3)
        }
        let breakEven = try XCTUnwrap(json["break_even_sparsity"] as? [String: Any])
        XCTAssertEqual(Set(breakEven.keys), ["1", "128"])
        for value in breakEven.values where !(value is NSNull) {
            let sparsity = try XCTUnwrap(value as? Double)
            XCTAssertTrue((0...1).contains(sparsity), "\(sparsity)")
        }
        XCTAssertNotNil(json["sparse_build_us"] as? Double)
    }

    func testWithoutSparseTheOutputIsUnchanged() throws {
        let json = try benchJSON([])
        XCTAssertEqual(Set(json.keys), ["model", "batch", "threads", "samples_per_s", "gflops", "blas_core", "dataset",
                                        "steps", "repeats", "samples_per_s_runs"])
    }

    /// A CNN runs its own evaluation pass with the conv and linear multiplies swapped for CSR
    /// where faster: every layer named, the plan never slower than dense.
    func testSparseMeasuresAConvolutionalNetwork() throws {
        let json = try benchJSON(["--sparse", "--model", "lenet5", "--batch", "16"])
        XCTAssertEqual(json["sparse_path"] as? String, "network")
        let points = try XCTUnwrap(json["sparse_inference"] as? [[String: Any]])
        XCTAssertEqual(points.map { $0["batch"] as? Int }, Array(repeating: [1, 128], count: 6).flatMap { $0 })
        for point in points {
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(point["speedup"] as? Double), 1, "never slower: falls back to dense")
            XCTAssertEqual((point["layer_sparsity"] as? [Double])?.count, 5, "conv1, conv2, fc1, fc2, fc3")
            let sparse = try XCTUnwrap(point["sparse_layers"] as? [String])
            XCTAssertTrue(Set(sparse).isSubset(of: ["conv1", "conv2", "fc1", "fc2", "fc3"]), "\(sparse)")
        }
    }
}
