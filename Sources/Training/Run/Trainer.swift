import Dispatch
import Foundation
import Synchronization

/// Runs a `TrainingSession` on a background queue. The only state shared with other
/// threads is the command queue (in) and the latest-snapshot slot (out).
public final class Trainer: Sendable {
    public let config: RunConfig
    private let confined: ConfinedSession
    private let queue = DispatchQueue(label: "prunetop.trainer", qos: .userInitiated)
    private let commands = Mutex<[TrainerCommand]>([])
    private let wake = DispatchSemaphore(value: 0)
    private let slot = Mutex<TrainingSnapshot?>(nil)
    private let done = DispatchGroup()

    public init(config: RunConfig, dataset: ImageDataset) throws {
        self.config = config
        confined = ConfinedSession(try TrainingSession(config: config, dataset: dataset))
    }

    /// The newest snapshot, or nil before the run has started.
    public var latestSnapshot: TrainingSnapshot? { slot.withLock { $0 } }

    /// Queues a command; it takes effect before the next step.
    public func send(_ command: TrainerCommand) {
        commands.withLock { $0.append(command) }
        wake.signal()
    }

    /// Starts the run. `onEvent` is called on the trainer's queue, in order.
    public func start(onEvent: @escaping @Sendable (TrainerEvent) -> Void = { _ in }) {
        done.enter()
        queue.async { [self] in
            var loop = RunLoop(trainer: self, session: confined.session, onEvent: onEvent)
            loop.run()
            done.leave()
        }
    }

    /// Blocks until the run has finished or stopped.
    public func waitUntilFinished() { done.wait() }

    /// Waits up to `seconds`; true when the run has ended.
    public func waitUntilFinished(timeout seconds: Double) -> Bool {
        done.wait(timeout: .now() + seconds) == .success
    }

    fileprivate func takeCommands() -> [TrainerCommand] {
        commands.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
    }

    fileprivate func waitForCommand() { wake.wait() }

    fileprivate func publish(_ snapshot: TrainingSnapshot) { slot.withLock { $0 = snapshot } }
}

/// The session is only ever touched on the trainer's queue, inside `RunLoop`.
private final class ConfinedSession: @unchecked Sendable {
    let session: TrainingSession
    init(_ session: TrainingSession) { self.session = session }
}

/// The body of a run, executed on the trainer's queue.
private struct RunLoop {
    let trainer: Trainer
    let session: TrainingSession
    let onEvent: @Sendable (TrainerEvent) -> Void

    private var state: RunState
    private var pendingSteps = 0
    private var lastEvaluation: TrainingSession.Evaluation?
    private var lastEvaluationStep: Int?
    private var message: String?
    private let startTime = Date()
    private var trainingSeconds = 0.0
    private var samplesSeen = 0
    // Running sums since the previous evaluation, and since the previous snapshot.
    private var lossSinceEval = 0.0, correctSinceEval = 0, samplesSinceEval = 0, stepsSinceEval = 0
    private var lossSinceSnapshot = 0.0, stepsSinceSnapshot = 0
    private var samplesSinceSnapshot = 0, secondsSinceSnapshot = 0.0
    private var lastRate = 0.0
    private var lastPublish = Date.distantPast

    init(trainer: Trainer, session: TrainingSession, onEvent: @escaping @Sendable (TrainerEvent) -> Void) {
        self.trainer = trainer
        self.session = session
        self.onEvent = onEvent
        state = session.config.startPaused ? .paused : .running
    }

    mutating func run() {
        setBLASThreads(session.config.threads)
        onEvent(.started(publishSnapshot()))
        while true {
            for command in trainer.takeCommands() { apply(command) }
            if state == .stopped {
                onEvent(.stopped(publishSnapshot()))
                return
            }
            if session.isComplete {
                if stepsSinceEval > 0 || lastEvaluation == nil { evaluate() }
                state = .finished
                onEvent(.finished(publishSnapshot()))
                return
            }
            let stepping = state == .running || (pendingSteps > 0 && state != .diverged)
            guard stepping else {
                publishSnapshot()
                trainer.waitForCommand()
                continue
            }
            if state != .running { pendingSteps -= 1 }
            trainOneStep()
        }
    }

    private mutating func trainOneStep() {
        let begin = DispatchTime.now().uptimeNanoseconds
        let result = session.trainStep()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
        trainingSeconds += seconds
        secondsSinceSnapshot += seconds
        samplesSeen += result.samples
        samplesSinceSnapshot += result.samples
        guard result.loss.isFinite else {
            state = .diverged
            pendingSteps = 0
            message = "training diverged at step \(session.step): loss is \(result.loss); lower the learning rate, then resume"
            onEvent(.diverged(publishSnapshot()))
            return
        }
        lossSinceEval += result.loss
        correctSinceEval += result.correct
        samplesSinceEval += result.samples
        stepsSinceEval += 1
        lossSinceSnapshot += result.loss
        stepsSinceSnapshot += 1

        let evaluateEvery = session.config.evaluateEverySteps ?? session.stepsPerEpoch
        if session.step % evaluateEvery == 0 && !session.isComplete {
            evaluate()
        } else if Date().timeIntervalSince(lastPublish) >= session.config.snapshotIntervalSeconds {
            publishSnapshot()
        }
    }

    private mutating func evaluate() {
        lastEvaluation = session.evaluate()
        lastEvaluationStep = session.step
        onEvent(.evaluated(publishSnapshot()))
        lossSinceEval = 0
        correctSinceEval = 0
        samplesSinceEval = 0
        stepsSinceEval = 0
    }

    private mutating func apply(_ command: TrainerCommand) {
        switch command {
        case .pause:
            if state == .running { state = .paused }
        case .resume:
            if state == .paused || state == .diverged { state = .running }
        case let .step(count):
            guard count > 0 else { return refuse("step count must be positive, got \(count)") }
            if state == .running { state = .paused }
            pendingSteps += count
        case .stop:
            state = .stopped
        case let .setLearningRate(rate):
            guard rate.isFinite && rate > 0 else { return refuse("learning rate must be a positive number, got \(rate)") }
            let old = session.baseLearningRate
            session.baseLearningRate = rate
            announce("learning rate \(old) → \(rate) at step \(session.step)")
        case let .setMethod(name):
            let old = engine.method.name
            changeSparsity("method \(old) → \(name)") { try $0.switchMethod(to: name) }
        case let .setTargetSparsity(target):
            let old = engine.target
            changeSparsity(String(format: "target sparsity %.2f → %.2f", old, target)) { try $0.setTarget(target) }
        case let .setSparsitySchedule(schedule):
            changeSparsity("schedule \(engine.schedule.name) → \(schedule.name)") { try $0.setSchedule(schedule) }
        case let .setLayerBudget(budget):
            changeSparsity("budget \(engine.budget.name) → \(budget.name)") { try $0.setBudget(budget) }
        case let .setGranularity(granularity):
            changeSparsity("granularity \(engine.granularity.name) → \(granularity.name)") { try $0.setGranularity(granularity) }
        case .rewind:
            changeSparsity("rewound") { try $0.rewind() }
        }
    }

    private var engine: SparsityEngine { session.sparsity }

    /// Applies a sparsity knob, or refuses it with the engine's reason and changes nothing.
    private mutating func changeSparsity(_ description: String, _ change: (SparsityEngine) throws -> Void) {
        do {
            try change(engine)
            announce("\(description) at step \(Format.grouped(session.step))")
        } catch {
            refuse("\(error)")
        }
    }

    private mutating func refuse(_ reason: String) { announce("refused: \(reason)") }

    private mutating func announce(_ text: String) {
        message = text
        onEvent(.commandApplied(text, publishSnapshot()))
    }

    private func layerSnapshots() -> [LayerSnapshot] {
        let targets = engine.layerTargets(for: engine.scheduledSparsity(at: session.step))
        return session.model.parameters.map { parameter in
            guard let l = engine.prunable.firstIndex(where: { $0 === parameter }) else { return LayerSnapshot(parameter: parameter) }
            return LayerSnapshot(parameter: parameter, effectiveWeights: engine.effectiveWeights(l),
                                 mask: engine.masks[l], targetSparsity: targets[l])
        }
    }

    @discardableResult
    private mutating func publishSnapshot() -> TrainingSnapshot {
        if secondsSinceSnapshot > 0 { lastRate = Double(samplesSinceSnapshot) / secondsSinceSnapshot }
        let snapshot = TrainingSnapshot(
            state: state,
            model: session.model.name,
            dataset: session.dataset.name,
            step: session.step,
            totalSteps: session.totalSteps,
            stepsPerEpoch: session.stepsPerEpoch,
            trainLoss: stepsSinceEval > 0 ? lossSinceEval / Double(stepsSinceEval) : .nan,
            trainAccuracy: samplesSinceEval > 0 ? Double(correctSinceEval) / Double(samplesSinceEval) : .nan,
            recentLoss: stepsSinceSnapshot > 0 ? lossSinceSnapshot / Double(stepsSinceSnapshot) : .nan,
            testAccuracy: lastEvaluation?.accuracy,
            testLoss: lastEvaluation?.loss,
            evaluationStep: lastEvaluationStep,
            testPredictions: lastEvaluation?.predictions ?? [],
            testLabels: session.dataset.testLabels,
            activationZeros: lastEvaluation?.activationZeros ?? [],
            learningRate: session.learningRate,
            baseLearningRate: session.baseLearningRate,
            samplesPerSecond: lastRate,
            samplesSeen: samplesSeen,
            trainingSeconds: trainingSeconds,
            elapsedSeconds: Date().timeIntervalSince(startTime),
            layers: layerSnapshots(),
            sparsity: engine.snapshot,
            message: message)
        trainer.publish(snapshot)
        lastPublish = Date()
        lossSinceSnapshot = 0
        stepsSinceSnapshot = 0
        samplesSinceSnapshot = 0
        secondsSinceSnapshot = 0
        return snapshot
    }
}
