import Training

/// Per-layer sparsities for an overall target from sensitivity curves.
///
/// The rule: a layer's drop at sparsity s is its curve read linearly between the measured
/// points, from no drop at sparsity 0, up to the largest sparsity measured. For an allowed
/// drop `t`, each layer gets the largest sparsity whose drop is at most `t` (0 when none
/// is). The overall sparsity (weighted by parameter count) only grows with `t`; `t` is the
/// smallest value meeting the target, found by bisection between no drop allowed and the
/// largest drop measured (to 1e-12). Where a non-monotone curve makes the overall sparsity
/// jump past the target at that `t`, every layer is scaled by target / reached, so the
/// budget always meets the target exactly. When even every layer at its largest measured
/// sparsity falls short, there is no budget (`SensitivityBudgetError.unreachable`):
/// measure higher sparsities or ask for less.
public struct SensitivityBudget: Sendable, Equatable {
    public var target: Double
    /// The accuracy drop allowed per layer (a fraction: 0.01 = one point).
    public var threshold: Double
    /// Each layer's largest sparsity within `threshold`, before scaling, and the overall
    /// sparsity they give (the target, or above it after a jump).
    public var unscaledSparsities: [Double]
    public var unscaledOverall: Double
    /// The budget, in layer order.
    public var layerSparsities: [Double]

    public init(curves: SensitivityCurves, target: Double) throws(SensitivityBudgetError) {
        guard target > 0 && target < 1 else { throw .targetOutOfRange(target) }
        guard !curves.layers.isEmpty, !curves.sparsities.isEmpty else { throw .noCurves }
        let drops = curves.layers.indices.flatMap { l in curves.sparsities.indices.map { curves.drop(layer: l, at: $0) } }
        var high = drops.max()!
        let reachable = Self.overall(Self.allocation(curves, threshold: high), curves: curves)
        guard reachable >= target - 1e-12 else {
            throw .unreachable(target: target, largest: reachable, largestMeasured: curves.sparsities.last!)
        }
        // Below every drop and below 0 (the drop at sparsity 0), nothing is allowed: 0 overall.
        var low = min(drops.min()!, 0) - 1
        while high - low > 1e-12 {
            let middle = (low + high) / 2
            if Self.overall(Self.allocation(curves, threshold: middle), curves: curves) >= target - 1e-12 { high = middle } else { low = middle }
        }
        threshold = high
        unscaledSparsities = Self.allocation(curves, threshold: high)
        let reached = Self.overall(unscaledSparsities, curves: curves)
        unscaledOverall = reached
        layerSparsities = unscaledSparsities.map { $0 * min(target / reached, 1) }
        self.target = target
    }

    /// Each layer's largest sparsity whose interpolated drop is at most `threshold`.
    static func allocation(_ curves: SensitivityCurves, threshold: Double) -> [Double] {
        curves.layers.indices.map { l in
            let points: [(sparsity: Double, drop: Double)] = [(0, 0)] + curves.sparsities.indices.map { (curves.sparsities[$0], curves.drop(layer: l, at: $0)) }
            if points.last!.drop <= threshold { return points.last!.sparsity }
            // Right to left: the right end of each segment is above the threshold.
            for i in stride(from: points.count - 2, through: 0, by: -1) where points[i].drop <= threshold {
                let (left, right) = (points[i], points[i + 1])
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
