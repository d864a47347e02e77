import Training

/// How much a prunable tensor's mask changed between two snapshots: the Hamming distance
/// between the masks, relative to the newer mask's kept count (a project metric for early
/// structure adaptation: weights to eliminate are identified early and rarely re-added late,
/// Hoefler et al. 2021, arXiv:2102.00554, §2.4.2 and §3.4). A regrowth step that drops k weights and grows k others
/// therefore has distance 2k and churn 2k / nnz.
public struct MaskChurn: Sendable, Equatable {
    public var name: String
    /// Weights pruned in the earlier snapshot and kept in the later one.
    public var grown: Int
    /// Weights kept in the earlier snapshot and pruned in the later one.
    public var dropped: Int
    /// Weights the later mask keeps (nnz of the mask; DropBack's tracked set).
    public var keptCount: Int

    public init(name: String, grown: Int, dropped: Int, keptCount: Int) {
        self.name = name
        self.grown = grown
        self.dropped = dropped
        self.keptCount = keptCount
    }

    public var hammingDistance: Int { grown + dropped }

    /// Hamming distance / nnz; infinite when the later mask keeps nothing but something changed.
    public var rate: Double {
        if keptCount > 0 { return Double(hammingDistance) / Double(keptCount) }
        return hammingDistance == 0 ? 0 : .infinity
    }

    /// Churn of every prunable tensor present in both snapshots (matched by name, same
    /// size), in the later snapshot's order. A tensor without a mask counts as all kept.
    public static func layers(from earlier: [LayerSnapshot], to later: [LayerSnapshot]) -> [MaskChurn] {
        let before = Dictionary(earlier.filter(\.isPrunable).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return later.filter(\.isPrunable).compactMap { current in
            guard let previous = before[current.name], previous.parameterCount == current.parameterCount else { return nil }
            return between(previous, current)
        }
    }

    /// Churn of one tensor between two snapshots of it.
    public static func between(_ earlier: LayerSnapshot, _ later: LayerSnapshot) -> MaskChurn {
        precondition(earlier.parameterCount == later.parameterCount, "\(later.name): sizes differ")
        var grown = 0, dropped = 0, kept = 0
        for i in 0..<later.parameterCount {
            let was = earlier.mask.map { $0[i] != 0 } ?? true
            let isKept = later.mask.map { $0[i] != 0 } ?? true
            if isKept { kept += 1 }
            if isKept && !was { grown += 1 } else if was && !isKept { dropped += 1 }
        }
        return MaskChurn(name: later.name, grown: grown, dropped: dropped, keptCount: kept)
    }

    /// The whole network's churn: distances and kept counts summed over tensors.
    public static func network(_ layers: [MaskChurn]) -> MaskChurn {
        MaskChurn(name: "network", grown: layers.reduce(0) { $0 + $1.grown },
                  dropped: layers.reduce(0) { $0 + $1.dropped }, keptCount: layers.reduce(0) { $0 + $1.keptCount })
    }
}
