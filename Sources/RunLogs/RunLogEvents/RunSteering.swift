/// The start event's `steering`: a run written by another process (the Python package) that
/// takes commands, where it reads them and which knobs it has. Absent from prunetop's own logs.
public struct RunSteering: Sendable, Equatable, Codable {
    /// The command file, a file name in the log's directory.
    public var commands: String?
    public var knobs: [Knob]?

    public init(commands: String? = nil, knobs: [Knob]? = nil) {
        self.commands = commands
        self.knobs = knobs
    }

    /// A setting the run can change while it runs.
    public enum Knob: String, Sendable, Equatable, Codable, CaseIterable {
        /// Pause and resume.
        case pause
        /// The final target sparsity.
        case target
        /// The learning rate.
        case lr
    }
}

/// One line of the command file (JSONL, appended by prunetop, read by the run between steps):
/// `{"id": 3, "command": "set_target", "value": 0.95}`. The run acknowledges it in its log
/// with a `command` event of the same `id`.
public struct SteeringCommand: Sendable, Equatable, Codable {
    public enum Name: String, Sendable, Equatable, Codable {
        case pause, resume
        case setTarget = "set_target"
        case setLearningRate = "set_lr"
    }

    public var id: Int
    public var command: Name
    /// The new target or learning rate; absent for pause and resume.
    public var value: Double?

    public init(id: Int, command: Name, value: Double? = nil) {
        self.id = id
        self.command = command
        self.value = value
    }

    enum CodingKeys: String, RunLogOmittedKeys {
        case id, command, value
        static let omittedWhenAbsent: Set = ["value"]
    }

    /// The knob the command turns.
    public var knob: RunSteering.Knob {
        switch command {
        case .pause, .resume: .pause
        case .setTarget: .target
        case .setLearningRate: .lr
        }
    }
}
