import Foundation
import Training

/// Counts of one tensor's values in equal bins over [lowerBound, upperBound], with the
/// weights the mask keeps and the ones it prunes counted separately. Under DropBack the
/// pruned (untracked) weights hold their initial values (Golub, Lemieux & Lis 2019, arXiv:1806.06949;
/// reference code github.com/compstruct/DropBack, dropback/DropBack.py), so
/// they form their own distribution rather than a spike at zero.
///
/// Used for the weight distribution before/after pruning and after retraining (Hoefler et al.
/// 2021, arXiv:2102.00554, §3.2, Fig. 11) and for DropBack's total weight change |w - w0|
/// (Golub et al. 2019, arXiv:1806.06949; Hoefler et al. 2021, §3.4).
public struct WeightHistogram: Sendable, Equatable, Codable {
    public enum CountScale: Sendable, Equatable {
        case linear
        /// log10(1 + count): zero stays zero, one weight shows, 10^5 weights do not flatten the rest.
        case logarithmic
    }

    public var lowerBound: Double
    public var upperBound: Double
    public var kept: [Int]
    public var pruned: [Int]
    /// Finite values outside the range (none when the range was updated with the same data).
    public var outOfRange: Int
    /// NaN and infinite values.
    public var nonFinite: Int

    /// Bins `values`; `mask` (0/1, same count) splits them into kept and pruned, nil keeps all.
    /// Bin b covers [lower + b*width, lower + (b+1)*width); the last bin also takes the upper
    /// bound. Values beyond a bound by less than 1e-6 of it (the slack of
    /// `StableHistogramRange.niceCeiling`) go to the edge bin.
    public init(values: [Float], mask: [Float]?, lowerBound: Double, upperBound: Double, binCount: Int) {
        precondition(binCount >= 1 && upperBound > lowerBound, "need bins over a non-empty range")
        precondition(mask.map { $0.count == values.count } ?? true, "mask and values differ in size")
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        kept = [Int](repeating: 0, count: binCount)
        pruned = [Int](repeating: 0, count: binCount)
        outOfRange = 0
        nonFinite = 0
        let width = (upperBound - lowerBound) / Double(binCount)
        let lowest = lowerBound - abs(lowerBound) * 1e-6, highest = upperBound + abs(upperBound) * 1e-6
        for (i, value) in values.enumerated() {
            guard value.isFinite else { nonFinite += 1; continue }
            let x = Double(value)
            guard x >= lowest, x <= highest else { outOfRange += 1; continue }
            let bin = min(max(Int(((x - lowerBound) / width).rounded(.down)), 0), binCount - 1)
            if let mask, mask[i] == 0 { pruned[bin] += 1 } else { kept[bin] += 1 }
        }
    }

    public var binCount: Int { kept.count }
    public var binWidth: Double { (upperBound - lowerBound) / Double(binCount) }

    public func binRange(_ bin: Int) -> Range<Double> {
        (lowerBound + Double(bin) * binWidth)..<(lowerBound + Double(bin + 1) * binWidth)
    }

    public var total: [Int] { zip(kept, pruned).map { $0 + $1 } }

    public static func scaled(_ counts: [Int], _ scale: CountScale) -> [Double] {
        switch scale {
        case .linear: counts.map(Double.init)
        case .logarithmic: counts.map { log10(1 + Double($0)) }
        }
    }

    /// One frame of a layer's weights (as the forward pass sees them): updates `range`
    /// with them, then bins them over it. Use a `.symmetric` range per layer, kept
    /// across frames.
    public static func weights(of layer: LayerSnapshot, binCount: Int, range: inout StableHistogramRange) -> WeightHistogram {
        range.update(values: layer.weights)
        let limit = range.limit ?? range.minimumLimit
        return WeightHistogram(values: layer.weights, mask: layer.mask,
                               lowerBound: range.lowerBound ?? -limit, upperBound: limit, binCount: binCount)
    }

    /// DropBack's distance from initialisation |w - w0| per weight, binned over a
    /// `.nonNegative` range kept across frames. `initial` is w0 as the caller regenerates
    /// it (same count). Pruned weights sit at w0, so their distance is 0.
    public static func distanceFromInitialisation(of layer: LayerSnapshot, initial: [Float], binCount: Int,
                                                  range: inout StableHistogramRange) -> WeightHistogram {
        precondition(initial.count == layer.weights.count, "\(layer.name): w0 has \(initial.count) values, w \(layer.weights.count)")
        let distances = zip(layer.weights, initial).map { abs($0 - $1) }
        range.update(values: distances)
        let limit = range.limit ?? range.minimumLimit
        return WeightHistogram(values: distances, mask: layer.mask,
                               lowerBound: range.lowerBound ?? 0, upperBound: limit, binCount: binCount)
    }
}
