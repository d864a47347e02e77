import Foundation
import Training

/// A checkpoint as one finished run's snapshot, for the dashboard (`prunetop inspect --tui`):
/// every prunable weight with its mask, and a network description for the panels.
///
/// A prunetop checkpoint brings its own network, evaluations and method. A safetensors file
/// says nothing of the network but its weights' shapes: each becomes a linear layer
/// ([out, in]) or a convolution ([out, in, kh, kw]) counted at one output position (the file
/// holds no image size), in the file's order, so FLOP figures are per output position.
public struct InspectionSnapshot {
    public var snapshot: TrainingSnapshot
    public var network: NetworkDescription

    public static func read(path: String) throws -> InspectionSnapshot {
        if try CheckpointInspection.isPrunetopCheckpoint(path) {
            let checkpoint = try Checkpoint.read(from: path)
            let network = try CheckpointNetwork(checkpoint: checkpoint)
            let layers = network.model.parameters.map { parameter in
                parameter.isPrunable
                    ? LayerSnapshot(parameter: parameter, effectiveWeights: network.effectiveValues(parameter), mask: network.masks[parameter.name])
                    : LayerSnapshot(parameter: parameter)
            }
            let progress = checkpoint.progress
            return InspectionSnapshot(
                snapshot: snapshot(model: checkpoint.config.model, dataset: checkpoint.dataset.name, step: checkpoint.step, layers: layers,
                                   method: checkpoint.config.sparsity.method, target: checkpoint.config.sparsity.target,
                                   accuracy: progress.lastEvaluation?.accuracy, evaluationStep: progress.lastEvaluationStep,
                                   evaluations: progress.evaluations, path: path),
                network: network.model.description)
        }
        let file = try SafetensorsFile(path: path)
        var layers: [LayerSnapshot] = []
        var descriptions: [NetworkDescription.LayerDescription] = []
        for weight in try PrunableWeights(file).weights {
            let tensor = weight.values, name = weight.name
            let mask = weight.mask.map(file.floats)
            let values = file.floats(tensor)
            let parameter = Parameter(name: name, shape: tensor.shape, role: .weight, index: layers.count, value: values)
            layers.append(LayerSnapshot(parameter: parameter, effectiveWeights: mask.map { zip(values, $0).map { $1 == 0 ? 0 : $0 } },
                                        mask: mask))
            let outputs = max(tensor.shape[0], 1), inputs = tensor.shape[1], kernel = tensor.shape.count == 4 ? tensor.shape[2] : 1
            let layerName = name.hasSuffix(".weight") ? String(name.dropLast(7)) : name
            descriptions.append(tensor.shape.count == 4
                ? .init(name: layerName, kind: .convolution, inputShape: [inputs, kernel, tensor.shape[3]], outputShape: [outputs, 1, 1],
                        geometry: .init(inChannels: inputs, outChannels: outputs, kernel: kernel, stride: 1, padding: 0),
                        weight: name, parameterCount: values.count, forwardMACs: values.count)
                : .init(name: layerName, kind: .linear, inputShape: [values.count / outputs], outputShape: [outputs],
                        geometry: .init(inChannels: values.count / outputs, outChannels: outputs, kernel: 1, stride: 1, padding: 0),
                        weight: name, parameterCount: values.count, forwardMACs: values.count))
        }
        let method = layers.contains { $0.mask != nil } ? "torch.nn.utils.prune" : "zeros"
        let inputShape = descriptions.first?.inputShape ?? [0]
        return InspectionSnapshot(
            snapshot: snapshot(model: (path as NSString).lastPathComponent, dataset: "safetensors", step: 0, layers: layers,
                               method: method, target: nil, accuracy: nil, evaluationStep: nil, evaluations: [], path: path),
            network: NetworkDescription(name: (path as NSString).lastPathComponent, inputShape: inputShape, layers: descriptions))
    }

    private static func snapshot(model: String, dataset: String, step: Int, layers: [LayerSnapshot], method: String, target: Double?,
                                 accuracy: Double?, evaluationStep: Int?, evaluations: [EvaluationRecord], path: String) -> TrainingSnapshot {
        let prunable = layers.filter(\.isPrunable)
        let total = prunable.reduce(0) { $0 + $1.parameterCount }, kept = prunable.reduce(0) { $0 + $1.nonzeroCount }
        let measured = total == 0 ? 0 : 1 - Double(kept) / Double(total)
        let sparsity = SparsitySnapshot(recordedMethod: method, target: target ?? measured, scheduledTarget: target ?? measured,
                                        measured: measured, phase: .dense, lastUpdateStep: step)
        return TrainingSnapshot(recordedState: .finished, model: model, dataset: dataset, step: step, totalSteps: max(step, 1),
                                stepsPerEpoch: max(step, 1), recentLoss: .nan, testAccuracy: accuracy, testLoss: nil,
                                evaluationStep: evaluationStep, learningRate: 0, samplesPerSecond: 0, elapsedSeconds: 0,
                                layers: layers, sparsity: sparsity, evaluations: evaluations,
                                message: "inspect \(path): a checkpoint, not a run; ? help, q quit")
    }
}
