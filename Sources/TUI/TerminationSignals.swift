import Dispatch
import Foundation

/// SIGINT, SIGTERM and SIGHUP, caught so a run ends cleanly (the dashboard restores the
/// terminal, the trainer stops and the log gets its last event) instead of the process
/// dying mid-write. `onSignal` is called once, on a background queue.
public final class TerminationSignals: @unchecked Sendable {
    public enum Signal: Sendable, Equatable {
        case interrupt, terminate, hangUp

        /// 128 + the signal number, as a shell reports a process killed by it.
        public var exitCode: Int32 {
            switch self {
            case .interrupt: 128 + SIGINT
            case .terminate: 128 + SIGTERM
            case .hangUp: 128 + SIGHUP
            }
        }

        public var name: String {
            switch self {
            case .interrupt: "SIGINT"
            case .terminate: "SIGTERM"
            case .hangUp: "SIGHUP"
            }
        }
    }

    private let lock = NSLock()
    private var first: Signal?
    private var sources: [DispatchSourceSignal] = []

    public init() {}

    public func start(onSignal: @escaping @Sendable (Signal) -> Void = { _ in }) {
        for (number, kind) in [(SIGINT, Signal.interrupt), (SIGTERM, .terminate), (SIGHUP, .hangUp)] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
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
