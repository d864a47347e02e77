import Foundation
import RunLogs
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
/// metadata's `prunetop.network` is the layer tree as JSON in PyTorch's terms (see
/// `layerJSON`), with the input shape and the class count, so a reader can rebuild the
/// module without knowing prunetop.
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
        var shape = network.inputShape
        let layers = JSONValue.array(network.model.layers.map { layer in
            defer { shape = layer.outputShape(for: shape) }
            return layerJSON(layer, inputShape: shape)
        })
        writer.metadata = [
            ("format", "pt"),
            ("producer", "prunetop"),
            ("prunetop.model", network.model.name),
            ("prunetop.input_shape", network.inputShape.map(String.init).joined(separator: ",")),
            ("prunetop.class_count", String(network.classCount)),
            ("prunetop.network", layers.rendered),
        ]
        return writer
    }

    /// One layer in PyTorch's terms: {"kind": "conv2d", "name": ..., "in_channels": ...};
    /// kinds linear, conv2d, batchnorm1d/2d, relu, maxpool2d, global_avg_pool (then flattened),
    /// flatten, dropout, and residual (`body` and `shortcut` lists, summed; an empty shortcut
    /// is the identity). A linear layer flattens its input per sample first.
    static func layerJSON(_ layer: any Layer, inputShape: [Int]) -> JSONValue {
        var members: [(String, JSONValue)]
        switch layer {
        case let dense as Dense:
            members = [("kind", .string("linear")), ("in_features", .int(dense.inputCount)), ("out_features", .int(dense.outputCount))]
        case let convolution as Conv2D:
            members = [("kind", .string("conv2d")), ("in_channels", .int(convolution.inChannels)),
                       ("out_channels", .int(convolution.outChannels)), ("kernel_size", .int(convolution.kernelSize)),
                       ("stride", .int(convolution.stride)), ("padding", .int(convolution.padding)), ("bias", .bool(convolution.bias != nil))]
        case let norm as BatchNorm:
            members = [("kind", .string(inputShape.count == 1 ? "batchnorm1d" : "batchnorm2d")), ("num_features", .int(norm.channels)),
                       ("eps", .number(norm.epsilon)), ("momentum", .number(norm.momentum))]
        case is ReLU:
            members = [("kind", .string("relu"))]
        case let pool as MaxPool2D:
            members = [("kind", .string("maxpool2d")), ("kernel_size", .int(pool.size)), ("stride", .int(pool.stride))]
        case is GlobalAveragePool:
            members = [("kind", .string("global_avg_pool"))]
        case is Flatten:
            members = [("kind", .string("flatten"))]
        case let dropout as Dropout:
            members = [("kind", .string("dropout")), ("p", .number(dropout.rate))]
        case let block as ResidualBlock:
            func chain(_ layers: [any Layer]) -> JSONValue {
                var shape = inputShape
                return .array(layers.map { layer in
                    defer { shape = layer.outputShape(for: shape) }
                    return layerJSON(layer, inputShape: shape)
                })
            }
            members = [("kind", .string("residual")), ("body", chain(block.body)), ("shortcut", chain(block.shortcut))]
        default:
            members = [("kind", .string(String(describing: type(of: layer))))]
        }
        members.insert(("name", .string(layer.name)), at: 1)
        return .object(members)
    }

    private static func appendPruned(_ weight: Parameter, layer: String, network: CheckpointNetwork, into writer: inout SafetensorsWriter) {
        writer.append("\(layer).weight_orig", shape: weight.shape, floats: weight.value)
        writer.append("\(layer).weight_mask", shape: weight.shape,
                      floats: network.masks[weight.name] ?? [Float](repeating: 1, count: weight.count))
    }
}
