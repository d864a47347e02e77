import Training

/// Per-layer sparsities for an overall target from sensitivity curves.
///
/// The rule: for an allowed accuracy drop `t`, each layer gets the largest measured
/// sparsity whose drop (layer pruned alone) is at most `t`, or 0 when none is. The overall
/// sparsity of that allocation, weighted by parameter count, only grows with `t`, and it
/// changes only at the measured drops, so the smallest `t` meeting the target is found
/// exactly among them (no bisection tolerance). That allocation reaches the target or
/// passes it; every layer's sparsity is then scaled by target / reached, so the overall
/// sparsity is exactly the target and no layer goes beyond a sparsity whose drop is ≤ `t`.
/// When even every layer at its largest measured sparsity falls short, there is no budget
/// (`SensitivityBudgetError.unreachable`): measure higher sparsities or lower the target.
public struct SensitivityBudget: Sendable, Equatable {
    public var target: Double
    /// The accuracy drop allowed per layer (a fraction: 0.01 = one point).
    public var threshold: Double
    /// Each layer's largest measured sparsity within `threshold`, before scaling, and the
    /// overall sparsity they give.
    public var unscaledSparsities: [Double]
    public var unscaledOverall: Double
    /// The budget: `unscaledSparsities` × target / `unscaledOverall`, in layer order.
    public var layerSparsities: [Double]

    public init(curves: SensitivityCurves, target: Double) throws(SensitivityBudgetError) {
        guard target > 0 && target < 1 else { throw .targetOutOfRange(target) }
        let counts = curves.layers.map { Double($0.parameterCount) }
        let total = counts.reduce(0, +)
        guard total > 0, !curves.sparsities.isEmpty else { throw .noCurves }
        func allocation(_ t: Double) -> [Double] {
            curves.layers.indices.map { l in
                curves.sparsities.indices.filter { curves.drop(layer: l, at: $0) <= t }.map { curves.sparsities[$0] }.max() ?? 0
            }
        }
        func overall(_ sparsities: [Double]) -> Double { zip(sparsities, counts).map { $0 * $1 }.reduce(0, +) / total }
        let candidates = Set(curves.layers.indices.flatMap { l in curves.sparsities.indices.map { curves.drop(layer: l, at: $0) } }).sorted()
        for t in candidates {
            let sparsities = allocation(t)
            let reached = overall(sparsities)
            // A tolerance for the rounding of the weighted sum: a target met to 1e-12 is met.
            guard reached >= target - 1e-12 else { continue }
            threshold = t
            unscaledSparsities = sparsities
            unscaledOverall = reached
            layerSparsities = sparsities.map { $0 * min(target / reached, 1) }
            self.target = target
            return
        }
        throw .unreachable(target: target, largest: overall(allocation(.infinity)), largestMeasured: curves.sparsities.last!)
    }

    /// The overall sparsity of `layerSparsities`, weighted by parameter count.
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
