import Foundation
import Training

/// One frame of the dashboard drawn without a terminal (`prunetop show`, `tui --once`): the same
/// sources, figures and widgets as the interactive dashboard, but no curses screen and no keys.
extension DashboardApp {
    /// The frame the dashboard shows now, at `width` x `height`; with a `caption`, the message
    /// line says it instead of what the keys would do (a printed frame takes none).
    public func frame(width: Int, height: Int, caption: String? = nil) -> Screen {
        refreshFromSource(size: (width, height))
        if let caption { state.message = caption }
        return composeScreen(width: width, height: height)
    }

    /// Starts the source and follows it at the dashboard's frame rate (so the curves gather
    /// what the live dashboard's would) until a snapshot is `ready` or the run has ended or
    /// diverged (a diverged run pauses itself: it would never be ready); draws that frame with the
    /// caption for its snapshot, then stops the run and waits for it.
    public func frameOfRun(until ready: (TrainingSnapshot) -> Bool, width: Int, height: Int,
                           caption: (TrainingSnapshot) -> String) -> Screen {
        source.start(DashboardStartOptions(pace: options.pace, onEvent: options.onEvent ?? { _ in }))
        while true {
            if let latest = source.latestSnapshot, ready(latest) || latest.state.isTerminal || latest.state == .diverged { break }
            refreshFromSource(size: (width, height))
            Thread.sleep(forTimeInterval: 1 / options.framesPerSecond)
        }
        dropLiveFrame()
        let drawn = frame(width: width, height: height, caption: source.latestSnapshot.map(caption))
        source.stop()
        while !source.waitUntilFinished(timeout: 1) {}
        speedup.finish()
        return drawn
    }
}
