import Training

/// Operand densities of one layer: the fraction of non-zero weights, and of non-zero
/// elements in the layer's input activation as the weight gradient sees it.
public struct LayerDensity: Sendable, Equatable {
    public var weight: Double
    public var activation: Double

    public init(weight: Double, activation: Double) {
        self.weight = weight
        self.activation = activation
    }

    public static let dense = LayerDensity(weight: 1, activation: 1)
}

/// Multiply-accumulates of the three GEMMs of one layer for one sample.
public struct MACBreakdown: Sendable, Equatable, Codable {
    /// Eq. 1, a_l = f(a_{l-1}, w_l).
    public var forward: Double
    /// Eq. 2, the gradient with respect to the layer's input.
    public var backwardInput: Double
    /// Eq. 3, the gradient with respect to the weights.
    public var backwardWeight: Double

    public init(forward: Double, backwardInput: Double, backwardWeight: Double) {
        self.forward = forward
        self.backwardInput = backwardInput
        self.backwardWeight = backwardWeight
    }

    public static let zero = MACBreakdown(forward: 0, backwardInput: 0, backwardWeight: 0)

    public var backward: Double { backwardInput + backwardWeight }
    public var training: Double { forward + backward }

    public static func + (lhs: MACBreakdown, rhs: MACBreakdown) -> MACBreakdown {
        MACBreakdown(forward: lhs.forward + rhs.forward, backwardInput: lhs.backwardInput + rhs.backwardInput,
                     backwardWeight: lhs.backwardWeight + rhs.backwardWeight)
    }
}

/// The counting conventions the SWAT paper leaves open: it counts FLOPs with "an analytical
/// model" but gives no formula (Raihan & Aamodt 2020, arXiv:2001.01969, §4.1).
public struct FLOPCountingRules: Sendable, Equatable {
    /// How the cost of the weight gradient (Eq. 3) scales with the operand densities.
    public enum WeightGradientCost: Sendable, Equatable {
        /// F·d_a: dense output gradient times the sparse input activation, producing a
        /// dense weight gradient. SWAT's case (Raihan & Aamodt 2020, arXiv:2001.01969, §3.3, Eq. 3). With an
        /// activation density of 1 this is the dense weight gradient of plain pruning, SET
        /// or RigL (Raihan & Aamodt 2020, arXiv:2001.01969, §2 Table 1: no sparse weight gradient).
        case inputActivationDensity
        /// F·d_w·d_a: only the gradients of the active weights are computed, each from the
        /// sparse input activation, so both densities multiply (Hoefler et al. 2021, arXiv:2102.00554,
        /// §8.9 best practice 5: ephemeral and model sparsity give "a multiplicative benefit").
        case weightTimesInputActivationDensity
    }

    /// Whether the first layer's input gradient (Eq. 2) counts. Nothing consumes it, and
    /// the trainer skips it (`Model.backward`), so by default it is not counted, in the
    /// dense total as in the sparse one. Both choices reproduce the SWAT CIFAR training
    /// reductions within 0.2 points; not counting fits them closer (largest error 0.09
    /// against 0.18 points, VGG-16 at 90% printing 89.7: 89.68 without it, 89.52 with it;
    /// Raihan & Aamodt 2020, arXiv:2001.01969, Table 2). Inference is unaffected.
    public var countsFirstLayerInputGradient: Bool
    public var weightGradient: WeightGradientCost

    public init(countsFirstLayerInputGradient: Bool = false, weightGradient: WeightGradientCost = .inputActivationDensity) {
        self.countsFirstLayerInputGradient = countsFirstLayerInputGradient
        self.weightGradient = weightGradient
    }
}

/// Dense and sparse MACs of one layer.
public struct LayerFLOPs: Sendable, Equatable, Codable {
    public var name: String
    public var dense: MACBreakdown
    public var sparse: MACBreakdown
}

/// Training and inference cost of a network, dense and at given densities.
public struct NetworkFLOPs: Sendable, Equatable, Codable {
    public var layers: [LayerFLOPs]
    public var dense: MACBreakdown
    public var sparse: MACBreakdown

    public init(layers: [LayerFLOPs], dense: MACBreakdown, sparse: MACBreakdown) {
        self.layers = layers
        self.dense = dense
        self.sparse = sparse
    }

    /// 1 - sparse/dense training MACs (forward + both backward GEMMs), a fraction.
    public var trainingReduction: Double { Self.reduction(sparse.training, of: dense.training) }
    /// 1 - sparse/dense forward MACs, a fraction.
    public var inferenceReduction: Double { Self.reduction(sparse.forward, of: dense.forward) }
    public var backwardReduction: Double { Self.reduction(sparse.backward, of: dense.backward) }

    /// The FLOP-bound ("ideal") speedups: dense over sparse MACs, the upper bound of any
    /// realisation (a project bound; cf. the FLOP-based "potential speedup" of Hoefler et al. 2021,
    /// arXiv:2102.00554, §6.1.2, Fig. 21).
    public var idealForwardSpeedup: Double { Self.ratio(dense.forward, sparse.forward) }
    public var idealBackwardSpeedup: Double { Self.ratio(dense.backward, sparse.backward) }
    public var idealTrainingSpeedup: Double { Self.ratio(dense.training, sparse.training) }

    private static func reduction(_ sparse: Double, of dense: Double) -> Double { dense == 0 ? 0 : 1 - sparse / dense }
    private static func ratio(_ dense: Double, _ sparse: Double) -> Double {
        sparse == 0 ? (dense == 0 ? 1 : .infinity) : dense / sparse
    }
}

/// The project's three-GEMM FLOP model, reconstructed from which operand SWAT sparsifies in each
/// GEMM (Raihan & Aamodt 2020, arXiv:2001.01969, §3.3, Eqs. 1–3; the paper prints no formula): for a
/// conv/linear layer with dense forward MACs F, weight density d_w and input-activation
/// density d_a,
///
///     forward         = F·d_w        (sparse W x dense activation)
///     backward input  = F·d_w        (dense output gradient x sparse W)
///     backward weight = F·d_a        (dense output gradient x sparse activation)
///
/// It reproduces every inference FLOP reduction the SWAT paper prints to 0.1 point and
/// its CIFAR training reductions to 0.2 point (their Tables 2–5). MACs only: BN, ReLU, pooling
/// and additions are excluded, a project choice: the paper does not say which operations count.
public enum FLOPModel {
    /// The MACs of `shape` at `density`, `isFirst` being the network's first conv/linear layer.
    public static func macs(of shape: LayerShape, density: LayerDensity, isFirst: Bool,
                            rules: FLOPCountingRules = FLOPCountingRules()) -> MACBreakdown {
        let work = Double(shape.forwardMACs)
        let inputGradientCounted = !isFirst || rules.countsFirstLayerInputGradient
        let weightGradientDensity = switch rules.weightGradient {
        case .inputActivationDensity: density.activation
        case .weightTimesInputActivationDensity: density.weight * density.activation
        }
        return MACBreakdown(forward: work * density.weight,
                            backwardInput: inputGradientCounted ? work * density.weight : 0,
                            backwardWeight: work * weightGradientDensity)
    }

    /// Per-layer and total MACs of a network with one density per layer.
    public static func network(_ shapes: [LayerShape], densities: [LayerDensity],
                               rules: FLOPCountingRules = FLOPCountingRules()) -> NetworkFLOPs {
        precondition(shapes.count == densities.count, "one density per layer: \(shapes.count) layers, \(densities.count) densities")
        let layers = zip(shapes, densities).enumerated().map { index, pair in
            LayerFLOPs(name: pair.0.name,
                       dense: macs(of: pair.0, density: .dense, isFirst: index == 0, rules: rules),
                       sparse: macs(of: pair.0, density: pair.1, isFirst: index == 0, rules: rules))
        }
        return NetworkFLOPs(layers: layers,
                            dense: layers.reduce(.zero) { $0 + $1.dense },
                            sparse: layers.reduce(.zero) { $0 + $1.sparse })
    }

    /// Measured densities for a live run: each layer's weight density from the snapshot
    /// tensor of the same name, counting the weights the forward pass multiplies
    /// (`computedNonzeroCount`: DropBack's untracked weights at w0 count, SWAT's masked
    /// dense-shadow weights do not), and its weight gradient's input-activation density
    /// from `activationDensities` by the same name (1 where absent: activations the method
    /// leaves dense, as every method but SWAT does; natural ReLU zeros are not counted as
    /// savings, since no kernel here skips them). A layer without a snapshot counts as dense.
    public static func measuredDensities(_ shapes: [LayerShape], snapshots: [LayerSnapshot],
                                         activationDensities: [String: Double] = [:]) -> [LayerDensity] {
        let byName = Dictionary(snapshots.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return shapes.map { shape in
            let weight = byName[shape.name].map { $0.parameterCount == 0 ? 1 : Double($0.computedNonzeroCount) / Double($0.parameterCount) } ?? 1
            return LayerDensity(weight: weight, activation: activationDensities[shape.name] ?? 1)
        }
    }

    /// The densities of `snapshot` as its network computes them: weights from the effective
    /// weights, activations from the method's own activation sparsification (SWAT's Top-K).
    public static func measuredDensities(_ shapes: [LayerShape], snapshot: TrainingSnapshot) -> [LayerDensity] {
        let prunable = snapshot.layers.filter(\.isPrunable)
        var activations: [String: Double] = [:]
        if let densities = snapshot.sparsity.activationDensities, densities.count == prunable.count {
            for (layer, density) in zip(prunable, densities) { activations[layer.name] = density }
        }
        return measuredDensities(shapes, snapshots: prunable, activationDensities: activations)
    }

    /// The training MACs of a whole run so far, dense-equivalent and actual, from its
    /// `TrainingComputeLedger`: each layer's dense MACs per sample times the samples seen,
    /// and times the sums of samples x operand density of its three GEMMs. `names` are the
    /// ledger's tensors (the prunable weights, in engine order). A layer the ledger does
    /// not name counts as dense. The weight gradient scales with its input activation's
    /// density (the default rule, `.inputActivationDensity`), as every method here computes it.
    public static func cumulative(_ shapes: [LayerShape], ledger: TrainingComputeLedger, names: [String],
                                  rules: FLOPCountingRules = FLOPCountingRules()) -> NetworkFLOPs {
        var index: [String: Int] = [:]
        for (l, name) in names.enumerated() where l < ledger.weightSamples.count { index[name] = l }
        let samples = ledger.samples
        let layers = shapes.enumerated().map { position, shape in
            let perSample = macs(of: shape, density: .dense, isFirst: position == 0, rules: rules)
            let dense = MACBreakdown(forward: perSample.forward * samples, backwardInput: perSample.backwardInput * samples,
                                     backwardWeight: perSample.backwardWeight * samples)
            guard let l = index[shape.name] else { return LayerFLOPs(name: shape.name, dense: dense, sparse: dense) }
            let work = Double(shape.forwardMACs)
            let weights = ledger.weightSamples[l]
            return LayerFLOPs(name: shape.name, dense: dense,
                              sparse: MACBreakdown(forward: work * weights,
                                                   backwardInput: perSample.backwardInput == 0 ? 0 : work * weights,
                                                   backwardWeight: work * ledger.activationSamples[l]))
        }
        return NetworkFLOPs(layers: layers, dense: layers.reduce(.zero) { $0 + $1.dense },
                            sparse: layers.reduce(.zero) { $0 + $1.sparse })
    }

    /// Per-layer densities of a network sparsified as the SWAT paper's tables do: every
    /// layer's weights and input activation at 1 - `sparsity`, the first layer dense when
    /// `firstLayerDense` (SWAT-U keeps it dense, Raihan & Aamodt 2020, arXiv:2001.01969, §3.3.2;
    /// structured SWAT too: that reproduces their Table 4's ResNet-18 rows). `sparsifiesActivations` false keeps
    /// every activation dense, as weight pruning alone does.
    public static func uniformDensities(layerCount: Int, sparsity: Double, firstLayerDense: Bool,
                                        sparsifiesActivations: Bool) -> [LayerDensity] {
        (0..<layerCount).map { index in
            if index == 0 && firstLayerDense { return .dense }
            return LayerDensity(weight: 1 - sparsity, activation: sparsifiesActivations ? 1 - sparsity : 1)
        }
    }
}
