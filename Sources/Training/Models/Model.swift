/// A feed-forward network: an ordered list of layers with named parameters.
public final class Model {
    public let name: String
    /// Per-sample input shape, e.g. [1, 28, 28].
    public let inputShape: [Int]
    public let layers: [any Layer]
    public let parameters: [Parameter]

    public init(name: String, inputShape: [Int], layers: [any Layer]) {
        self.name = name
        self.inputShape = inputShape
        self.layers = layers
        parameters = layers.flatMap(\.parameters)
        for (position, parameter) in parameters.enumerated() {
            precondition(parameter.index == position, "parameter \(parameter.name) has index \(parameter.index), expected \(position)")
        }
        _ = layerInputShapes
    }

    /// The weights of Dense and Conv2D layers, in network order.
    public var prunableParameters: [Parameter] { parameters.filter(\.isPrunable) }

    public func parameter(named name: String) -> Parameter? { parameters.first { $0.name == name } }

    /// Per-sample input shape of every layer (checks that the layers fit together).
    public var layerInputShapes: [[Int]] {
        var shape = inputShape
        return layers.map { layer in
            defer { shape = layer.outputShape(for: shape) }
            return shape
        }
    }

    public var outputShape: [Int] { layers.last.map { $0.outputShape(for: layerInputShapes.last!) } ?? inputShape }

    public func forward(_ input: Tensor, isTraining: Bool) -> Tensor {
        var activation = input
        for layer in layers { activation = layer.forward(activation, isTraining: isTraining) }
        return activation
    }

    /// Backpropagates from the loss gradient, filling every parameter's gradient. The
    /// first parameterised layer does not compute a gradient for the network input.
    public func backward(_ lossGradient: Tensor) {
        var gradient = lossGradient
        let firstParameterised = layers.firstIndex { !$0.parameters.isEmpty } ?? 0
        for position in layers.indices.reversed() {
            let needsInput = position > firstParameterised
            guard let next = layers[position].backward(gradient, needsInputGradient: needsInput) else { break }
            gradient = next
        }
    }

    /// Forward multiply-accumulates per sample.
    public var forwardMACsPerSample: Int {
        zip(layers, layerInputShapes).reduce(0) { $0 + $1.0.forwardMACs(inputShape: $1.1) }
    }

    /// Forward + backward MACs per sample: each parameterised layer costs its forward
    /// MACs again for the weight gradient and again for the input gradient, except the
    /// first one, whose input gradient is not needed.
    public var trainingMACsPerSample: Int {
        let perLayer = zip(layers, layerInputShapes).map { $0.0.forwardMACs(inputShape: $0.1) }
        let firstCost = perLayer.first { $0 > 0 } ?? 0
        return 3 * perLayer.reduce(0, +) - firstCost
    }
}
