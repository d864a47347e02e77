import RunLogs

/// A recorded run's curves, drawn beside another run's: under the live run in the Loss panel
/// (`tui --compare B.jsonl`; its hill points come through the overlay) and in `compare`.
public struct ComparedRun: Sendable {
    /// The log's file name.
    public var name: String
    public var history: RunHistory

    public init(name: String, timeline: ReplayTimeline) {
        self.name = name
        history = RunHistory()
        for moment in timeline.moments { history.record(moment.snapshot) }
    }
}
