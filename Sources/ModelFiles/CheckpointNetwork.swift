import Foundation
import Training

/// A checkpoint's network, rebuilt and loaded: the `Model` its config describes with the
/// saved parameters and buffers, and each prunable weight's mask (all ones when the run
/// kept none). The exports read it; nothing here trains.
public final class CheckpointNetwork {
    public let model: Model
    /// Per prunable weight, by parameter name: 0/1, as many as the weight has values.
    public let masks: [String: [Float]]
    /// Per-sample input shape, [channels, height, width].
    public let inputShape: [Int]
    public let classCount: Int
    /// The training step the checkpoint was taken at.
    public let step: Int

    public init(checkpoint: Checkpoint) throws {
        let file = checkpoint.file ?? "checkpoint"
        let shape: [Int], classes: Int
        if let content = checkpoint.dataset.content {
            shape = [content.channels, content.rows, content.columns]
            classes = content.classCount
        } else {
            // Formats 1 and 2 predate the images' size in the file; they trained on 28x28 greyscale digits.
            shape = [1, 28, 28]
            classes = 10
        }
        let config = checkpoint.config
        model = try config.makeModel(inputShape: shape, classCount: classes)
        let tensors = model.parameters.map { ($0.name, $0.shape) } + model.buffers.map { ($0.name, $0.shape) }
        guard tensors.count == checkpoint.parameters.count else {
            throw CheckpointError.malformed(file: file, section: "parameters", problem:
                "\(checkpoint.parameters.count) tensors for \(config.model), which has \(tensors.count) parameters and buffers")
        }
        for ((name, shape), saved) in zip(tensors, checkpoint.parameters) where saved.name != name || saved.shape != shape {
            throw CheckpointError.malformed(file: file, section: "parameters", problem:
                "'\(saved.name)' \(saved.shape) where \(config.model) has '\(name)' \(shape)")
        }
        for (parameter, saved) in zip(model.parameters, checkpoint.parameters) { parameter.value = saved.values }
        for (buffer, saved) in zip(model.buffers, checkpoint.parameters.dropFirst(model.parameters.count)) { buffer.values = saved.values }
        var masks: [String: [Float]] = [:]
        let saved = checkpoint.sparsity.masks
        for (index, weight) in model.prunableParameters.enumerated() {
            if index < saved.count, saved[index].count == weight.count {
                masks[weight.name] = saved[index]
            } else {
                masks[weight.name] = [Float](repeating: 1, count: weight.count)
            }
        }
        self.masks = masks
        inputShape = shape
        classCount = classes
        step = checkpoint.step
    }

    /// The weight as the pruned network multiplies it: masked values zeroed.
    public func effectiveValues(_ parameter: Parameter) -> [Float] {
        guard let mask = masks[parameter.name] else { return parameter.value }
        return zip(parameter.value, mask).map { $1 == 0 ? 0 : $0 }
    }
}
