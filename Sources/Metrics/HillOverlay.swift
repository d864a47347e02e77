import Training

/// Points to draw under a live run on Occam's hill: a sweep's table (`sweep.jsonl`, one
/// settled point per cell, the mean over its seeds with their spread, one hill per group of
/// a grid; the target-0 cell is the baseline) or an earlier
/// run's log (its evaluations, classified as the live run's are). An overlay's baseline is
/// its sweep's dense run alone: it is never averaged with the live run's.
public struct HillOverlay: Sendable, Equatable {
    public var points: [HillPoint] = []
    /// The target-0 run of an overlaid sweep.
    public var baseline: HillBaseline?
    /// What a user should know about the files read (a cut-off last line left out).
    public var warnings: [String] = []

    public init(points: [HillPoint] = [], baseline: HillBaseline? = nil) {
        self.points = points
        self.baseline = baseline
    }

    /// Adds another file's points; the first sweep's baseline stays.
    public mutating func add(_ other: HillOverlay) {
        points += other.points
        baseline = baseline ?? other.baseline
        warnings += other.warnings
    }
}
