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

    public init() {}

    /// Installs the handlers; when it returns, every one of the signals is caught. A
    /// plain `sigaction` handler that writes the signal's number to a pipe, read by a
    /// thread of its own: libdispatch's signal sources install their handlers later,
    /// from their own thread, and a signal sent in between (once a run's log had begun)
    /// was ignored, SIGPIPE most often.
    public func start(onSignal: @escaping @Sendable (Signal) -> Void = { _ in }) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { fatalError("cannot create the signal pipe: \(String(cString: strerror(errno)))") }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        signalPipeWriteEnd = writeEnd
        for kind in Signal.allCases {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipeWriteEnd, &byte, 1)  // async-signal-safe
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(kind.number, &action, nil)
        }
        let thread = Thread { [self] in
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                guard count == 1 else { return }
                guard let kind = Signal.allCases.first(where: { $0.number == Int32(byte) }) else { continue }
                let isFirst = lock.withLock { () -> Bool in
                    guard first == nil else { return false }
                    first = kind
                    return true
                }
                if isFirst { onSignal(kind) }
            }
        }
        thread.name = "prunetop.signals"
        thread.start()
    }

    /// The first signal received, if any.
    public var received: Signal? { lock.withLock { first } }
}

/// The signal pipe's write end, for the C signal handler (which can capture nothing).
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1
