import Foundation
import Training

/// A checkpoint's network as a PyTorch state dict of a module pruned with
/// `torch.nn.utils.prune`, keyed by prunetop's layer names, which nest as PyTorch module
/// paths ("layer2.0.shortcut.conv1" is module `layer2` → `0` → `shortcut` → `conv1`):
///
///     Dense, Conv2D   <name>.weight_orig, <name>.weight_mask   (nn.Linear, nn.Conv2d after
///                     <name>.bias (when it has one)             prune.custom_from_mask)
///     BatchNorm       <name>.weight (scale), <name>.bias (shift), <name>.running_mean,
///                     <name>.running_var, <name>.num_batches_tracked (the run's step count)
///
/// ReLU, pooling, Flatten and Dropout hold nothing. `weight_orig` is the weight as the run
/// keeps it (for SWAT the dense weight, for DropBack untracked weights at their initial
/// values), so orig ⊙ mask is the pruned network's weight, as it is in PyTorch. The
/// metadata carries the architecture (prunetop's `Architecture` JSON), the input shape and
/// the class count, so a reader can rebuild the module.
public enum TorchStateDict {
    public static func writer(for network: CheckpointNetwork) -> SafetensorsWriter {
        var writer = SafetensorsWriter()
        for layer in network.model.allLayers {
            switch layer {
            case let dense as Dense:
                appendPruned(dense.weight, layer: dense.name, network: network, into: &writer)
                writer.append("\(dense.name).bias", shape: dense.bias.shape, floats: dense.bias.value)
            case let convolution as Conv2D:
                appendPruned(convolution.weight, layer: convolution.name, network: network, into: &writer)
                if let bias = convolution.bias { writer.append("\(convolution.name).bias", shape: bias.shape, floats: bias.value) }
            case let norm as BatchNorm:
                writer.append("\(norm.name).weight", shape: norm.scale.shape, floats: norm.scale.value)
                writer.append("\(norm.name).bias", shape: norm.shift.shape, floats: norm.shift.value)
                writer.append("\(norm.name).running_mean", shape: norm.runningMean.shape, floats: norm.runningMean.values)
                writer.append("\(norm.name).running_var", shape: norm.runningVariance.shape, floats: norm.runningVariance.values)
                writer.entries.append(.init(name: "\(norm.name).num_batches_tracked", shape: [], values: .int64([Int64(network.step)])))
            default:
                break
            }
        }
        let architecture = (try? JSONEncoder().encode(network.architecture)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        writer.metadata = [
            ("format", "pt"),
            ("producer", "prunetop"),
            ("prunetop.model", network.model.name),
            ("prunetop.input_shape", network.inputShape.map(String.init).joined(separator: ",")),
            ("prunetop.class_count", String(network.classCount)),
            ("prunetop.architecture", architecture),
        ]
        return writer
    }

    private static func appendPruned(_ weight: Parameter, layer: String, network: CheckpointNetwork, into writer: inout SafetensorsWriter) {
        writer.append("\(layer).weight_orig", shape: weight.shape, floats: weight.value)
        writer.append("\(layer).weight_mask", shape: weight.shape,
                      floats: network.masks[weight.name] ?? [Float](repeating: 1, count: weight.count))
    }
}
