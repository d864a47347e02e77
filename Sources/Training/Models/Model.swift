/// A feed-forward network: an ordered list of layers (some of them blocks of layers, a
/// walkable tree) with named parameters and buffers, and the description of itself that
/// every consumer reads.
public final class Model {
    public let name: String
    /// Per-sample input shape, [channels, height, width].
    public let inputShape: [Int]
    /// The top-level layers; blocks hold more (`Layer.children`).
    public let layers: [any Layer]
    public let parameters: [Parameter]
    /// Batch-norm running statistics and the like: state that is not trained but saved.
    public let buffers: [Buffer]
    public let description: NetworkDescription
    /// The first layer with parameters: backward computes no gradient for its input.
    private let firstParameterised: Int

    public init(name: String, inputShape: [Int], layers: [any Layer]) {
        self.name = name
        self.inputShape = inputShape
        self.layers = layers
        parameters = layers.flatMap(\.parameters)
        buffers = layers.flatMap(\.buffers)
        firstParameterised = layers.firstIndex { !$0.parameters.isEmpty } ?? 0
        for (position, parameter) in parameters.enumerated() {
            precondition(parameter.index == position, "parameter \(parameter.name) has index \(parameter.index), expected \(position)")
        }
        var builder = NetworkDescription.Builder()
        var shape = inputShape
        for layer in layers {
            precondition(layer.expectation(for: shape) == nil, "\(layer.name) expects \(layer.expectation(for: shape)!), got \(shape)")
            layer.describe(inputShape: shape, into: &builder)
            shape = layer.outputShape(for: shape)
        }
        description = NetworkDescription(name: name, inputShape: inputShape, layers: builder.layers)
        let names = description.layers.map(\.name) + parameters.map(\.name) + buffers.map(\.name)
        precondition(Set(names).count == names.count, "\(name): two layers, parameters or buffers share a name")
    }

    /// Every layer of the tree, blocks and their children, in network order.
    public var allLayers: [any Layer] { layers.flatMap(\.subtree) }
    public var hasConvolutions: Bool { allLayers.contains { $0 is Conv2D } }

    /// Each activation's zeros over the last evaluation pass, in network order.
    public var evaluationZeros: [ActivationZeroCount] { allLayers.compactMap(\.evaluationZeros) }

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
        for position in layers.indices.reversed() {
            let needsInput = position > firstParameterised
            guard let next = layers[position].backward(gradient, needsInputGradient: needsInput) else { break }
            gradient = next
        }
    }

    /// Forward multiply-accumulates per sample.
    public var forwardMACsPerSample: Int { description.forwardMACs }

    /// Forward + backward MACs per sample: each parameterised layer costs its forward
    /// MACs again for the weight gradient and again for the input gradient, except the
    /// first one, whose input gradient is not needed.
    public var trainingMACsPerSample: Int {
        let perLayer = zip(layers, layerInputShapes).map { $0.0.forwardMACs(inputShape: $0.1) }
        let firstCost = perLayer.first { $0 > 0 } ?? 0
        return 3 * perLayer.reduce(0, +) - firstCost
    }
}
