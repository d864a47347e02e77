/// Names one command sent to a `Trainer`, so its acknowledgement can be told apart.
public struct CommandID: Hashable, Sendable {
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }
}

/// The trainer's answer to one command, given between steps once it has applied or
/// refused it, after the snapshot it published for the command (if any).
public struct CommandAcknowledgement: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case applied, refused
    }

    public let id: CommandID
    public let outcome: Outcome
    /// What the trainer said ("target sparsity 0.90 → 0.95 at step 12"); nil for a command
    /// that says nothing (pause, resume, step, stop).
    public let message: String?

    public init(id: CommandID, outcome: Outcome, message: String?) {
        self.id = id
        self.outcome = outcome
        self.message = message
    }
}
