import DashboardModel
import Metrics
import RunLogs

/// A recorded run's curves and hill points, drawn beside another run's: under the live run
/// (`tui --compare B.jsonl`: its curves on the Loss panel, its points on Occam's hill as
/// another run's) and in `compare`.
public struct ComparedRun: Sendable {
    /// The log's file name.
    public var name: String
    public var history: RunHistory
    /// Its evaluations as another run's points on Occam's hill (`hillRunID`).
    public var hillPoints: [HillPoint]

    public init(name: String, timeline: ReplayTimeline) {
        self.name = name
        history = RunHistory(timeline)
        let evaluations = timeline.latestSnapshot.map(DashboardFrameContext.hillEvaluations(of:)) ?? []
        hillPoints = RunHill.points(evaluations, runID: Self.hillRunID(name))
    }

    /// The run its points on the hill are named by: B, as in `compare` (an `--overlay` file of
    /// the same name is another run).
    public var hillRunID: String { Self.hillRunID(name) }

    private static func hillRunID(_ name: String) -> String { "B:" + name }
}
