import DashboardModel
import Foundation
import Metrics
import Training

/// Where the dashboard's snapshots come from: a live `Trainer`, or a recorded run played
/// back (`ReplaySource`). It says through `controls` what the keys can do with it, and
/// through `figures(for:)` where the panels' figures come from. Used from the main thread only.
public protocol DashboardSource: AnyObject {
    var latestSnapshot: TrainingSnapshot? { get }
    var controls: DashboardControls { get }
    func start(_ options: DashboardStartOptions)
    /// Ends the run (a live one after the step in flight); `waitUntilFinished` waits for it.
    func stop()
    func waitUntilFinished(timeout seconds: Double) -> Bool
    func figures(for snapshot: TrainingSnapshot) -> PanelFigures
    /// Snapshots that came in since the last call and before `latestSnapshot`, oldest first:
    /// the curves take them too (a watched log's lines arrive several at once).
    func takeIntermediateSnapshots() -> [TrainingSnapshot]
    /// Counts the runs the source has begun again (a watched log's writer restarting): the
    /// dashboard starts its curves over when it changes, for the new run's `network`.
    var restarts: Int { get }
    /// The network of the run now, when the source can change it (a restarted writer's);
    /// nil: the one the dashboard was made for.
    var network: NetworkDescription? { get }
}

extension DashboardSource {
    public func takeIntermediateSnapshots() -> [TrainingSnapshot] { [] }
    public var restarts: Int { 0 }
    public var network: NetworkDescription? { nil }
}

/// What the keys that act on the run do with a source.
public enum DashboardControls {
    /// A live run: pause, step, the knobs, method switches, rewind and checkpoints steer it.
    case steering(any SteerableRun)
    /// A recording: pause, step and the knob keys work its clock; its knobs are as recorded.
    case playback(any PlaybackControls)
    /// One fixed snapshot (`inspect --tui`): nothing runs, the keys that would act on a run do
    /// nothing, and the header says INSPECT.
    case inspection
}

/// A run that takes commands and acknowledges each (`Trainer`).
public protocol SteerableRun: AnyObject {
    @discardableResult func send(_ command: TrainerCommand) -> CommandID
    /// Blocks until `id` is acknowledged or `seconds` have passed; takes that acknowledgement.
    func awaitAcknowledgement(of id: CommandID, timeout seconds: Double) -> CommandAcknowledgement?
    /// The other acknowledgements given since the last call, oldest first.
    func takeAcknowledgements() -> [CommandAcknowledgement]
    /// Knobs the run does not take, shown as unavailable (a watched run's, `WatchSource`).
    var unavailableKnobs: Set<Knob> { get }
    /// Whether quitting the dashboard ends the run (so `q` asks first); a watched run goes on.
    var quittingStopsTheRun: Bool { get }
}

extension SteerableRun {
    public var unavailableKnobs: Set<Knob> { [] }
    public var quittingStopsTheRun: Bool { true }
}

/// The clock of a recording being played back.
public protocol PlaybackControls: AnyObject {
    var isPaused: Bool { get }
    /// Recorded seconds a second.
    var speed: Double { get }
    /// Wall seconds until the end at this speed; nil when paused.
    var secondsRemaining: Double? { get }
    func togglePause()
    func stepToNextMoment()
    /// One step along the speeds (+1 faster, -1 slower).
    func changeSpeed(by steps: Int)
}

/// How a live run starts; a replay ignores them.
public struct DashboardStartOptions {
    public var pace: RunPace
    /// The run's events, as the trainer sends them (on its thread), e.g. to a log.
    public var onEvent: @Sendable (TrainerEvent) -> Void

    public init(pace: RunPace = .fullSpeed, onEvent: @escaping @Sendable (TrainerEvent) -> Void = { _ in }) {
        self.pace = pace
        self.onEvent = onEvent
    }
}

/// Where the panels' figures for a snapshot come from.
public enum PanelFigures {
    /// Computed by the dashboard from the snapshot's weights (`DashboardFrame.make`).
    case computedFromWeights
    /// As recorded with the run.
    case recorded(RecordedFrame)
    /// None yet (a replay before its first recorded evaluation).
    case notYet
}
