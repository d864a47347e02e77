import Training

/// Why the prunable tensors of a snapshot could not be read as one feed-forward chain.
public enum LayerChainError: Error, Equatable, CustomStringConvertible {
    case empty
    case unsupportedShape(layer: String, shape: [Int])
    case countMismatch(layer: String, expected: Int, weights: Int, mask: Int?)
    case mismatch(from: String, to: String, outputs: Int, inputs: Int)
    case linksMismatch(layers: Int, links: Int)

    public var description: String {
        switch self {
        case .empty: "no prunable layers"
        case let .unsupportedShape(layer, shape): "\(layer): shape \(shape) is neither Dense nor Conv2D"
        case let .countMismatch(layer, expected, weights, mask):
            "\(layer): shape holds \(expected) weights, got \(weights) weights and \(mask.map(String.init) ?? "no") mask values"
        case let .mismatch(from, to, outputs, inputs):
            "\(from) has \(outputs) outputs, which do not feed the \(inputs) inputs of \(to)"
        case let .linksMismatch(layers, links): "\(layers) prunable layers but links for \(links)"
        }
    }
}

/// Statistics of one prunable tensor, including what the rest of the network leaves of it.
public struct LayerAnalysis: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var parameterCount: Int
    /// Weights the mask keeps (all of them when the tensor has no mask).
    public var keptCount: Int
    /// Kept and non-zero: the weights a pruned network stores (LayerSnapshot.nonzeroCount).
    public var activeCount: Int
    /// Active weights on some path from the network input to its output (see LiveConnectivity).
    public var effectiveCount: Int
    /// Output neurons (Dense) or output channels (Conv2D).
    public var unitCount: Int
    /// Output units unreachable from the input or reaching no output.
    public var deadUnitCount: Int

    /// Fraction of weights that are not active.
    public var directSparsity: Double { Self.sparsity(activeCount, of: parameterCount) }
    /// Fraction of weights that cannot change the output: inactive, or cut off by dead units.
    public var effectiveSparsity: Double { Self.sparsity(effectiveCount, of: parameterCount) }

    static func sparsity(_ remaining: Int, of total: Int) -> Double {
        total == 0 ? 0 : 1 - Double(remaining) / Double(total)
    }
}

/// Per-layer and network-wide statistics of the prunable tensors of a snapshot, for any
/// network its description links (residual sums included), or read as a chain of Dense
/// layers (lenet300) and Conv2D stacks followed by Dense layers (lenet5) without one.
///
/// Network averages are element-weighted, as SWAT reports its "Training Sparsity" W column
/// (Raihan & Aamodt 2020, arXiv:2001.01969, §4.2: averages weighted "by the number of weights or
/// activations per layer"): zeros summed over layers divided by weights summed over
/// layers, not a mean of per-layer ratios.
public struct NetworkAnalysis: Sendable, Equatable {
    public var layers: [LayerAnalysis]
    /// Network inputs: input features of a first Dense layer, or image channels of a first Conv2D.
    public var inputUnitCount: Int
    /// Network inputs from which no output is reachable (for lenet300: pixels nobody listens to).
    public var deadInputCount: Int

    /// Reads the prunable tensors (isPrunable, in network order) of `layers`, linked as
    /// `links` says (`NetworkDescription.unitLinks`), or as one chain when nil.
    public init(layers snapshots: [LayerSnapshot], links: [NetworkDescription.UnitLink]? = nil) throws(LayerChainError) {
        let prunable = snapshots.filter(\.isPrunable)
        var chain: [LiveConnectivity.Layer] = []
        for snapshot in prunable {
            guard let shape = PrunableLayerShape(shape: snapshot.shape) else {
                throw .unsupportedShape(layer: snapshot.name, shape: snapshot.shape)
            }
            let expected = snapshot.shape.reduce(1, *)
            guard snapshot.weights.count == expected, snapshot.mask.map({ $0.count == expected }) ?? true else {
                throw .countMismatch(layer: snapshot.name, expected: expected, weights: snapshot.weights.count,
                                     mask: snapshot.mask?.count)
            }
            let active = Self.activeFlags(weights: snapshot.weights, mask: snapshot.mask)
            chain.append(.init(name: snapshot.name, shape: shape, active: active,
                               connected: Self.connections(active, shape)))
        }
        let connectivity: LiveConnectivity
        if let links {
            connectivity = try LiveConnectivity(chain, sources: links.map(\.sources), inputsPerSourceUnit: links.map(\.inputsPerSourceUnit))
        } else {
            connectivity = try LiveConnectivity(chain)
        }
        layers = chain.indices.map { l in
            let layer = chain[l]
            let kept = prunable[l].mask.map { $0.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
            return LayerAnalysis(
                name: layer.name, shape: prunable[l].shape,
                parameterCount: layer.active.count,
                keptCount: kept ?? layer.active.count,
                activeCount: layer.active.reduce(0) { $0 + ($1 ? 1 : 0) },
                effectiveCount: connectivity.effectiveCount(l),
                unitCount: layer.shape.outputUnits,
                deadUnitCount: connectivity.deadUnitCount(l))
        }
        inputUnitCount = chain[0].shape.inputUnits
        deadInputCount = connectivity.deadInputCount
    }

    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// Element-weighted direct sparsity over all prunable weights.
    public var weightSparsity: Double {
        LayerAnalysis.sparsity(layers.reduce(0) { $0 + $1.activeCount }, of: parameterCount)
    }

    /// Element-weighted effective sparsity over all prunable weights.
    public var effectiveSparsity: Double {
        LayerAnalysis.sparsity(layers.reduce(0) { $0 + $1.effectiveCount }, of: parameterCount)
    }

    public var deadUnitCount: Int { layers.reduce(0) { $0 + $1.deadUnitCount } }

    private static func activeFlags(weights: [Float], mask: [Float]?) -> [Bool] {
        guard let mask else { return weights.map { $0 != 0 } }
        return zip(weights, mask).map { $0.0 != 0 && $0.1 != 0 }
    }

    private static func connections(_ active: [Bool], _ shape: PrunableLayerShape) -> [Bool] {
        let area = shape.kernelArea
        if area == 1 { return active }
        return (0..<(shape.outputUnits * shape.inputUnits)).map { pair in
            active[(pair * area)..<((pair + 1) * area)].contains(true)
        }
    }
}
