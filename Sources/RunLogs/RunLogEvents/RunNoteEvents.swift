/// `command`: a command applied to the run, or refused, as its message said.
public struct RunCommandEvent: Sendable, Equatable, Codable {
    public var step: Int
    public var message: String?

    public init(step: Int, message: String?) {
        self.step = step
        self.message = message
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
