import DashboardModel
import Foundation
import Metrics
import Training

/// A recorded run as a sequence of moments (progress lines, evaluations, the end), each a
/// snapshot without weights and, at evaluations, the recorded panels: what
/// `prunetop replay` plays back through the dashboard.
public struct ReplayTimeline: Sendable {
    public struct Moment: Sendable {
        /// Seconds since the run started, as recorded.
        public var seconds: Double
        public var snapshot: TrainingSnapshot
        public var frame: RecordedFrame?
    }

    public var moments: [Moment] = []
    /// The line number of a last line cut off while it was written, left out; nil when whole.
    public var incompleteLastLine: Int?
    public var model = "?"
    /// The network as the start event describes it; nil in logs written before it did
    /// (their networks are zoo models, rebuilt by name).
    public var network: NetworkDescription?
    /// The data's [channels, rows, columns] and class count, to rebuild the model's shapes.
    public var imageShape: [Int] = []
    public var classCount = 10
    /// The commands the run takes, from its start event; nil for prunetop's own logs.
    public var steering: RunSteering?
    /// Whether a start event was read.
    public private(set) var hasStart = false
    private var dataset = "?", method = "?", finalTarget = 0.0, totalSteps = 0, stepsPerEpoch = 1
    private var layers: [LayerSnapshot] = []
    private var evaluations: [EvaluationRecord] = []
    /// The latest moment, kept when a follower drops the moments it has shown.
    private var current: TrainingSnapshot?

    /// An empty timeline that lines are added to as a log grows (`take(line:number:path:)`).
    public init() {}

    public init(path: String) throws {
        let text: String
        do { text = try RegularFile.readText(path) } catch {
            throw RunLogError(path: path, line: nil, problem: "cannot read the file: \(error.description)")
        }
        try self.init(text: text, path: path)
    }

    public init(text: String, path: String) throws {
        let lines = try RunLogLines(text: text, path: path)
        incompleteLastLine = lines.incompleteLastLine
        for line in lines.lines { try take(line) }
        guard !moments.isEmpty else { throw RunLogError(path: path, line: nil, problem: "no recorded progress or evaluations to replay") }
    }

    /// Adds one whole line of a growing log (without its line break) and returns its event.
    /// A start event after the first begins the timeline again (`startedOver`): the writer
    /// restarted. A line that does not decode, or holds values out of range, throws an error
    /// naming the file, the line and the key, and changes nothing.
    @discardableResult
    public mutating func take(line: Substring, number: Int, path: String) throws -> (event: RunLogEvent, startedOver: Bool) {
        let decoded = try RunLogLines.decode(line, number: number, path: path)
        var copy = self
        var startedOver = false
        if case .start = decoded.event, hasStart {
            copy = ReplayTimeline()
            startedOver = true
        }
        try copy.take(decoded)
        self = copy
        return (decoded.event, startedOver)
    }

    mutating func take(_ line: RunLogLine) throws {
        let recorded: RecordedMoment
        switch line.event {
        case let .start(start):
            hasStart = true
            steering = start.steering
            model = start.config?.model ?? "?"
            dataset = start.dataset?.name ?? "?"
            guard let rows = start.dataset?.rows, let columns = start.dataset?.columns else {
                throw line.error("dataset: expected the images' rows and columns as integers")
            }
            // Logs from before colour images have no channels: greyscale.
            imageShape = [start.dataset?.channels ?? 1, rows, columns]
            classCount = start.dataset?.classes ?? 10
            // The replay builds the model for these shapes: images as a data set can
            // hold them (at most 512x512 pixels of 1 to 4 channels here) and, for a log that
            // does not describe its network (a zoo model, rebuilt), byte labels.
            let classLimit = start.network == nil ? 256 : Int.max
            guard (1...Self.maximumImageSide).contains(imageShape[1]), (1...Self.maximumImageSide).contains(imageShape[2]),
                  imageShape[1] * imageShape[2] <= Self.maximumImagePixels, (1...classLimit).contains(classCount)
            else {
                let classes = classLimit == 256 ? "1 to 256 classes" : "at least 1 class"
                throw line.error("dataset: expected images of 1 to \(Self.maximumImagePixels) pixels and \(classes), "
                                 + "found \(imageShape[1])x\(imageShape[2]) and \(classCount) classes")
            }
            guard (1...Self.maximumImageChannels).contains(imageShape[0]) else {
                throw line.error("dataset.channels: expected 1 to \(Self.maximumImageChannels), found \(imageShape[0])")
            }
            network = start.network
            method = start.config?.sparsity?.method ?? "?"
            finalTarget = try line.fraction(start.config?.sparsity?.target, "config.sparsity.target") ?? 0
            totalSteps = try line.count(try line.required(start.totalSteps, "total_steps", "an integer"), "total_steps")
            stepsPerEpoch = try line.required(start.stepsPerEpoch, "steps_per_epoch", "an integer")
            guard stepsPerEpoch >= 1 else {
                throw line.error("steps_per_epoch: expected an integer >= 1, found \(stepsPerEpoch)")
            }
            return
        case let .command(command):
            // A steered run's knobs after an applied command: the target the knob shows.
            if command.outcome == .applied, let target = try line.fraction(command.target, "target") { finalTarget = target }
            return
        case let .progress(progress): recorded = RecordedMoment(progress)
        case let .evaluation(evaluation): recorded = RecordedMoment(evaluation)
        case let .end(end):
            // An end before anything to replay has nothing to end.
            guard current != nil else { return }
            recorded = RecordedMoment(end)
        default:
            return
        }
        let step = try line.count(recorded.step, "step")
        var frame: RecordedFrame?
        if recorded.isEvaluation {
            layers = try (recorded.layers ?? []).map { layer in
                let shape = layer.shape ?? [], nonzero = layer.nonzero ?? 0
                guard let elements = Self.elementCount(shape), (0...elements).contains(nonzero) else {
                    throw line.error("layers: expected a shape of sizes >= 0 (at most 2^40 weights) and nonzero from 0 to its "
                                     + "weights, found \(shape) and \(nonzero)")
                }
                return LayerSnapshot(recordedName: layer.name ?? "?", shape: shape, nonzeroCount: nonzero,
                                     targetSparsity: try line.fraction(layer.target, "layers.target"))
            }
        }
        if let recordedFrame = recorded.frame {
            if let problem = recordedFrame.consistencyProblem { throw line.error("frame: \(problem)") }
            frame = recordedFrame
        }
        for (key, value) in [("loss", recorded.loss), ("lr", recorded.lr), ("samples_per_s", recorded.samplesPerSecond),
                             ("seconds", recorded.seconds)] {
            if let value, !value.isFinite || (key != "loss" && value < 0) {
                throw line.error("\(key): expected a finite number\(key == "loss" ? "" : " >= 0"), found \(value)")
            }
        }
        let testAccuracy = try line.fraction(recorded.testAccuracy, "test_acc")
        let prunedAccuracy = try line.fraction(recorded.prunedTestAccuracy, "test_acc_pruned")
        let scheduledTarget = try line.fraction(recorded.target, "target")
        let measuredSparsity = try line.fraction(recorded.sparsity, "sparsity")
        let lastUpdateStep = try line.count(recorded.lastUpdateStep, "last_update_step")
        let maskChurn = try line.count(recorded.maskChurn, "mask_churn")
        // The method's statistics are logged at evaluations; between them the last ones hold.
        let statistics = recorded.methodStats.map { stats in stats.entries.map { MethodStatistic($0.name, $0.value) }.sorted { $0.name < $1.name } }
        let previous = current
        let isEvaluation = recorded.isEvaluation || (recorded.countsAsEvaluation && testAccuracy != nil)
        if recorded.isEvaluation, let testAccuracy {
            evaluations.append(EvaluationRecord(step: step, sparsity: measuredSparsity ?? 0, accuracy: testAccuracy,
                                                prunedAccuracy: prunedAccuracy, phase: recorded.phase ?? .unrecorded))
        }
        current = TrainingSnapshot(
            recordedState: recorded.state, model: model, dataset: dataset, step: step, totalSteps: totalSteps,
            stepsPerEpoch: stepsPerEpoch,
            recentLoss: recorded.loss ?? previous?.recentLoss ?? .nan,
            testAccuracy: isEvaluation ? testAccuracy : previous?.testAccuracy,
            prunedTestAccuracy: isEvaluation ? prunedAccuracy : previous?.prunedTestAccuracy,
            testLoss: isEvaluation ? recorded.testLoss : previous?.testLoss,
            evaluationStep: recorded.isEvaluation ? step : previous?.evaluationStep,
            learningRate: Float(recorded.lr ?? Double(previous?.learningRate ?? 0)),
            samplesPerSecond: recorded.samplesPerSecond ?? previous?.samplesPerSecond ?? 0,
            elapsedSeconds: recorded.seconds ?? previous?.elapsedSeconds ?? 0,
            layers: layers,
            sparsity: SparsitySnapshot(recordedMethod: recorded.method ?? method, target: finalTarget,
                                       scheduledTarget: scheduledTarget ?? previous?.sparsity.scheduledTarget ?? 0,
                                       measured: measuredSparsity ?? previous?.sparsity.measured ?? 0,
                                       phase: recorded.phase ?? previous?.sparsity.phase ?? .unrecorded,
                                       lastUpdateStep: lastUpdateStep ?? previous?.sparsity.lastUpdateStep,
                                       lastMaskChurn: maskChurn ?? previous?.sparsity.lastMaskChurn ?? 0,
                                       statistics: statistics ?? previous?.sparsity.statistics ?? []),
            evaluations: evaluations,
            message: recorded.message ?? previous?.message)
        moments.append(Moment(seconds: current!.elapsedSeconds, snapshot: current!, frame: frame))
    }

    /// The latest moment's snapshot, also once `moments` were emptied.
    public var latestSnapshot: TrainingSnapshot? { current }

    /// The largest image side and size a replay accepts (the model is rebuilt for them).
    public static let maximumImageSide = 4096
    public static let maximumImagePixels = 512 * 512
    /// Greyscale, RGB, RGBA.
    public static let maximumImageChannels = 4

    /// Weights of a tensor of this shape; nil for a negative size or more than 2^40.
    private static func elementCount(_ shape: [Int]) -> Int? {
        var product = 1
        for size in shape {
            guard size >= 0 else { return nil }
            let (result, overflow) = product.multipliedReportingOverflow(by: size)
            guard !overflow, result <= 1 << 40 else { return nil }
            product = result
        }
        return product
    }
}

/// What a replay reads of a progress line, an evaluation or the run's end: one moment.
private struct RecordedMoment {
    var state: RunStatus
    var step: Int
    /// An `eval` line; an end line with a test accuracy `countsAsEvaluation` (the run's
    /// final evaluation, shown as the latest), but is not one of the run's evaluations.
    var isEvaluation = false
    var countsAsEvaluation = false
    var loss: Double?
    var lr: Double?
    var samplesPerSecond: Double?
    var seconds: Double?
    var testAccuracy: Double?
    var prunedTestAccuracy: Double?
    var testLoss: Double?
    var method: String?
    var phase: TrainingPhase?
    var target: Double?
    var sparsity: Double?
    var maskChurn: Int?
    var lastUpdateStep: Int?
    var methodStats: RunLogNumbers?
    var message: String?
    var layers: [RunEvaluationEvent.Layer]?
    var frame: RecordedFrame?

    init(_ event: RunProgressEvent) {
        state = event.state.flatMap(RunStatus.init(rawValue:)) ?? .running
        step = event.step
        (loss, lr, samplesPerSecond, seconds) = (event.loss, event.lr, event.samplesPerSecond, event.seconds)
        (method, phase, target, sparsity, maskChurn) = (event.method, event.phase, event.target, event.sparsity, event.maskChurn)
        (lastUpdateStep, message) = (event.lastUpdateStep, event.message)
    }

    init(_ event: RunEvaluationEvent) {
        state = .running
        step = event.step
        isEvaluation = true
        // The mean training loss since the previous evaluation: the loss curve's point here,
        // so a run too quick for progress lines between its evaluations still has one.
        loss = event.trainLoss
        (lr, samplesPerSecond, seconds) = (event.lr, event.samplesPerSecond, event.seconds)
        (testAccuracy, prunedTestAccuracy, testLoss) = (event.testAccuracy, event.prunedTestAccuracy, event.testLoss)
        (method, phase, target, sparsity, maskChurn) = (event.method, event.phase, event.target, event.sparsity, event.maskChurn)
        (methodStats, layers, frame) = (event.methodStats, event.layers, event.frame)
        lastUpdateStep = event.lastUpdateStep
    }

    init(_ event: RunEndEvent) {
        state = switch event.outcome {
        case .done: .finished
        case .stopped: .stopped
        case .diverged: .diverged
        }
        step = event.step
        countsAsEvaluation = event.outcome != .diverged
        (samplesPerSecond, seconds, message) = (event.samplesPerSecond, event.seconds, event.message)
        (testAccuracy, prunedTestAccuracy, testLoss) = (event.testAccuracy, event.prunedTestAccuracy, event.testLoss)
        (method, phase, target, sparsity, maskChurn) = (event.method, event.phase, event.target, event.sparsity, event.maskChurn)
        lastUpdateStep = event.lastUpdateStep
    }
}
