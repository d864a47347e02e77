import DashboardModel
import Foundation
import Metrics
import RunLogs
import Training

/// Plays a recorded run (`ReplayTimeline`) through the dashboard at an adjustable speed:
/// recorded time advances with the wall clock times `speed`; pause, single-step to the
/// next recorded moment, faster and slower.
public final class ReplaySource: DashboardSource, PlaybackControls {
    public static let speeds: [Double] = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64]

    private let timeline: ReplayTimeline
    private var position: Double
    private var resumedAt = Date()
    private var positionAtResume: Double
    public private(set) var isPaused = false
    public private(set) var speed: Double
    /// The last moment whose snapshot the curves have taken.
    private var taken = -1

    public init(timeline: ReplayTimeline, speed: Double = 4) {
        self.timeline = timeline
        position = timeline.moments.first?.seconds ?? 0
        positionAtResume = position
        self.speed = speed
    }

    public var controls: DashboardControls { .playback(self) }

    /// Recorded seconds reached now.
    private var now: Double {
        isPaused ? position : positionAtResume + Date().timeIntervalSince(resumedAt) * speed
    }

    /// The moment of the timeline shown now.
    public var index: Int {
        let reached = now
        return max((timeline.moments.lastIndex { $0.seconds <= reached } ?? 0), 0)
    }

    public var isAtEnd: Bool { index == timeline.moments.count - 1 }

    /// Wall seconds until the end at this speed; nil when paused.
    public var secondsRemaining: Double? {
        guard !isPaused, let end = timeline.moments.last?.seconds else { return nil }
        return max(end - now, 0) / speed
    }

    /// The speed that plays the whole recording in about `seconds`.
    public static func speed(toLast seconds: Double, timeline: ReplayTimeline) -> Double {
        let recorded = (timeline.moments.last?.seconds ?? 0) - (timeline.moments.first?.seconds ?? 0)
        return recorded > 0 ? recorded / seconds : 1
    }

    public var latestSnapshot: TrainingSnapshot? {
        var snapshot = timeline.moments[index].snapshot
        if isPaused && !snapshot.state.isTerminal { snapshot.state = .paused }
        snapshot.message = "replay \(Self.format(speed))x \(isPaused ? "paused" : "playing"): space pause, s step, < > speed, ? help, q quit"
        return snapshot
    }

    /// The moments played since the last call, before the current one: the curves get every
    /// recorded point however fast the replay goes (and a replay paused at a step by `pause(atStep:)`
    /// has the curves up to it).
    public func takeIntermediateSnapshots() -> [TrainingSnapshot] {
        let current = index
        defer { taken = current }
        return current > taken + 1 ? timeline.moments[(taken + 1)..<current].map(\.snapshot) : []
    }

    /// Pauses on the last recorded moment at or before `step` (the first moment when `step` comes before it).
    public func pause(atStep step: Int) {
        let target = timeline.moments.lastIndex { $0.snapshot.step <= step } ?? 0
        pause()
        position = timeline.moments[target].seconds
    }

    /// The panels recorded at or before `snapshot`.
    public func recordedFrame(for snapshot: TrainingSnapshot) -> RecordedFrame? {
        timeline.moments[...index].last { $0.frame != nil && $0.snapshot.step <= snapshot.step }?.frame
    }

    public func figures(for snapshot: TrainingSnapshot) -> PanelFigures {
        recordedFrame(for: snapshot).map { .recorded($0) } ?? .notYet
    }

    public func start(_ options: DashboardStartOptions = DashboardStartOptions()) { resumedAt = Date() }

    public func stop() {}

    public func waitUntilFinished(timeout seconds: Double) -> Bool { true }

    public func togglePause() { isPaused ? resume() : pause() }

    /// Pauses on the next recorded moment.
    public func stepToNextMoment() {
        let next = min(index + 1, timeline.moments.count - 1)
        pause()
        position = timeline.moments[next].seconds
    }

    /// One step along `speeds` (+1 faster, -1 slower) from the current speed (which
    /// `--duration` may have put between two of them), keeping the current position.
    public func changeSpeed(by steps: Int) {
        let next = steps > 0 ? Self.speeds.first { $0 > speed * (1 + 1e-9) } ?? speed
            : Self.speeds.last { $0 < speed * (1 - 1e-9) } ?? speed
        positionAtResume = now
        resumedAt = Date()
        position = positionAtResume
        speed = next
    }

    private func pause() {
        guard !isPaused else { return }
        position = now
        isPaused = true
    }

    private func resume() {
        guard isPaused else { return }
        positionAtResume = position
        resumedAt = Date()
        isPaused = false
    }

    /// "4", "0.25", "1.37".
    public static func format(_ speed: Double) -> String {
        speed == speed.rounded() && speed < 1e9 ? String(Int(speed)) : String(format: "%.3g", speed)
    }
}
