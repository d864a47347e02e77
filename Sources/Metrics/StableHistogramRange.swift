import Foundation

/// A histogram range that does not jitter from frame to frame.
///
/// The range is [-limit, limit] (or [0, limit] for non-negative data such as |w - w0|),
/// where `limit` is a "nice" number 1, 2 or 5 x 10^k. Each frame reports the largest
/// finite magnitude of its data:
/// - above the limit: the limit grows at once to the smallest nice number that holds it,
///   so no value ever falls outside the range;
/// - at most a quarter of the limit for `shrinkAfterFrames` frames in a row: the limit
///   shrinks to the smallest nice number that holds the latest frame (at least halving);
/// - otherwise the limit stays put and the shrink count restarts.
/// Small changes in the data therefore never move the bins: growth needs the data to
/// cross a nice number, shrinking needs it to collapse fourfold and stay there.
public struct StableHistogramRange: Sendable, Equatable {
    public enum Layout: Sendable, Equatable {
        /// [-limit, limit]: weights.
        case symmetric
        /// [0, limit]: magnitudes and distances.
        case nonNegative
    }

    public let layout: Layout
    public let shrinkAfterFrames: Int
    /// The smallest limit used, so an all-zero tensor still gets a usable range.
    public let minimumLimit: Double
    /// Nil until the first frame with finite data.
    public private(set) var limit: Double?
    /// Consecutive frames whose data fitted in a quarter of the limit.
    public private(set) var framesFittingInQuarter = 0

    public init(layout: Layout = .symmetric, shrinkAfterFrames: Int = 10, minimumLimit: Double = 1e-3) {
        precondition(shrinkAfterFrames >= 1 && minimumLimit > 0)
        self.layout = layout
        self.shrinkAfterFrames = shrinkAfterFrames
        self.minimumLimit = Self.niceCeiling(minimumLimit)
    }

    public var lowerBound: Double? { limit.map { layout == .symmetric ? -$0 : 0 } }
    public var upperBound: Double? { limit }

    /// Takes one frame's largest finite magnitude; NaN and infinities are ignored.
    public mutating func update(maximumMagnitude: Double) {
        guard maximumMagnitude.isFinite else { return }
        let needed = max(abs(maximumMagnitude), minimumLimit)
        guard let current = limit else {
            limit = Self.niceCeiling(needed)
            return
        }
        if needed > current {
            limit = Self.niceCeiling(needed)
            framesFittingInQuarter = 0
        } else if needed <= current / 4 {
            framesFittingInQuarter += 1
            if framesFittingInQuarter >= shrinkAfterFrames {
                limit = Self.niceCeiling(needed)
                framesFittingInQuarter = 0
            }
        } else {
            framesFittingInQuarter = 0
        }
    }

    /// Takes one frame of data (its largest finite |value|).
    public mutating func update(values: [Float]) {
        var largest: Float = 0
        var anyFinite = false
        for value in values where value.isFinite {
            largest = max(largest, abs(value))
            anyFinite = true
        }
        if anyFinite { update(maximumMagnitude: Double(largest)) }
    }

    /// The smallest 1, 2 or 5 x 10^k at least `value` (value > 0). A relative slack of
    /// 1e-6 keeps Float inputs such as 0.2f (0.2000000030 as a Double) at 0.2, and
    /// absorbs log10 rounding at exact powers of ten.
    public static func niceCeiling(_ value: Double) -> Double {
        precondition(value > 0 && value.isFinite)
        let decade = pow(10, floor(log10(value)))
        for step in [1.0, 2.0, 5.0] where value <= step * decade * (1 + 1e-6) {
            return step * decade
        }
        return 10 * decade
    }
}
