import Foundation
import Metrics
import Training

/// Where the dashboard's snapshots come from: a live `Trainer`, or a recorded run played
/// back (`ReplaySource`). Used from the main thread only.
public protocol DashboardSource: AnyObject {
    var latestSnapshot: TrainingSnapshot? { get }
    func start()
    func send(_ command: TrainerCommand)
    func waitUntilFinished(timeout seconds: Double) -> Bool
    /// The panels recorded with `snapshot` (replay); nil means compute them from its weights.
    func recordedFrame(for snapshot: TrainingSnapshot) -> RecordedFrame?
    /// Playback controls for a replay; nil for a live run (keys then steer the trainer).
    var playback: ReplaySource? { get }
}

extension Trainer: DashboardSource {
    public func start() { start(onEvent: { _ in }) }
    public func recordedFrame(for snapshot: TrainingSnapshot) -> RecordedFrame? { nil }
    public var playback: ReplaySource? { nil }
}
