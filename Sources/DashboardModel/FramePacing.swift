import Dispatch

/// When the dashboard recomputes its panels (`DashboardFrame.make`): at most
/// `framesPerSecond` times a second, and never more than `maximumShare` of the time: after
/// a frame that took t seconds the next waits at least t / `maximumShare`. A small network's
/// frame (1-15 ms) keeps the full rate; a 7-million-weight MLP's (about 0.4 s) comes every
/// few seconds, so the other core's training and the keys keep their speed.
public struct FramePacing: Sendable, Equatable {
    public var framesPerSecond: Double
    public var maximumShare: Double
    /// Seconds (on the caller's clock) before which no frame is due.
    public private(set) var nextDue = -Double.infinity
    /// How long the last frame took, seconds.
    public private(set) var lastCost = 0.0

    public init(framesPerSecond: Double = 5, maximumShare: Double = 0.1) {
        precondition(framesPerSecond > 0 && maximumShare > 0 && maximumShare <= 1)
        self.framesPerSecond = framesPerSecond
        self.maximumShare = maximumShare
    }

    public func isDue(at now: Double) -> Bool { now >= nextDue }

    /// Seconds between frames after one that took `cost`.
    public func interval(afterFrameOf cost: Double) -> Double { max(1 / framesPerSecond, cost / maximumShare) }

    /// Records a frame computed from `start` for `cost` seconds.
    public mutating func computed(startedAt start: Double, cost: Double) {
        lastCost = cost
        nextDue = start + interval(afterFrameOf: cost)
    }

    /// Seconds on a monotonic clock.
    public static var now: Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
