import Dispatch
import Foundation

/// Every catchable signal whose default action ends the process: SIGINT, SIGTERM, SIGHUP,
/// SIGQUIT (Ctrl-\\, which would otherwise dump the runtime's report over the screen),
/// SIGPIPE (a log piped into a reader that went away), SIGALRM, SIGUSR1 and SIGUSR2. Each is
/// caught so a run ends cleanly (the dashboard restores the terminal, the trainer stops and
/// the log gets its last event) instead of the process dying mid-write. `onSignal` is
/// called once, on a background queue.
public final class TerminationSignals: @unchecked Sendable {
    public enum Signal: Sendable, Equatable, CaseIterable {
        case interrupt, terminate, hangUp, quit, brokenPipe, alarm, user1, user2

        public var number: Int32 {
            switch self {
            case .interrupt: SIGINT
            case .terminate: SIGTERM
            case .hangUp: SIGHUP
            case .quit: SIGQUIT
            case .brokenPipe: SIGPIPE
            case .alarm: SIGALRM
            case .user1: SIGUSR1
            case .user2: SIGUSR2
            }
        }

        /// 128 + the signal number, as a shell reports a process killed by it.
        public var exitCode: Int32 { 128 + number }

        public var name: String {
            switch self {
            case .interrupt: "SIGINT"
            case .terminate: "SIGTERM"
            case .hangUp: "SIGHUP"
            case .quit: "SIGQUIT"
            case .brokenPipe: "SIGPIPE"
            case .alarm: "SIGALRM"
            case .user1: "SIGUSR1"
            case .user2: "SIGUSR2"
            }
        }
    }

    private let lock = NSLock()
    private var first: Signal?
    private var sources: [DispatchSourceSignal] = []

    public init() {}

    public func start(onSignal: @escaping @Sendable (Signal) -> Void = { _ in }) {
        for kind in Signal.allCases {
            signal(kind.number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: kind.number, queue: .global())
            source.setEventHandler { [self] in
                let isFirst = lock.withLock { () -> Bool in
                    guard first == nil else { return false }
                    first = kind
                    return true
                }
                if isFirst { onSignal(kind) }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any.
    public var received: Signal? { lock.withLock { first } }
}
