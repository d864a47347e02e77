/// `command`: a command applied to the run, or refused, as its message said. A run that
/// reads a command file (`RunSteering`) also names the command's `id`, its outcome, and its
/// knobs' values after it; prunetop's own trainer leaves those out.
public struct RunCommandEvent: Sendable, Equatable, Codable {
    public var step: Int
    public var message: String?
    /// The command file's `id`; absent for a line of the file that had none.
    public var id: Int?
    public var outcome: Outcome?
    public var paused: Bool?
    public var target: Double?
    public var lr: Double?

    public enum Outcome: String, Sendable, Equatable, Codable {
        case applied, refused
    }

    public init(step: Int, message: String?, id: Int? = nil, outcome: Outcome? = nil, paused: Bool? = nil, target: Double? = nil,
                lr: Double? = nil) {
        self.step = step
        self.message = message
        self.id = id
        self.outcome = outcome
        self.paused = paused
        self.target = target
        self.lr = lr
    }

    enum CodingKeys: String, RunLogOmittedKeys {
        case step, message, id, outcome, paused, target, lr
        static let omittedWhenAbsent: Set = ["id", "outcome", "paused", "target", "lr"]
    }
}

/// `checkpoint`: a checkpoint saved after `step`.
public struct RunCheckpointEvent: Sendable, Equatable, Codable {
    public var step: Int
    public var path: String?

    public init(step: Int, path: String?) {
        self.step = step
        self.path = path
    }
}

/// `checkpoint_failed`: a checkpoint that could not be saved, and why; the run went on.
public struct RunCheckpointFailedEvent: Sendable, Equatable, Codable {
    public var step: Int
    public var path: String?
    public var reason: String?

    public init(step: Int, path: String?, reason: String?) {
        self.step = step
        self.path = path
        self.reason = reason
    }
}
