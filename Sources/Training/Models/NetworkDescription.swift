/// What a network is, layer by layer, as one value: every consumer (metrics, the FLOP
/// model, the dashboard, checkpoints, the run log, replay, export, sparse inference) reads
/// this instead of walking layers and downcasting. A model makes it
/// (`Model.description`); a run log's start event carries it, so a log alone describes
/// its network.
public struct NetworkDescription: Sendable, Equatable, Codable {
    /// The model's name: a zoo name ("resnet20") or the recipe's.
    public var name: String
    /// Per-sample input shape, [channels, height, width].
    public var inputShape: [Int]
    /// Every layer of the tree in forward order, blocks flattened (a block's add follows
    /// its body and shortcut).
    public var layers: [LayerDescription]

    public init(name: String, inputShape: [Int], layers: [LayerDescription]) {
        self.name = name
        self.inputShape = inputShape
        self.layers = layers
    }

    /// The layers with a prunable weight (conv and linear), in forward order.
    public var prunableLayers: [LayerDescription] { layers.filter { $0.weight != nil } }

    /// For each prunable layer, in order: which prunable layers' output units are its input units.
    public var unitLinks: [UnitLink] {
        let prunable = prunableLayers
        let index = Dictionary(prunable.enumerated().map { ($1.weight!, $0) }, uniquingKeysWith: { a, _ in a })
        return prunable.map { layer in
            UnitLink(sources: (layer.inputWeights ?? []).compactMap { index[$0] }.sorted(), inputsPerSourceUnit: layer.inputsPerSourceUnit ?? 1)
        }
    }

    /// Where a prunable layer's input units come from.
    public struct UnitLink: Sendable, Equatable {
        /// Indices among the prunable layers; several when a residual sum ties their
        /// channels, none for the network input.
        public var sources: [Int]
        /// Input units per source output unit (height × width after a flatten, else 1).
        public var inputsPerSourceUnit: Int

        public init(sources: [Int], inputsPerSourceUnit: Int) {
            self.sources = sources
            self.inputsPerSourceUnit = inputsPerSourceUnit
        }
    }
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }
    public var forwardMACs: Int { layers.reduce(0) { $0 + $1.forwardMACs } }
    /// Forward arithmetic per sample besides the MACs (see `LayerDescription.elementOperations`).
    public var elementOperations: Int { layers.reduce(0) { $0 + $1.elementOperations } }
    public var outputShape: [Int] { layers.last?.outputShape ?? inputShape }
    public func layer(withWeight weight: String) -> LayerDescription? { layers.first { $0.weight == weight } }

    public struct LayerDescription: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable, CaseIterable {
            case linear, convolution, batchNorm, relu, maxPool, averagePool, flatten, dropout, add
        }

        public var name: String
        public var kind: Kind
        public var inputShape: [Int]
        public var outputShape: [Int]
        /// The residual block it is part of ("layer1.0"); nil at the top level.
        public var block: String?
        /// Channels, kernel, stride and padding of convolutions, linear layers (1x1 kernel,
        /// features as channels) and pooling.
        public var geometry: Geometry?
        /// The name of its prunable weight tensor ("layer1.0.conv1.weight"), if it has one.
        public var weight: String?
        /// How that weight was initialised.
        public var initialization: Initialization?
        /// Trainable values it owns (weights, biases, batch-norm scales and shifts).
        public var parameterCount: Int
        /// Forward multiply-accumulates per sample (conv and linear layers).
        public var forwardMACs: Int
        /// Other forward arithmetic per sample, one per operation: batch norm's scale and
        /// shift (2 per element), ReLU's compare, pooling's compares or adds, an add's sums.
        public var elementOperations: Int
        /// The activation (a ReLU's name) whose output reaches this layer's input through
        /// nothing but pooling, flattening or dropout; nil for the network input or a
        /// tensor no activation made (a conv's or batch norm's output, a residual sum).
        public var activation: String?
        /// An add: the prunable weights whose output channels it sums, directly or through
        /// an identity shortcut. Pruning one of their output channels alone leaves the
        /// others feeding the sum.
        public var tiedWeights: [String]?
        /// A conv or linear layer: the prunable weights whose output units (channels,
        /// neurons) are its input units, several when a residual sum ties their channels;
        /// empty when it reads the network input.
        public var inputWeights: [String]?
        /// How many of its input units each of those output units feeds: 1, or height ×
        /// width when a feature map was flattened into a linear layer (channel-major).
        public var inputsPerSourceUnit: Int?

        public struct Geometry: Sendable, Equatable, Codable {
            public var inChannels: Int
            public var outChannels: Int
            public var kernel: Int
            public var stride: Int
            public var padding: Int

            public init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int) {
                (self.inChannels, self.outChannels, self.kernel, self.stride, self.padding) = (inChannels, outChannels, kernel, stride, padding)
            }
        }

        /// He (Kaiming) uniform, U(-bound, bound) with bound = sqrt(6 / fanIn), drawn from
        /// the counter-based stream `stream` of the run's seed (He et al. 2015, arXiv:1502.01852).
        public struct Initialization: Sendable, Equatable, Codable {
            public var scheme: String
            public var fanIn: Int
            public var bound: Float
            public var stream: Int
        }

        public init(name: String, kind: Kind, inputShape: [Int], outputShape: [Int], block: String? = nil,
                    geometry: Geometry? = nil, weight: String? = nil, initialization: Initialization? = nil,
                    parameterCount: Int = 0, forwardMACs: Int = 0, elementOperations: Int = 0,
                    activation: String? = nil, tiedWeights: [String]? = nil) {
            self.name = name
            self.kind = kind
            self.inputShape = inputShape
            self.outputShape = outputShape
            self.block = block
            self.geometry = geometry
            self.weight = weight
            self.initialization = initialization
            self.parameterCount = parameterCount
            self.forwardMACs = forwardMACs
            self.elementOperations = elementOperations
            self.activation = activation
            self.tiedWeights = tiedWeights
        }
    }

    /// Collects the entries while a model's layers describe themselves, and follows what
    /// each entry needs from the ones before it: the activation feeding it, the block it is
    /// in, and which weights' output channels the current tensor's channels come from.
    public struct Builder {
        public private(set) var layers: [LayerDescription] = []
        /// The activation whose output is the current tensor (through pooling, flattening, dropout).
        var activation: String?
        /// The weights whose output channels are the current tensor's channels.
        var channelSources: [String] = []
        /// Positions per channel once flattened (1 before a flatten).
        var positionsPerChannel = 1
        var block: String?

        public init() {}

        /// Appends `entry`, filling in its block and feeding activation, and moves the
        /// current tensor past it.
        public mutating func append(_ entry: LayerDescription) {
            var entry = entry
            entry.block = block
            entry.activation = activation
            if entry.weight != nil {
                entry.inputWeights = channelSources
                entry.inputsPerSourceUnit = positionsPerChannel
            }
            layers.append(entry)
            switch entry.kind {
            case .relu: activation = entry.name
            case .maxPool, .averagePool, .dropout, .flatten: break
            case .linear, .convolution, .batchNorm, .add: activation = nil
            }
            if let weight = entry.weight { (channelSources, positionsPerChannel) = ([weight], 1) }
            if entry.kind == .flatten, entry.inputShape.count == 3 { positionsPerChannel *= entry.inputShape[1] * entry.inputShape[2] }
        }

        /// Describes a residual block: `body` and `shortcut` (nil: identity) each see the
        /// block's input, then their outputs are added.
        public mutating func residual(name: String, inputShape: [Int], outputShape: [Int],
                                      body: (inout Builder) -> Void, shortcut: ((inout Builder) -> Void)?) {
            let (outerBlock, entryActivation, entrySources) = (block, activation, channelSources)
            precondition(positionsPerChannel == 1, "\(name): a residual block after a flatten")
            block = name
            body(&self)
            let bodySources = channelSources
            (activation, channelSources) = (entryActivation, entrySources)
            shortcut?(&self)
            let tied = Array(Set(bodySources + channelSources)).sorted()
            activation = nil
            append(LayerDescription(name: "\(name).add", kind: .add, inputShape: outputShape, outputShape: outputShape,
                                    elementOperations: outputShape.reduce(1, *), tiedWeights: tied))
            channelSources = tied
            block = outerBlock
        }
    }
}
