import Foundation
import Training

/// A recorded run as a sequence of moments (progress lines, evaluations, the end), each a
/// snapshot without weights and, at evaluations, the recorded panels: what
/// `prunetop replay` plays back through the dashboard.
public struct ReplayTimeline: Sendable {
    public struct Moment: Sendable {
        /// Seconds since the run started, as recorded.
        public var seconds: Double
        public var snapshot: TrainingSnapshot
        public var frame: RecordedFrame?
    }

    public var moments: [Moment] = []
    /// The line number of a last line cut off while it was written, left out; nil when whole.
    public var incompleteLastLine: Int?
    public var model = "?"
    /// The network as the start event describes it; nil in logs written before it did
    /// (their networks are zoo models, rebuilt by name).
    public var network: NetworkDescription?
    /// The data's [channels, rows, columns] and class count, to rebuild the model's shapes.
    public var imageShape = [1, 28, 28]
    public var classCount = 10

    public init(path: String) throws {
        let text: String
        do { text = try RegularFile.readText(path) } catch {
            throw RunLogError(path: path, line: nil, problem: "cannot read the file: \(error.description)")
        }
        try self.init(text: text, path: path)
    }

    public init(text: String, path: String) throws {
        var dataset = "?", method = "?", finalTarget = 0.0, totalSteps = 0, stepsPerEpoch = 1
        var layers: [LayerSnapshot] = []
        var evaluations: [EvaluationRecord] = []
        var current: TrainingSnapshot?
        let lines = try JSONFields.lines(of: text, path: path)
        incompleteLastLine = lines.incompleteLastLine
        for (object, fields) in lines.records {
            let event = object["event"] as? String
            if event == "start" {
                let config = object["config"] as? [String: Any]
                model = config?["model"] as? String ?? "?"
                let data = object["dataset"] as? [String: Any]
                dataset = data?["name"] as? String ?? "?"
                // Logs from before colour images have no channels: greyscale.
                imageShape = [data?["channels"] as? Int ?? 1, data?["rows"] as? Int ?? 28, data?["columns"] as? Int ?? 28]
                classCount = data?["classes"] as? Int ?? 10
                // The replay builds the model for these shapes: images as a data set can
                // hold them (at most 512x512 pixels of 1 to 4 channels here) and byte labels.
                guard (1...Self.maximumImageSide).contains(imageShape[1]), (1...Self.maximumImageSide).contains(imageShape[2]),
                      imageShape[1] * imageShape[2] <= Self.maximumImagePixels, (1...256).contains(classCount)
                else {
                    throw RunLogError(path: path, line: fields.line, problem: "dataset: expected images of 1 to \(Self.maximumImagePixels) "
                        + "pixels and 1 to 256 classes, found \(imageShape[1])x\(imageShape[2]) and \(classCount) classes")
                }
                guard (1...Self.maximumImageChannels).contains(imageShape[0]) else {
                    throw RunLogError(path: path, line: fields.line, problem: "dataset.channels: expected 1 to "
                        + "\(Self.maximumImageChannels), found \(imageShape[0])")
                }
                if let recorded = object["network"], !(recorded is NSNull) {
                    let data = try JSONSerialization.data(withJSONObject: recorded)
                    do { network = try JSONDecoder().decode(NetworkDescription.self, from: data) } catch {
                        throw RunLogError(path: path, line: fields.line, problem: "network: \(Self.describe(error))")
                    }
                }
                method = (config?["sparsity"] as? [String: Any])?["method"] as? String ?? "?"
                finalTarget = try fields.fraction((config?["sparsity"] as? [String: Any])?["target"], "config.sparsity.target") ?? 0
                totalSteps = try fields.step("total_steps")
                stepsPerEpoch = try fields.int("steps_per_epoch")
                guard stepsPerEpoch >= 1 else {
                    throw RunLogError(path: path, line: fields.line, problem: "steps_per_epoch: expected an integer >= 1, found \(stepsPerEpoch)")
                }
                continue
            }
            guard ["progress", "eval", "done", "stopped", "diverged"].contains(event) else { continue }
            guard current != nil || event == "progress" || event == "eval" else { continue }
            let step = try fields.step("step")
            var frame: RecordedFrame?
            if event == "eval" {
                layers = try (object["layers"] as? [[String: Any]] ?? []).map { layer in
                    let shape = layer["shape"] as? [Int] ?? [], nonzero = layer["nonzero"] as? Int ?? 0
                    guard let elements = Self.elementCount(shape), (0...elements).contains(nonzero) else {
                        throw RunLogError(path: path, line: fields.line, problem: "layers: expected a shape of sizes >= 0 "
                            + "(at most 2^40 weights) and nonzero from 0 to its weights, found \(shape) and \(nonzero)")
                    }
                    return LayerSnapshot(recordedName: layer["name"] as? String ?? "?", shape: shape, nonzeroCount: nonzero,
                                         targetSparsity: try fields.fraction(layer["target"], "layers.target"))
                }
                if let recorded = object["frame"], !(recorded is NSNull) {
                    let data = try JSONSerialization.data(withJSONObject: recorded)
                    do { frame = try JSONDecoder().decode(RecordedFrame.self, from: data) } catch {
                        throw RunLogError(path: path, line: fields.line, problem: "frame: \(Self.describe(error))")
                    }
                    if let problem = frame?.consistencyProblem {
                        throw RunLogError(path: path, line: fields.line, problem: "frame: \(problem)")
                    }
                }
            }
            for key in ["loss", "lr", "samples_per_s", "seconds"] {
                if let value = object[key] as? Double, !value.isFinite || (key != "loss" && value < 0) {
                    throw RunLogError(path: path, line: fields.line, problem: "\(key): expected a finite number\(key == "loss" ? "" : " >= 0"), found \(value)")
                }
            }
            let testAccuracy = try fields.fraction(object["test_acc"], "test_acc")
            let scheduledTarget = try fields.fraction(object["target"], "target")
            let measuredSparsity = try fields.fraction(object["sparsity"], "sparsity")
            for key in ["last_update_step", "mask_churn"] {
                if let value = object[key] as? Int, value < 0 {
                    throw RunLogError(path: path, line: fields.line, problem: "\(key): expected an integer >= 0, found \(value)")
                }
            }
            // The method's statistics are logged at evaluations; between them the last ones hold.
            let statistics = (object["method_stats"] as? [String: Any]).map { stats in
                stats.compactMap { name, value in (value as? Double).map { MethodStatistic(name, $0) } }.sorted { $0.name < $1.name }
            }
            let previous = current
            let state: RunState = switch event {
            case "done": .finished
            case "stopped": .stopped
            case "diverged": .diverged
            default: RunState(rawValue: object["state"] as? String ?? "") ?? .running
            }
            let isEvaluation = event == "eval" || ((event == "done" || event == "stopped") && testAccuracy != nil)
            let prunedAccuracy = try fields.fraction(object["test_acc_pruned"], "test_acc_pruned")
            if event == "eval", let testAccuracy {
                evaluations.append(EvaluationRecord(step: step, sparsity: measuredSparsity ?? 0, accuracy: testAccuracy,
                                                    prunedAccuracy: prunedAccuracy,
                                                    phase: (object["phase"] as? String).map(TrainingPhase.init(displayName:)) ?? .unrecorded))
            }
            current = TrainingSnapshot(
                recordedState: state, model: model, dataset: dataset, step: step, totalSteps: totalSteps, stepsPerEpoch: stepsPerEpoch,
                recentLoss: object["loss"] as? Double ?? previous?.recentLoss ?? .nan,
                testAccuracy: isEvaluation ? testAccuracy : previous?.testAccuracy,
                prunedTestAccuracy: isEvaluation ? prunedAccuracy : previous?.prunedTestAccuracy,
                testLoss: isEvaluation ? object["test_loss"] as? Double : previous?.testLoss,
                evaluationStep: event == "eval" ? step : previous?.evaluationStep,
                learningRate: Float(object["lr"] as? Double ?? Double(previous?.learningRate ?? 0)),
                samplesPerSecond: object["samples_per_s"] as? Double ?? previous?.samplesPerSecond ?? 0,
                elapsedSeconds: object["seconds"] as? Double ?? previous?.elapsedSeconds ?? 0,
                layers: layers,
                sparsity: SparsitySnapshot(recordedMethod: object["method"] as? String ?? method, target: finalTarget,
                                           scheduledTarget: scheduledTarget ?? previous?.sparsity.scheduledTarget ?? 0,
                                           measured: measuredSparsity ?? previous?.sparsity.measured ?? 0,
                                           phase: (object["phase"] as? String).map(TrainingPhase.init(displayName:)) ?? previous?.sparsity.phase ?? .unrecorded,
                                           lastUpdateStep: object["last_update_step"] as? Int ?? previous?.sparsity.lastUpdateStep,
                                           lastMaskChurn: object["mask_churn"] as? Int ?? previous?.sparsity.lastMaskChurn ?? 0,
                                           statistics: statistics ?? previous?.sparsity.statistics ?? []),
                evaluations: evaluations,
                message: object["message"] as? String ?? previous?.message)
            moments.append(Moment(seconds: current!.elapsedSeconds, snapshot: current!, frame: frame))
        }
        guard !moments.isEmpty else { throw RunLogError(path: path, line: nil, problem: "no recorded progress or evaluations to replay") }
    }

    /// The largest image side and size a replay accepts (the model is rebuilt for them).
    public static let maximumImageSide = 4096
    public static let maximumImagePixels = 512 * 512
    /// Greyscale, RGB, RGBA.
    public static let maximumImageChannels = 4

    /// Weights of a tensor of this shape; nil for a negative size or more than 2^40.
    private static func elementCount(_ shape: [Int]) -> Int? {
        var product = 1
        for size in shape {
            guard size >= 0 else { return nil }
            let (result, overflow) = product.multipliedReportingOverflow(by: size)
            guard !overflow, result <= 1 << 40 else { return nil }
            product = result
        }
        return product
    }
}

extension ReplayTimeline {
    /// A decoding error as "what, where": "missing key 'kind' at layers[3]".
    static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the top" : String(text.drop { $0 == "." })
        }
        switch error as? DecodingError {
        case let .keyNotFound(key, context)?: return "missing key '\(key.stringValue)' at \(path(context.codingPath))"
        case let .typeMismatch(type, context)?: return "expected \(type) at \(path(context.codingPath))"
        case let .valueNotFound(type, context)?: return "expected \(type) at \(path(context.codingPath)), found null"
        case let .dataCorrupted(context)?: return "\(context.debugDescription) at \(path(context.codingPath))"
        default: return "\(error)"
        }
    }
}
