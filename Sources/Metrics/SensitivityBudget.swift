import Training

/// Per-layer sparsities for an overall target (weighted by parameter count) from
/// sensitivity curves, by one of two rules. Both read a layer's accuracy drop between its
/// measured sparsities linearly, from no drop at sparsity 0, and go no further than the
/// largest sparsity measured; a target out of reach that way is refused
/// (`SensitivityBudgetError.unreachable`: measure higher sparsities or ask for less).
///
/// - `threshold`: every layer may lose the same accuracy. For an allowed drop `t`, each
///   layer gets the largest sparsity whose drop is at most `t` (0 when none is). The
///   overall sparsity only grows with `t`; `t` is the smallest value meeting the target,
///   found by bisection between no drop allowed and the largest drop measured (to 1e-12).
///   Where a curve that is not monotone makes the overall sparsity jump past the target at
///   that `t`, every layer is scaled by target / reached, so the target is met exactly.
/// - `cheapest`: the least summed drop for the weights removed. Each layer's curve is
///   replaced by its lower convex hull; the hull's segments, each removing weights at a
///   cost in drop per weight, are taken cheapest first across all layers (within a layer
///   they come in order, their costs rising) until the target's weights are removed, the
///   last one in part. A large layer pays less per weight for the same drop, so it is
///   pruned harder than a small one that loses as much. This minimises the sum of the
///   layers' drops over the hulls, treating the drops of layers pruned together as adding up.
public struct SensitivityBudget: Sendable, Equatable {
    public enum Rule: String, Sendable, CaseIterable {
        case threshold, cheapest
    }

    public var rule: Rule
    public var target: Double
    /// `threshold`: the accuracy drop allowed per layer (a fraction: 0.01 = one point).
    public var threshold: Double?
    /// Each layer's sparsity before scaling (`threshold`), and the overall sparsity they give
    /// (the target, or above it after a jump); for `cheapest`, the budget and the target.
    public var unscaledSparsities: [Double]
    public var unscaledOverall: Double
    /// The budget, in layer order.
    public var layerSparsities: [Double]

    public init(curves: SensitivityCurves, target: Double, rule: Rule) throws(SensitivityBudgetError) {
        guard target > 0 && target < 1 else { throw .targetOutOfRange(target) }
        guard !curves.layers.isEmpty, !curves.sparsities.isEmpty else { throw .noCurves }
        let reachable = Self.overall(curves.layers.map { _ in curves.sparsities.last! }, curves: curves)
        guard reachable >= target - 1e-12 else {
            throw .unreachable(target: target, largest: reachable, largestMeasured: curves.sparsities.last!)
        }
        self.rule = rule
        self.target = target
        switch rule {
        case .threshold:
            let (allowed, sparsities) = Self.equalDrop(curves, target: target)
            let reached = Self.overall(sparsities, curves: curves)
            threshold = allowed
            unscaledSparsities = sparsities
            unscaledOverall = reached
            layerSparsities = sparsities.map { $0 * min(target / reached, 1) }
        case .cheapest:
            let sparsities = Self.cheapestFirst(curves, target: target)
            threshold = nil
            unscaledSparsities = sparsities
            unscaledOverall = Self.overall(sparsities, curves: curves)
            layerSparsities = sparsities
        }
    }

    /// The smallest allowed drop meeting `target`, and the allocation at it.
    static func equalDrop(_ curves: SensitivityCurves, target: Double) -> (threshold: Double, sparsities: [Double]) {
        let drops = curves.layers.indices.flatMap { l in curves.sparsities.indices.map { curves.drop(layer: l, at: $0) } }
        var high = drops.max()!
        // Below every drop and below 0 (the drop at sparsity 0), nothing is allowed: 0 overall.
        var low = min(drops.min()!, 0) - 1
        while high - low > 1e-12 {
            let middle = (low + high) / 2
            if overall(allocation(curves, threshold: middle), curves: curves) >= target - 1e-12 { high = middle } else { low = middle }
        }
        return (high, allocation(curves, threshold: high))
    }

    /// A layer's measured points with (0, 0) in front: sparsity, drop.
    static func points(_ curves: SensitivityCurves, layer l: Int) -> [(sparsity: Double, drop: Double)] {
        [(0, 0)] + curves.sparsities.indices.map { (curves.sparsities[$0], curves.drop(layer: l, at: $0)) }
    }

    /// Hull segments cheapest first (ties by layer, then sparsity) until `target`'s weights are removed.
    static func cheapestFirst(_ curves: SensitivityCurves, target: Double) -> [Double] {
        let counts = curves.layers.map { Double($0.parameterCount) }
        var segments: [(layer: Int, from: Double, to: Double, cost: Double)] = []
        for l in curves.layers.indices {
            let hull = lowerHull(points(curves, layer: l))
            for (a, b) in zip(hull, hull.dropFirst()) {
                segments.append((l, a.sparsity, b.sparsity, (b.drop - a.drop) / ((b.sparsity - a.sparsity) * counts[l])))
            }
        }
        segments.sort { ($0.cost, $0.layer, $0.from) < ($1.cost, $1.layer, $1.from) }
        var sparsities = curves.layers.map { _ in 0.0 }
        var needed = target * counts.reduce(0, +)
        for segment in segments where needed > 0 {
            let weights = (segment.to - segment.from) * counts[segment.layer]
            sparsities[segment.layer] = weights >= needed ? segment.from + needed / counts[segment.layer] : segment.to
            needed -= weights
        }
        return sparsities
    }

    /// The lower convex hull of points sorted by sparsity (Andrew's monotone chain).
    static func lowerHull(_ points: [(sparsity: Double, drop: Double)]) -> [(sparsity: Double, drop: Double)] {
        var hull: [(sparsity: Double, drop: Double)] = []
        for p in points {
            while hull.count >= 2 {
                let (o, a) = (hull[hull.count - 2], hull[hull.count - 1])
                guard (a.sparsity - o.sparsity) * (p.drop - o.drop) - (a.drop - o.drop) * (p.sparsity - o.sparsity) <= 0 else { break }
                hull.removeLast()
            }
            hull.append(p)
        }
        return hull
    }

    /// Each layer's largest sparsity whose interpolated drop is at most `threshold`.
    static func allocation(_ curves: SensitivityCurves, threshold: Double) -> [Double] {
        curves.layers.indices.map { l in
            let curve = Self.points(curves, layer: l)
            if curve.last!.drop <= threshold { return curve.last!.sparsity }
            // Right to left: the right end of each segment is above the threshold.
            for i in stride(from: curve.count - 2, through: 0, by: -1) where curve[i].drop <= threshold {
                let (left, right) = (curve[i], curve[i + 1])
                return left.sparsity + (threshold - left.drop) / (right.drop - left.drop) * (right.sparsity - left.sparsity)
            }
            return 0
        }
    }

    /// The overall sparsity of per-layer `sparsities`, weighted by parameter count.
    public static func overall(_ sparsities: [Double], curves: SensitivityCurves) -> Double {
        let counts = curves.layers.map { Double($0.parameterCount) }
        return zip(sparsities, counts).map { $0 * $1 }.reduce(0, +) / counts.reduce(0, +)
    }
}

public enum SensitivityBudgetError: Error, Equatable, CustomStringConvertible {
    case targetOutOfRange(Double)
    case noCurves
    /// Every layer at the largest sparsity measured reaches only `largest` overall.
    case unreachable(target: Double, largest: Double, largestMeasured: Double)

    public var description: String {
        switch self {
        case let .targetOutOfRange(target):
            "--budget: expected a sparsity in (0, 1), found \(target)"
        case .noCurves:
            "--budget: no layer was measured"
        case let .unreachable(target, largest, measured):
            "--budget \(target): cannot be met: every layer at the largest sparsity measured (\(measured)) gives only "
                + String(format: "%.4f", largest) + " overall; measure higher sparsities (--sparsities) or ask for less"
        }
    }
}
