import Foundation
import Training

/// A checkpoint's network as an ONNX model (onnx/onnx.proto, IR version 8, opset 17), for
/// inference: input `input` [batch, C, H, W] float, output `logits` [batch, classes].
///
///     Dense            Flatten (when its input is not already [batch, features]), Gemm transB=1
///     Conv2D           Conv (kernel, stride, symmetric pads; no bias input without a bias)
///     BatchNorm        BatchNormalization with the running statistics (inference form), ε 1e-5
///     ReLU             Relu
///     MaxPool2D        MaxPool (floor: a ragged edge is dropped, as prunetop does)
///     GlobalAveragePool GlobalAveragePool, then Flatten ([batch, C], prunetop's shape)
///     Flatten          Flatten axis 1
///     Dropout          Identity (evaluation passes values through)
///     ResidualBlock    its body and its shortcut from the same input, then Add
///
/// Initializers are named as prunetop's parameters ("layer1.0.conv1.weight"). Weights
/// are the pruned network's, W ⊙ mask; with `sparseWeights`, every weight with masked
/// values is stored as a `sparse_initializer` (values and linear INT64 indices).
public struct ONNXModelWriter {
    public static let irVersion = 8
    public static let opsetVersion = 17

    public let network: CheckpointNetwork
    public let sparseWeights: Bool

    public init(network: CheckpointNetwork, sparseWeights: Bool) {
        self.network = network
        self.sparseWeights = sparseWeights
    }

    private struct Node {
        var op: String
        var inputs: [String]
        var output: String
        var attributes: [(String, Attribute)] = []
    }

    private enum Attribute {
        case int(Int)
        case ints([Int])
        case float(Float)
    }

    private struct Initializer {
        var name: String
        var shape: [Int]
        var values: [Float]
        var sparse: Bool
    }

    /// The graph being built: nodes in order and the initializers they read.
    private struct Graph {
        var nodes: [Node] = []
        var initializers: [Initializer] = []

        mutating func add(_ op: String, _ inputs: [String], _ output: String, _ attributes: [(String, Attribute)] = []) -> String {
            nodes.append(Node(op: op, inputs: inputs, output: output, attributes: attributes))
            return output
        }
    }

    /// The model file's bytes.
    public func encoded() -> [UInt8] {
        var graph = Graph()
        var shape = network.inputShape
        let last = chain(network.model.layers, input: "input", shape: &shape, graph: &graph)
        _ = graph.add("Identity", [last], "logits")
        var model = ProtobufWriter()
        model.int(1, Self.irVersion)
        model.string(2, "prunetop")
        model.string(3, "1")
        model.message(7) { encodeGraph(graph, into: &$0) }
        model.message(8) { opset in
            opset.string(1, "")
            opset.int(2, Self.opsetVersion)
        }
        return model.bytes
    }

    public func write(to path: String) throws {
        try Data(encoded()).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    // MARK: Layers to nodes

    private func chain(_ layers: [any Layer], input: String, shape: inout [Int], graph: inout Graph) -> String {
        var current = input
        for layer in layers {
            current = node(layer, input: current, shape: shape, graph: &graph)
            shape = layer.outputShape(for: shape)
        }
        return current
    }

    private func node(_ layer: any Layer, input: String, shape: [Int], graph: inout Graph) -> String {
        let name = layer.name
        switch layer {
        case let dense as Dense:
            let flat = shape.count == 1 ? input : graph.add("Flatten", [input], "\(name).flat", [("axis", .int(1))])
            weight(dense.weight, graph: &graph)
            graph.initializers.append(Initializer(name: dense.bias.name, shape: dense.bias.shape, values: dense.bias.value, sparse: false))
            return graph.add("Gemm", [flat, dense.weight.name, dense.bias.name], "\(name).out", [("transB", .int(1))])
        case let convolution as Conv2D:
            weight(convolution.weight, graph: &graph)
            var inputs = [input, convolution.weight.name]
            if let bias = convolution.bias {
                graph.initializers.append(Initializer(name: bias.name, shape: bias.shape, values: bias.value, sparse: false))
                inputs.append(bias.name)
            }
            let k = convolution.kernelSize, s = convolution.stride, p = convolution.padding
            return graph.add("Conv", inputs, "\(name).out", [("kernel_shape", .ints([k, k])), ("strides", .ints([s, s])),
                                                           ("pads", .ints([p, p, p, p])), ("dilations", .ints([1, 1]))])
        case let norm as BatchNorm:
            for (tensorName, values) in [(norm.scale.name, norm.scale.value), (norm.shift.name, norm.shift.value),
                                         (norm.runningMean.name, norm.runningMean.values),
                                         (norm.runningVariance.name, norm.runningVariance.values)] {
                graph.initializers.append(Initializer(name: tensorName, shape: [norm.channels], values: values, sparse: false))
            }
            return graph.add("BatchNormalization", [input, norm.scale.name, norm.shift.name, norm.runningMean.name, norm.runningVariance.name],
                             "\(name).out", [("epsilon", .float(norm.epsilon))])
        case is ReLU:
            return graph.add("Relu", [input], "\(name).out")
        case let pool as MaxPool2D:
            return graph.add("MaxPool", [input], "\(name).out", [("kernel_shape", .ints([pool.size, pool.size])),
                                                                 ("strides", .ints([pool.stride, pool.stride]))])
        case is GlobalAveragePool:
            let pooled = graph.add("GlobalAveragePool", [input], "\(name).pooled")
            return graph.add("Flatten", [pooled], "\(name).out", [("axis", .int(1))])
        case is Flatten:
            return graph.add("Flatten", [input], "\(name).out", [("axis", .int(1))])
        case is Dropout:
            return graph.add("Identity", [input], "\(name).out")
        case let block as ResidualBlock:
            var bodyShape = shape, shortcutShape = shape
            let body = chain(block.body, input: input, shape: &bodyShape, graph: &graph)
            let shortcut = chain(block.shortcut, input: input, shape: &shortcutShape, graph: &graph)
            return graph.add("Add", [body, shortcut], "\(name).out")
        default:
            preconditionFailure("ONNX export: no operator for layer \(name) (\(type(of: layer)))")
        }
    }

    private func weight(_ parameter: Parameter, graph: inout Graph) {
        let values = network.effectiveValues(parameter)
        let pruned = network.masks[parameter.name]?.contains(0) ?? false
        graph.initializers.append(Initializer(name: parameter.name, shape: parameter.shape, values: values,
                                              sparse: sparseWeights && pruned))
    }

    // MARK: Encoding

    private func encodeGraph(_ graph: Graph, into writer: inout ProtobufWriter) {
        for node in graph.nodes {
            writer.message(1) { message in
                for input in node.inputs { message.string(1, input) }
                message.string(2, node.output)
                message.string(3, node.output.hasSuffix(".out") ? String(node.output.dropLast(4)) : node.output)
                message.string(4, node.op)
                for (name, attribute) in node.attributes {
                    message.message(5) { encodeAttribute(name, attribute, into: &$0) }
                }
            }
        }
        writer.string(2, network.model.name)
        for initializer in graph.initializers where !initializer.sparse {
            writer.message(5) { encodeTensor(name: initializer.name, shape: initializer.shape, values: initializer.values, into: &$0) }
        }
        writer.message(11) { encodeValueInfo(name: "input", dimensions: [nil] + network.inputShape, into: &$0) }
        writer.message(12) { encodeValueInfo(name: "logits", dimensions: [nil, network.classCount], into: &$0) }
        for initializer in graph.initializers where initializer.sparse {
            writer.message(15) { sparse in
                var kept: [Float] = [], indices: [Int64] = []
                for (index, value) in initializer.values.enumerated() where value != 0 {
                    kept.append(value)
                    indices.append(Int64(index))
                }
                sparse.message(1) { encodeTensor(name: initializer.name, shape: [kept.count], values: kept, into: &$0) }
                sparse.message(2) { tensor in
                    tensor.ints(1, [indices.count])
                    tensor.int(2, Self.int64Type)
                    tensor.string(8, initializer.name + ".indices")
                    tensor.bytes(9, ProtobufWriter.littleEndianBytes(indices))
                }
                sparse.ints(3, initializer.shape)
            }
        }
    }

    static let floatType = 1
    static let int64Type = 7

    private func encodeTensor(name: String, shape: [Int], values: [Float], into tensor: inout ProtobufWriter) {
        tensor.ints(1, shape)
        tensor.int(2, Self.floatType)
        tensor.string(8, name)
        tensor.bytes(9, ProtobufWriter.littleEndianBytes(values))
    }

    /// A float tensor's name and shape; a nil dimension is the symbolic "batch".
    private func encodeValueInfo(name: String, dimensions: [Int?], into info: inout ProtobufWriter) {
        info.string(1, name)
        info.message(2) { type in
            type.message(1) { tensorType in
                tensorType.int(1, Self.floatType)
                tensorType.message(2) { shape in
                    for dimension in dimensions {
                        shape.message(1) { entry in
                            if let dimension { entry.int(1, dimension) } else { entry.string(2, "batch") }
                        }
                    }
                }
            }
        }
    }

    private func encodeAttribute(_ name: String, _ attribute: Attribute, into writer: inout ProtobufWriter) {
        writer.string(1, name)
        switch attribute {
        case let .float(value):
            writer.float(2, value)
            writer.int(20, 1)
        case let .int(value):
            writer.int(3, value)
            writer.int(20, 2)
        case let .ints(values):
            writer.ints(8, values)
            writer.int(20, 7)
        }
    }
}
