import Foundation
import Training

/// What `prunetop sensitivity` writes: the curves as CSV (one row per layer and
/// sparsity) and as JSONL (a `sensitivity_start` line saying what was measured and on
/// which images, then one `sensitivity_point` line per layer and sparsity), and reads back
/// from the JSONL.
public struct SensitivityTable: Sendable, Equatable {
    /// What was measured, on what.
    public struct Provenance: Sendable, Equatable, Codable {
        /// The recipe or checkpoint the network came from.
        public var source: String
        public var model: String
        public var dataset: String
        public var seed: UInt64
        /// Indices into the data set's training part of the images evaluated on, ascending.
        public var heldOutIndices: [Int]
        /// True when the network trained without them (a recipe); false for a checkpoint,
        /// which trained on the whole training part.
        public var heldOutDuringTraining: Bool
        public var fineTuneSteps: Int
        public var fineTuneLearningRate: Double
        /// Training batches each point's batch-norm statistics were averaged over; 0 (or
        /// absent, in tables written before) when the dense network's were kept.
        public var batchNormBatches: Int?

        public init(source: String, model: String, dataset: String, seed: UInt64, heldOutIndices: [Int],
                    heldOutDuringTraining: Bool, fineTuneSteps: Int, fineTuneLearningRate: Double, batchNormBatches: Int = 0) {
            self.source = source
            self.model = model
            self.dataset = dataset
            self.seed = seed
            self.heldOutIndices = heldOutIndices
            self.heldOutDuringTraining = heldOutDuringTraining
            self.fineTuneSteps = fineTuneSteps
            self.fineTuneLearningRate = fineTuneLearningRate
            self.batchNormBatches = batchNormBatches
        }
    }

    public var provenance: Provenance
    public var curves: SensitivityCurves

    public init(provenance: Provenance, curves: SensitivityCurves) {
        self.provenance = provenance
        self.curves = curves
    }

    private struct StartLine: Codable {
        var event = "sensitivity_start"
        var provenance: Provenance
        var sparsities: [Double]
        var denseAccuracy: Double
        var denseLoss: Double
    }

    private struct PointLine: Codable {
        var event = "sensitivity_point"
        var layer: String
        var shape: [Int]
        var sparsity: Double
        var accuracy: Double
        var loss: Double
        var accuracyDrop: Double
    }

    private struct EventName: Codable { var event: String }

    public static let csvHeader = "layer,shape,parameters,sparsity,accuracy,loss,accuracy_drop,dense_accuracy"

    public var csv: String {
        var lines = [Self.csvHeader]
        for (l, layer) in curves.layers.enumerated() {
            for (index, sparsity) in curves.sparsities.enumerated() {
                lines.append([RunExport.field(layer.name), layer.shape.map(String.init).joined(separator: "x"), "\(layer.parameterCount)",
                              number(sparsity), number(layer.accuracies[index]), number(layer.losses[index]),
                              number(curves.drop(layer: l, at: index)), number(curves.denseAccuracy)].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public var jsonLines: String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func line(_ value: some Encodable) -> String { String(decoding: try! encoder.encode(value), as: UTF8.self) + "\n" }
        var text = line(StartLine(provenance: provenance, sparsities: curves.sparsities,
                                  denseAccuracy: curves.denseAccuracy, denseLoss: curves.denseLoss))
        for (l, layer) in curves.layers.enumerated() {
            for (index, sparsity) in curves.sparsities.enumerated() {
                text += line(PointLine(layer: layer.name, shape: layer.shape, sparsity: sparsity, accuracy: layer.accuracies[index],
                                       loss: layer.losses[index], accuracyDrop: curves.drop(layer: l, at: index)))
            }
        }
        return text
    }

    /// Reads what `jsonLines` wrote; errors name the file and line.
    public init(jsonLines text: String, path: String) throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var start: StartLine?
        var layers: [SensitivityCurves.Layer] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !raw.isEmpty {
            let location = "\(path):\(offset + 1)"
            let data = Data(raw.utf8)
            do {
                switch try decoder.decode(EventName.self, from: data).event {
                case "sensitivity_start":
                    guard start == nil else { throw SensitivityTableError("\(location): a second sensitivity_start line") }
                    start = try decoder.decode(StartLine.self, from: data)
                case "sensitivity_point":
                    guard let start else { throw SensitivityTableError("\(location): a sensitivity_point before the sensitivity_start line") }
                    let point = try decoder.decode(PointLine.self, from: data)
                    if layers.last?.name != point.layer {
                        layers.append(.init(name: point.layer, shape: point.shape, accuracies: [], losses: []))
                    }
                    let index = layers[layers.count - 1].accuracies.count
                    guard index < start.sparsities.count, start.sparsities[index] == point.sparsity else {
                        throw SensitivityTableError("\(location): \(point.layer) at sparsity \(point.sparsity): expected the sparsities "
                                                    + "\(start.sparsities) in order for each layer")
                    }
                    layers[layers.count - 1].accuracies.append(point.accuracy)
                    layers[layers.count - 1].losses.append(point.loss)
                case let other:
                    throw SensitivityTableError("\(location): event '\(other)': expected sensitivity_start or sensitivity_point")
                }
            } catch let error as SensitivityTableError {
                throw error
            } catch {
                throw SensitivityTableError("\(location): not a line of a sensitivity table: \(Self.describe(error))")
            }
        }
        guard let start else { throw SensitivityTableError("\(path): no sensitivity_start line; not a table `prunetop sensitivity` wrote") }
        if let short = layers.first(where: { $0.accuracies.count != start.sparsities.count }) {
            throw SensitivityTableError("\(path): \(short.name) has \(short.accuracies.count) of \(start.sparsities.count) points (a table cut short)")
        }
        provenance = start.provenance
        curves = SensitivityCurves(sparsities: start.sparsities, denseAccuracy: start.denseAccuracy, denseLoss: start.denseLoss, layers: layers)
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, _): "missing key '\(key.stringValue)'"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            "key '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
        case let DecodingError.dataCorrupted(context): context.debugDescription
        default: "\(error)"
        }
    }
}

public struct SensitivityTableError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

private func number(_ value: Double) -> String { String(format: "%.6g", value) }
