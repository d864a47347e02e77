/// One line of a run log (`--jsonl`) or of a sweep table (`sweep.jsonl`): the one schema
/// the recorder writes and every reader (replay, export, sweeps, overlays) reads. Each
/// kind of event is a Codable struct whose coding keys are the log's keys; the line's
/// `"event"` key says which, and is written first (`RunLogEncoder`).
///
/// Schema versions (the start event's `schema`):
/// - 1: logs without the field, written before the schema was typed;
/// - 2: the same events and keys, with `schema` on the start event.
///
/// A reader takes every version up to `schemaVersion` and refuses a newer one at its start
/// line (`RunLogLines`). Fields a reader may find absent (older logs, hand-written lines)
/// are optional; the recorder fills every one it knows.
public enum RunLogEvent: Sendable, Equatable {
    case start(RunStartEvent)
    case evaluation(RunEvaluationEvent)
    case progress(RunProgressEvent)
    /// `done`, `stopped` or `diverged` (`RunEndEvent.outcome`).
    case end(RunEndEvent)
    case command(RunCommandEvent)
    case checkpoint(RunCheckpointEvent)
    case checkpointFailed(RunCheckpointFailedEvent)
    case sweepPoint(SweepPointEvent)
    case sweepCell(SweepCellEvent)
    case sweepSummary(SweepSummaryEvent)
    /// An event this build does not know, or a line without one (nil): readers skip it.
    case unknown(String?)

    /// The schema this build writes and the newest it reads.
    public static let schemaVersion = 2

    /// The line's `"event"`.
    public var name: String? {
        switch self {
        case .start: "start"
        case .evaluation: "eval"
        case .progress: "progress"
        case let .end(end): end.outcome.rawValue
        case .command: "command"
        case .checkpoint: "checkpoint"
        case .checkpointFailed: "checkpoint_failed"
        case .sweepPoint: "sweep_point"
        case .sweepCell: "sweep_cell"
        case .sweepSummary: "sweep_summary"
        case let .unknown(name): name
        }
    }
}

/// How a run ended: the name of its last event.
public enum RunOutcome: String, Sendable, Equatable, CaseIterable {
    case done, stopped, diverged
}

/// A log whose start event has a schema this build does not read.
public struct RunLogSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    public var schema: Int

    public var description: String {
        schema > RunLogEvent.schemaVersion
            ? "written by a newer prunetop (schema \(schema)); this one reads up to \(RunLogEvent.schemaVersion)"
            : "schema: expected an integer from 1 to \(RunLogEvent.schemaVersion), found \(schema)"
    }
}

extension RunLogEvent: Codable {
    private enum EventKey: String, RunLogOmittedKeys {
        case event, schema
        static let omittedWhenAbsent: Set = ["event"]
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: EventKey.self)
        // A non-string event is an event this build does not know, as a missing one is.
        let name = try? container.decodeIfPresent(String.self, forKey: .event)
        switch name {
        case "start":
            // Checked before anything else: a newer schema may have changed the other fields.
            if let schema = try container.decodeIfPresent(Int.self, forKey: .schema), !(1...Self.schemaVersion).contains(schema) {
                throw RunLogSchemaError(schema: schema)
            }
            self = .start(try RunStartEvent(from: decoder))
        case "eval": self = .evaluation(try RunEvaluationEvent(from: decoder))
        case "progress": self = .progress(try RunProgressEvent(from: decoder))
        case let name? where RunOutcome(rawValue: name) != nil:
            var end = try RunEndEvent(from: decoder)
            end.outcome = RunOutcome(rawValue: name)!
            self = .end(end)
        case "command": self = .command(try RunCommandEvent(from: decoder))
        case "checkpoint": self = .checkpoint(try RunCheckpointEvent(from: decoder))
        case "checkpoint_failed": self = .checkpointFailed(try RunCheckpointFailedEvent(from: decoder))
        case "sweep_point": self = .sweepPoint(try SweepPointEvent(from: decoder))
        case "sweep_cell": self = .sweepCell(try SweepCellEvent(from: decoder))
        case "sweep_summary": self = .sweepSummary(try SweepSummaryEvent(from: decoder))
        default: self = .unknown(name)
        }
    }

    /// `"event"` first, then the event's own fields into the same object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: EventKey.self)
        try container.encodeIfPresent(name, forKey: .event)
        switch self {
        case let .start(event): try event.encode(to: encoder)
        case let .evaluation(event): try event.encode(to: encoder)
        case let .progress(event): try event.encode(to: encoder)
        case let .end(event): try event.encode(to: encoder)
        case let .command(event): try event.encode(to: encoder)
        case let .checkpoint(event): try event.encode(to: encoder)
        case let .checkpointFailed(event): try event.encode(to: encoder)
        case let .sweepPoint(event): try event.encode(to: encoder)
        case let .sweepCell(event): try event.encode(to: encoder)
        case let .sweepSummary(event): try event.encode(to: encoder)
        case .unknown: break
        }
    }
}

/// Coding keys whose absent values a log leaves out rather than writing `null` (the start
/// event's `recipe`, a schedule's own settings): `RunLogEncoder` writes every other
/// absent optional as `null`, so a line always has its event's keys.
public protocol RunLogOmittedKeys: CodingKey {
    static var omittedWhenAbsent: Set<String> { get }
}
