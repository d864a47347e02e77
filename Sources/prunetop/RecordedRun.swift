import ArgumentParser
import DashboardModel
import Metrics
import RunLogs
import Training

/// A run log read for the dashboard (`replay`, `show`): its timeline and the network its
/// panels are drawn for.
struct RecordedRun {
    let path: String
    let timeline: ReplayTimeline
    let network: NetworkDescription

    /// Reads `path`; a file that is not a run log is refused naming the line and what was
    /// expected there. A last line cut off while written is left out, with a warning.
    init(path: String) throws {
        self.path = path
        do { timeline = try ReplayTimeline(path: path) } catch { throw ValidationError("\(error)") }
        if let line = timeline.incompleteLastLine { Terminal.standardError(incompleteLastLineWarning(path: path, line: line) + "\n") }
        if let described = timeline.network { network = described } else {
            // Logs written before the start event described the network were of zoo models.
            do {
                network = try ModelCatalog.make(timeline.model, inputShape: timeline.imageShape, classCount: timeline.classCount, seed: 0).description
            } catch {
                throw ValidationError("\(path): its start event does not describe the network (an older log), and \(error)")
            }
        }
    }

    /// The steps the log records, first to last.
    var steps: ClosedRange<Int> {
        let steps = timeline.moments.map(\.snapshot.step)
        return steps.min()!...steps.max()!
    }
}
