import Foundation

/// A run log followed as another process writes it, kept whole (`prunetop compare` on runs
/// still training): every moment so far, for the curves, but only the latest recorded panels
/// (a frame can be a megabyte). Whole lines only (`RunLogFollower`): a line written in two
/// parts is read once its line break arrives. A file that shrank or was replaced, or a second
/// start event, begins the timeline again. A line that does not read is skipped and named in
/// `problem` until the next line reads.
public final class FollowedRunLog {
    private let follower: RunLogFollower
    /// The reader's state; its `moments` are moved into `moments` after every line, so a line
    /// costs the same however long the log (the reader copies itself to take a line whole).
    private var reader = ReplayTimeline()
    private var moments: [ReplayTimeline.Moment] = []
    /// What is wrong with the last line read (or the file); nil once a later line reads.
    public private(set) var problem: String?

    public var path: String { follower.path }

    public init(path: String) {
        follower = RunLogFollower(path: path)
    }

    /// Every moment so far (only the latest with its panels).
    public var timeline: ReplayTimeline {
        var timeline = reader
        timeline.moments = moments
        return timeline
    }

    /// The run as compared, named by the log's file name; nil before its first moment.
    public var comparedRun: RunComparison.Run? {
        moments.isEmpty ? nil : RunComparison.Run(name: (path as NSString).lastPathComponent, timeline: timeline,
                                                  quietSeconds: RunComparison.Run.quietSeconds(ofFileAt: path))
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
        if batch.restarted { (reader, moments, problem) = (ReplayTimeline(), [], nil) }
        for line in batch.lines {
            do {
                if try reader.take(line: line.text, number: line.number, path: follower.path).startedOver { moments = [] }
                problem = nil
            } catch {
                problem = "\(error); the line is skipped"
            }
            keepOnlyTheLatestFrame(adding: reader.moments)
            reader.moments.removeAll(keepingCapacity: true)
            changed = true
        }
        return changed
    }

    /// Only the latest recorded panels are drawn: an earlier one is let go when a later comes.
    private func keepOnlyTheLatestFrame(adding new: [ReplayTimeline.Moment]) {
        if new.contains(where: { $0.frame != nil }), let earlier = moments.lastIndex(where: { $0.frame != nil }) {
            moments[earlier].frame = nil
        }
        moments += new
    }
}
