import Foundation
import Metrics
import RunLogs
import SparseKernels
import Training

/// `prunetop bench --sparse`: the model's inference timed with the sparse kernel against
/// dense, on global-magnitude masks of its current weights, over a sparsity grid, at batch
/// 1 and 128. An MLP of lenet300's shape runs `SparseInferenceNetwork` (the whole network in
/// feature-major layout); any other network (LeNet-5, vgg-small, ResNet-20, a recipe's)
/// runs `SparseModelInference`, its own evaluation pass with the Conv2D and Dense multiplies
/// swapped for CSR where faster. The reported sparsities are also the points from which
/// the break-even sparsity is interpolated, with 60%, 70% and 85% added; one below 50%
/// would be reported as 50%, the lowest point (near-dense sparse products cost seconds in a
/// debug build, for no information).
struct SparseInferenceSweep {
    static let reportedSparsities = [0.5, 0.8, 0.9, 0.95, 0.98, 0.99]
    static let breakEvenGrid = [0.6, 0.7, 0.85]
    static let batches = [1, 128]

    struct Point {
        var sparsity: Double
        var measurement: SparseInferenceMeasurement
    }

    var points: [Point] = []
    let modelName: String
    /// Whether the MLP path ran it (else the network's own pass with swapped multiplies).
    let ranMLPPath: Bool

    /// Leaves `model`'s weights as they were (the sweep writes each mask's weights into it).
    init(model: Model, settings: SparseInferenceBenchmark.Settings) throws {
        modelName = model.name
        ranMLPPath = SparseInferenceNetwork.runs(model.description)
        let snapshot = model.parameters.map { LayerSnapshot(parameter: $0) }
        let buffers = Dictionary(model.buffers.map { ($0.name, $0.values) }, uniquingKeysWith: { a, _ in a })
        defer { for (parameter, original) in zip(model.parameters, snapshot) { parameter.value = original.weights } }
        for sparsity in (Self.breakEvenGrid + Self.reportedSparsities).sorted() {
            let pruned = GlobalMagnitudeMasks.prune(snapshot, sparsity: sparsity)
            if ranMLPPath {
                let network = try SparseInferenceNetwork(layers: pruned)
                for batch in Self.batches {
                    points.append(Point(sparsity: sparsity,
                                        measurement: SparseInferenceBenchmark.measure(network: network, batch: batch, settings: settings)))
                }
            } else {
                let inference = try SparseModelInference(model: model, layers: pruned, buffers: buffers)
                for batch in Self.batches {
                    points.append(Point(sparsity: sparsity,
                                        measurement: SparseInferenceBenchmark.measure(inference: inference, batch: batch, settings: settings)))
                }
            }
        }
    }

    /// Where the sparse kernel on every layer starts to beat dense, per batch size.
    func breakEvenSparsity(batch: Int) -> Double? {
        SparseInferenceBenchmark.breakEvenSparsity(points.filter { $0.measurement.batch == batch }.compactMap { point in
            point.measurement.allSparseSpeedup.map { (sparsity: point.sparsity, speedup: $0) }
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
                    ("sparse_us", microseconds(m.sparseSeconds)), ("all_sparse_speedup", m.allSparseSpeedup.map { rounded($0) } ?? .null),
                    ("sparse_layers", .array(m.sparseLayerNames.map { .string($0) })),
                    ("layer_sparsity", .array(m.layerSparsities.map { rounded($0, 10_000) })),
                ])
            })),
            ("break_even_sparsity", .object(Self.batches.map { ("\($0)", .optional(breakEvenSparsity(batch: $0).map { ($0 * 1000).rounded() / 1000 })) })),
            ("sparse_build_us", microseconds(builds[builds.count / 2])),
            ("sparse_masks", .string("global magnitude of the weights after the timed training steps")),
            ("sparse_path", .string(ranMLPPath ? "mlp" : "network")),
        ]
    }

    var text: [String] {
        func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
        let path = ranMLPPath ? "" : "; the network's evaluation pass, conv and linear multiplies in CSR where faster"
        var lines = ["  sparse inference (\(modelName), global magnitude masks of the trained weights\(path); median times per batch):"]
        for point in reported {
            let m = point.measurement
            lines.append("    " + "sparsity \(percent(point.sparsity)), batch \(m.batch): "
                         + String(format: "%.2fx (dense %.1f µs, ", m.speedup, m.denseSeconds * 1e6)
                         + String(format: "sparse %.1f µs; sparse layers: ", m.sparseSeconds * 1e6) + Self.sparseLayers(m) + ")")
        }
        for batch in Self.batches {
            let breakEven = breakEvenSparsity(batch: batch).map(percent) ?? "not reached"
            lines.append("    break-even sparsity at batch \(batch): \(breakEven)")
        }
        return lines
    }

    /// "none", the names, or for most of many layers "19 of 22: all but conv1, layer1.0.conv1, fc".
    static func sparseLayers(_ m: SparseInferenceMeasurement) -> String {
        let sparse = m.sparseLayerNames
        guard !sparse.isEmpty else { return "none" }
        guard m.layerNames.count > 5 else { return sparse.joined(separator: ", ") }
        let dense = zip(m.layerNames, m.usesSparse).filter { !$0.1 }.map(\.0)
        let count = "\(sparse.count) of \(m.layerNames.count)"
        if dense.isEmpty { return "all \(m.layerNames.count)" }
        return dense.count <= sparse.count ? "\(count): all but \(dense.joined(separator: ", "))" : "\(count): \(sparse.joined(separator: ", "))"
    }
}
