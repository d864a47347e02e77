import Foundation
import Metrics
import RunLogs
import SparseKernels
import Training

/// `prunetop bench --sparse`: lenet300 inference timed with the sparse kernel against dense
/// BLAS, on global-magnitude masks of the model's current weights, over a sparsity grid, at
/// batch 1 and 128. The reported sparsities are also the points from which the break-even
/// sparsity is interpolated, with 60%, 70% and 85% added. The break-even measured here is
/// near 80%; one below 50% would be reported as 50%, the lowest point (near-dense sparse
/// products cost seconds in a debug build, for no information).
struct SparseInferenceSweep {
    static let reportedSparsities = [0.5, 0.8, 0.9, 0.95, 0.98, 0.99]
    static let breakEvenGrid = [0.6, 0.7, 0.85]
    static let batches = [1, 128]

    struct Point {
        var sparsity: Double
        var measurement: SparseInferenceMeasurement
    }

    var points: [Point] = []

    init(model: Model, settings: SparseInferenceBenchmark.Settings) throws {
        let snapshot = model.parameters.map { LayerSnapshot(parameter: $0) }
        for sparsity in (Self.breakEvenGrid + Self.reportedSparsities).sorted() {
            let network = try SparseInferenceNetwork(layers: GlobalMagnitudeMasks.prune(snapshot, sparsity: sparsity))
            for batch in Self.batches {
                points.append(Point(sparsity: sparsity,
                                    measurement: SparseInferenceBenchmark.measure(network: network, batch: batch, settings: settings)))
            }
        }
    }

    /// Where the sparse kernel on every layer starts to beat dense, per batch size.
    func breakEvenSparsity(batch: Int) -> Double? {
        SparseInferenceBenchmark.breakEvenSparsity(points.filter { $0.measurement.batch == batch }.map {
            (sparsity: $0.sparsity, speedup: $0.measurement.allSparseSpeedup)
        })
    }

    var reported: [Point] { points.filter { Self.reportedSparsities.contains($0.sparsity) } }

    var json: [(String, JSONValue)] {
        func microseconds(_ seconds: Double) -> JSONValue { .number((seconds * 1e7).rounded() / 10) }
        func rounded(_ value: Double, _ digits: Double = 1000) -> JSONValue { .number((value * digits).rounded() / digits) }
        let builds = points.map(\.measurement.buildSeconds).sorted()
        return [
            ("sparse_inference", .array(reported.map { point in
                let m = point.measurement
                return .object([
                    ("sparsity", .number(point.sparsity)), ("batch", .int(m.batch)),
                    ("speedup", rounded(m.speedup)), ("dense_us", microseconds(m.denseSeconds)),
                    ("sparse_us", microseconds(m.sparseSeconds)), ("all_sparse_speedup", rounded(m.allSparseSpeedup)),
                    ("sparse_layers", .array(zip(m.layerNames, m.usesSparse).filter(\.1).map { .string($0.0) })),
                    ("layer_sparsity", .array(m.layerSparsities.map { rounded($0, 10_000) })),
                ])
            })),
            ("break_even_sparsity", .object(Self.batches.map { ("\($0)", .optional(breakEvenSparsity(batch: $0).map { ($0 * 1000).rounded() / 1000 })) })),
            ("sparse_build_us", microseconds(builds[builds.count / 2])),
            ("sparse_masks", .string("global magnitude of the weights after the timed training steps")),
        ]
    }

    var text: [String] {
        func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
        var lines = ["  sparse inference (lenet300, global magnitude masks of the trained weights; median times per batch):"]
        for point in reported {
            let m = point.measurement
            let layers = zip(m.layerNames, m.usesSparse).filter(\.1).map(\.0)
            lines.append("    " + "sparsity \(percent(point.sparsity)), batch \(m.batch): "
                         + String(format: "%.2fx (dense %.1f µs, ", m.speedup, m.denseSeconds * 1e6)
                         + String(format: "sparse %.1f µs; sparse layers: ", m.sparseSeconds * 1e6)
                         + (layers.isEmpty ? "none" : layers.joined(separator: ", ")) + ")")
        }
        for batch in Self.batches {
            let breakEven = breakEvenSparsity(batch: batch).map(percent) ?? "not reached"
            lines.append("    break-even sparsity at batch \(batch): \(breakEven)")
        }
        return lines
    }
}
