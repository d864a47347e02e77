/// Per-layer sensitivity to pruning: each prunable layer pruned alone, by magnitude, to
/// each of a list of sparsities, and the network evaluated (on a held-out slice of the
/// training set), the other layers dense. What `prunetop sensitivity` measures, the
/// budget solver reads and the heatmaps draw.
public struct SensitivityCurves: Sendable, Equatable {
    public struct Layer: Sendable, Equatable {
        /// The prunable tensor, e.g. "fc1.weight".
        public var name: String
        public var shape: [Int]
        /// Accuracy and mean loss at each of `SensitivityCurves.sparsities`, in order.
        public var accuracies: [Double]
        public var losses: [Double]

        public init(name: String, shape: [Int], accuracies: [Double], losses: [Double]) {
            self.name = name
            self.shape = shape
            self.accuracies = accuracies
            self.losses = losses
        }

        public var parameterCount: Int { shape.reduce(1, *) }
    }

    /// Ascending, each in (0, 1).
    public var sparsities: [Double]
    /// The unpruned network's accuracy and loss on the same slice.
    public var denseAccuracy: Double
    public var denseLoss: Double
    public var layers: [Layer]

    public init(sparsities: [Double], denseAccuracy: Double, denseLoss: Double, layers: [Layer]) {
        precondition(layers.allSatisfy { $0.accuracies.count == sparsities.count && $0.losses.count == sparsities.count },
                     "SensitivityCurves: every layer needs one accuracy and one loss per sparsity")
        self.sparsities = sparsities
        self.denseAccuracy = denseAccuracy
        self.denseLoss = denseLoss
        self.layers = layers
    }

    /// Accuracy lost (in fractions, 0.01 = one point) by pruning layer `layer` alone to
    /// sparsity number `index`; negative when pruning helped.
    public func drop(layer: Int, at index: Int) -> Double { denseAccuracy - layers[layer].accuracies[index] }

    /// The largest drop anywhere, at least 0: the heatmap's scale.
    public var largestDrop: Double {
        layers.indices.flatMap { l in sparsities.indices.map { drop(layer: l, at: $0) } }.max().map { max($0, 0) } ?? 0
    }
}
