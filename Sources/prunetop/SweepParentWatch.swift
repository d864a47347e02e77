import Foundation
import Glibc

/// A sweep's point process stops, as if sent SIGTERM (its log gets its `stopped` event),
/// when the sweep that started it is gone (killed with SIGKILL, which it cannot forward):
/// no orphan run goes on holding the sweep's lock, and the sweep started again reruns it.
enum SweepParentWatch {
    /// Set by the sweep in its points' environment: its process id.
    static let environmentKey = "PRUNETOP_SWEEP_PID"

    static func start() {
        guard let text = ProcessInfo.processInfo.environment[environmentKey], let sweep = Int32(text) else { return }
        let thread = Thread {
            while getppid() == sweep { Thread.sleep(forTimeInterval: 0.2) }
            kill(getpid(), SIGTERM)
        }
        thread.name = "prunetop.sweep-watch"
        thread.start()
    }
}
