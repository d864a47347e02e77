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
    public var model = "?"
    /// The data's [channels, rows, columns] and class count, to rebuild the model's shapes.
    public var imageShape = [1, 28, 28]
    public var classCount = 10

    public init(path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RunLogError(path: path, line: nil, problem: "cannot read the file")
        }
        try self.init(text: text, path: path)
    }

    public init(text: String, path: String) throws {
        var dataset = "?", method = "?", finalTarget = 0.0, totalSteps = 0, stepsPerEpoch = 1
        var layers: [LayerSnapshot] = []
        var current: TrainingSnapshot?
        for (object, fields) in try JSONFields.lines(of: text, path: path) {
            let event = object["event"] as? String
            if event == "start" {
                let config = object["config"] as? [String: Any]
                model = config?["model"] as? String ?? "?"
                let data = object["dataset"] as? [String: Any]
                dataset = data?["name"] as? String ?? "?"
                imageShape = [1, data?["rows"] as? Int ?? 28, data?["columns"] as? Int ?? 28]
                classCount = data?["classes"] as? Int ?? 10
                method = (config?["sparsity"] as? [String: Any])?["method"] as? String ?? "?"
                finalTarget = (config?["sparsity"] as? [String: Any])?["target"] as? Double ?? 0
                totalSteps = try fields.int("total_steps")
                stepsPerEpoch = try fields.int("steps_per_epoch")
                continue
            }
            guard ["progress", "eval", "done", "stopped", "diverged"].contains(event) else { continue }
            guard current != nil || event == "progress" || event == "eval" else { continue }
            let step = try fields.int("step")
            var frame: RecordedFrame?
            if event == "eval" {
                layers = (object["layers"] as? [[String: Any]] ?? []).map {
                    LayerSnapshot(recordedName: $0["name"] as? String ?? "?", shape: $0["shape"] as? [Int] ?? [],
                                  nonzeroCount: $0["nonzero"] as? Int ?? 0, targetSparsity: $0["target"] as? Double)
                }
                if let recorded = object["frame"], !(recorded is NSNull) {
                    let data = try JSONSerialization.data(withJSONObject: recorded)
                    do { frame = try JSONDecoder().decode(RecordedFrame.self, from: data) } catch {
                        throw RunLogError(path: path, line: fields.line, problem: "frame: \(error)")
                    }
                }
            }
            let previous = current
            let state: RunState = switch event {
            case "done": .finished
            case "stopped": .stopped
            case "diverged": .diverged
            default: RunState(rawValue: object["state"] as? String ?? "") ?? .running
            }
            let isEvaluation = event == "eval" || ((event == "done" || event == "stopped") && object["test_acc"] is Double)
            current = TrainingSnapshot(
                recordedState: state, model: model, dataset: dataset, step: step, totalSteps: totalSteps, stepsPerEpoch: stepsPerEpoch,
                recentLoss: object["loss"] as? Double ?? previous?.recentLoss ?? .nan,
                testAccuracy: isEvaluation ? object["test_acc"] as? Double : previous?.testAccuracy,
                testLoss: isEvaluation ? object["test_loss"] as? Double : previous?.testLoss,
                evaluationStep: event == "eval" ? step : previous?.evaluationStep,
                learningRate: Float(object["lr"] as? Double ?? Double(previous?.learningRate ?? 0)),
                samplesPerSecond: object["samples_per_s"] as? Double ?? previous?.samplesPerSecond ?? 0,
                elapsedSeconds: object["seconds"] as? Double ?? previous?.elapsedSeconds ?? 0,
                layers: layers,
                sparsity: SparsitySnapshot(recordedMethod: object["method"] as? String ?? method, target: finalTarget,
                                           scheduledTarget: object["target"] as? Double ?? previous?.sparsity.scheduledTarget ?? 0,
                                           measured: object["sparsity"] as? Double ?? previous?.sparsity.measured ?? 0,
                                           phase: object["phase"] as? String ?? previous?.sparsity.phase ?? "?",
                                           lastUpdateStep: object["last_update_step"] as? Int ?? previous?.sparsity.lastUpdateStep),
                message: object["message"] as? String ?? previous?.message)
            moments.append(Moment(seconds: current!.elapsedSeconds, snapshot: current!, frame: frame))
        }
        guard !moments.isEmpty else { throw RunLogError(path: path, line: nil, problem: "no recorded progress or evaluations to replay") }
    }
}
