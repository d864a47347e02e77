import Foundation

/// A run log followed as another process writes it, kept whole (`prunetop compare` on runs
/// still training): every moment so far, for the curves, but only the latest recorded panels
/// (a frame can be a megabyte). Whole lines only (`RunLogFollower`): a line written in two
/// parts is read once its line break arrives. A file that shrank or was replaced, or a second
/// start event, begins the timeline again. A line that does not read is skipped and named in
/// `problem` until the next line reads.
public final class FollowedRunLog {
    private let follower: RunLogFollower
    public private(set) var timeline = ReplayTimeline()
    /// What is wrong with the last line read (or the file); nil once a later line reads.
    public private(set) var problem: String?

    public var path: String { follower.path }

    public init(path: String) {
        follower = RunLogFollower(path: path)
    }

    /// The run as compared, named by the log's file name; nil before its first moment.
    public var comparedRun: RunComparison.Run? {
        timeline.moments.isEmpty ? nil : RunComparison.Run(name: (path as NSString).lastPathComponent, timeline: timeline)
    }

    /// Reads what the log gained; true when anything changed (a moment, a restart, a problem).
    @discardableResult
    public func poll() -> Bool {
        let batch: RunLogFollower.Batch
        do { batch = try follower.read() } catch {
            let changed = problem != "\(error)"
            problem = "\(error)"
            return changed
        }
        var changed = batch.restarted
        if batch.restarted { timeline = ReplayTimeline() }
        for line in batch.lines {
            do {
                try timeline.take(line: line.text, number: line.number, path: follower.path)
                problem = nil
            } catch {
                problem = "\(error); the line is skipped"
            }
            changed = true
        }
        if !batch.lines.isEmpty { keepLatestFrameOnly() }
        return changed
    }

    /// Only the latest recorded panels are drawn: the earlier ones are let go.
    private func keepLatestFrameOnly() {
        guard let latest = timeline.moments.lastIndex(where: { $0.frame != nil }) else { return }
        for index in timeline.moments.indices where index < latest && timeline.moments[index].frame != nil {
            timeline.moments[index].frame = nil
        }
    }
}
