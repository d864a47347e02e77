import DashboardModel
import Foundation
import Metrics
import RunLogs
import Training

/// A run another process is writing (`prunetop watch LOG`): the log is followed as it grows
/// (`RunLogFollower`) and read line by line into a `ReplayTimeline`; the dashboard shows its
/// latest moment and its latest recorded panels. A run whose start event lists knobs
/// (`RunSteering`, the Python package's runs) is steered: a command is appended to the command
/// file beside the log, and the run's `command` event of the same id acknowledges it.
/// Used from the main thread only, like every `DashboardSource`.
public final class WatchSource: DashboardSource, SteerableRun {
    private let follower: RunLogFollower
    private var timeline = ReplayTimeline()
    private var latestFrame: RecordedFrame?
    private var intermediate: [TrainingSnapshot] = []
    private var lastGrowth: Date
    private let now: () -> Date
    /// Seconds without a new line after which the dashboard says the log stopped growing.
    public let staleAfter: Double
    /// What is wrong with the last line read (or the file), shown on the message line.
    public private(set) var problem: String?
    private var nextID = 1
    private var readIDs = false
    private var acknowledgements: [CommandID: CommandAcknowledgement] = [:]
    private var awaited: Set<CommandID> = []
    private var unclaimed: [CommandAcknowledgement] = []
    /// When each command still unacknowledged was written, for `commandLatency`.
    private var sentAt: [CommandID: Date] = [:]
    /// Seconds from writing the latest acknowledged command to reading its acknowledgement.
    public private(set) var commandLatency: Double?
    /// Runs begun again in the log (a second start event, or the file shrank or was replaced).
    public private(set) var restarts = 0

    public var path: String { follower.path }

    public init(path: String, staleAfter: Double = 30, now: @escaping () -> Date = Date.init) {
        follower = RunLogFollower(path: path)
        self.staleAfter = staleAfter
        self.now = now
        lastGrowth = now()
    }

    /// The network its start event describes (nil before one was read, or in an older log).
    public var network: NetworkDescription? { timeline.network }
    public var timelineSoFar: ReplayTimeline { timeline }

    /// Reads what the log gained: new moments, acknowledgements, a restart.
    public func poll() {
        let batch: RunLogFollower.Batch
        do { batch = try follower.read() } catch {
            problem = "\(error)"
            return
        }
        if batch.grew { lastGrowth = now() }
        if batch.restarted {
            timeline = ReplayTimeline()
            startOver()
        }
        for line in batch.lines {
            do {
                let (event, startedOver) = try timeline.take(line: line.text, number: line.number, path: follower.path)
                if startedOver { startOver() }
                if case let .command(command) = event { acknowledge(command) }
                problem = nil
            } catch {
                problem = "\(error); the line is skipped"
            }
        }
        if let frame = timeline.moments.last(where: { $0.frame != nil })?.frame { latestFrame = frame }
        // The dashboard draws the latest moment; the curves take the ones before it, and
        // then they are not kept (a frame can be megabytes).
        intermediate += timeline.moments.dropLast().map(\.snapshot)
        if intermediate.count > Self.intermediateLimit { intermediate.removeFirst(intermediate.count - Self.intermediateLimit) }
        timeline.moments.removeAll(keepingCapacity: true)
    }

    /// At most this many snapshots wait for the curves between two frames.
    static let intermediateLimit = 100_000

    public func takeIntermediateSnapshots() -> [TrainingSnapshot] {
        defer { intermediate = [] }
        return intermediate
    }

    /// A new run in the same log: a second start event (`take` began the timeline again), or
    /// the file shrank or was replaced.
    private func startOver() {
        restarts += 1
        (latestFrame, intermediate, readIDs) = (nil, [], false)
    }

    // MARK: DashboardSource

    public var controls: DashboardControls { .steering(self) }

    public var latestSnapshot: TrainingSnapshot? {
        poll()
        guard var snapshot = timeline.latestSnapshot else { return nil }
        let quiet = now().timeIntervalSince(lastGrowth)
        if let problem {
            snapshot.message = problem
        } else if !snapshot.state.isTerminal && quiet >= staleAfter {
            snapshot.message = "no new events for \(Int(quiet)) s: the writer may have stopped (watching \(follower.path))"
        } else if snapshot.state.isTerminal {
            snapshot.message = "the run \(snapshot.state == .finished ? "ended" : "was stopped") at step \(Format.grouped(snapshot.step)); "
                + "watching \(follower.path) for a restart; q quits"
        }
        return snapshot
    }

    public func figures(for snapshot: TrainingSnapshot) -> PanelFigures {
        latestFrame.map { .recorded($0) } ?? .notYet
    }

    public func start(_ options: DashboardStartOptions) {}

    /// Watching ends; the run goes on.
    public func stop() {}

    public func waitUntilFinished(timeout seconds: Double) -> Bool { true }

    // MARK: SteerableRun

    /// Watching ends; the run goes on: `q` quits at once.
    public var quittingStopsTheRun: Bool { false }

    /// The dashboard's knobs this run does not take: every one but those its start event lists.
    public var unavailableKnobs: Set<Knob> {
        let knobs = Set(timeline.steering?.knobs ?? [])
        var unavailable = Set(Knob.allCases)
        if knobs.contains(.target) { unavailable.remove(.target) }
        if knobs.contains(.lr) { unavailable.remove(.learningRate) }
        return unavailable
    }

    @discardableResult
    public func send(_ command: TrainerCommand) -> CommandID {
        if !readIDs, let path = try? commandFile() {
            readIDs = true
            nextID = max(nextID, firstFreeID(in: path))
        }
        let id = CommandID(rawValue: nextID)
        nextID += 1
        switch steeringCommand(for: command, id: id.rawValue) {
        case let .success(line):
            do {
                try append(line)
                sentAt[id] = now()
            } catch {
                refuse(id, "\(error)")
            }
        case let .failure(refusal):
            refuse(id, refusal.description)
        }
        return id
    }

    public func awaitAcknowledgement(of id: CommandID, timeout seconds: Double) -> CommandAcknowledgement? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let acknowledgement = acknowledgements.removeValue(forKey: id) { return acknowledgement }
            if Date() >= deadline { break }
            Thread.sleep(forTimeInterval: 0.005)
            poll()
        }
        awaited.insert(id)
        return nil
    }

    public func takeAcknowledgements() -> [CommandAcknowledgement] {
        defer { unclaimed = [] }
        return unclaimed
    }

    /// The command file line for a dashboard command, or why this run does not take it.
    func steeringCommand(for command: TrainerCommand, id: Int) -> Result<SteeringCommand, KnobCommands.Refusal> {
        let line: SteeringCommand
        switch command {
        case .pause: line = SteeringCommand(id: id, command: .pause)
        case .resume: line = SteeringCommand(id: id, command: .resume)
        case let .setTargetSparsity(target): line = SteeringCommand(id: id, command: .setTarget, value: target)
        // The Float's shortest decimal (0.05, not 0.05000000074505806).
        case let .setLearningRate(rate): line = SteeringCommand(id: id, command: .setLearningRate, value: Double(rate.description) ?? Double(rate))
        default:
            return .failure(KnobCommands.Refusal(description: "refused: the watched run does not take \(Self.describe(command)) "
                                                 + "(it takes \(acceptedDescription))"))
        }
        guard timeline.steering?.knobs?.contains(line.knob) == true else {
            return .failure(KnobCommands.Refusal(description: "refused: the watched run does not take \(Self.describe(command)) "
                                                 + "(it takes \(acceptedDescription))"))
        }
        return .success(line)
    }

    private var acceptedDescription: String {
        let names = (timeline.steering?.knobs ?? []).map { knob in
            switch knob {
            case .pause: "pause"
            case .target: "target sparsity"
            case .lr: "learning rate"
            }
        }
        return names.isEmpty ? "no commands: its log names no knobs" : names.joined(separator: ", ")
    }

    private static func describe(_ command: TrainerCommand) -> String {
        switch command {
        case .pause, .resume: "pause and resume"
        case .step: "single steps"
        case .stop: "stop"
        case .setLearningRate: "the learning rate"
        case .setMethod, .previewMethodSwitch, .undoMethodSwitch: "method switches"
        case .setTargetSparsity: "the target sparsity"
        case .setSparsitySchedule: "schedule changes"
        case .setLayerBudget: "the layer budget"
        case .setGranularity: "the granularity"
        case .rewind: "rewind"
        case .setPace: "a pace"
        case .saveCheckpoint: "checkpoints from the dashboard"
        }
    }

    /// The command file the start event names, beside the log: a plain file name only, so a
    /// log cannot direct prunetop to append anywhere else.
    private func commandFile() throws -> String {
        guard let name = timeline.steering?.commands else {
            throw RunLogError(path: follower.path, line: nil, problem: "steering.commands: the start event names no command file")
        }
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw RunLogError(path: follower.path, line: nil,
                              problem: "steering.commands: expected a file name beside the log, found '\(name)'")
        }
        return ((follower.path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(name)
    }

    /// Appends one line with one write(2), to a file the run created (never created here).
    private func append(_ command: SteeringCommand) throws {
        let path = try commandFile()
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw RunLogError(path: path, line: nil, problem: "cannot open the command file: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array(((try RunLogEncoder.value(command)).rendered + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw RunLogError(path: path, line: nil, problem: "cannot write the command: \(String(cString: strerror(errno)))")
        }
    }

    private func refuse(_ id: CommandID, _ message: String) {
        acknowledgements[id] = CommandAcknowledgement(id: id, outcome: .refused, message: message)
    }

    /// Takes the acknowledgement of a command this dashboard sent; those of commands sent
    /// before it started (another `watch`, or by hand) are history, not answers.
    private func acknowledge(_ event: RunCommandEvent) {
        guard let raw = event.id, let sent = sentAt.removeValue(forKey: CommandID(rawValue: raw)) else { return }
        let id = CommandID(rawValue: raw)
        commandLatency = now().timeIntervalSince(sent)
        let acknowledgement = CommandAcknowledgement(id: id, outcome: event.outcome == .refused ? .refused : .applied, message: event.message)
        if awaited.remove(id) != nil { unclaimed.append(acknowledgement) } else { acknowledgements[id] = acknowledgement }
    }

    /// The id after the largest in the command file: ids stay unique across dashboards.
    private func firstFreeID(in path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 1 }
        let decoder = JSONDecoder()
        let largest = data.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(SteeringCommand.self, from: Data($0)).id }.max()
        return (largest ?? 0) + 1
    }
}
