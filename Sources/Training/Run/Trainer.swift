import Dispatch
import Foundation
import Synchronization

/// Runs a `TrainingSession` on a background queue. The only state shared with other
/// threads is the command queue (in), and the latest-snapshot slot and the commands'
/// acknowledgements (out).
public final class Trainer: Sendable {
    public let config: RunConfig
    /// Provenance written into every checkpoint this trainer saves (see `Checkpoint`).
    public let recipeText: String?
    public let overrides: [String]
    private let confined: ConfinedSession
    private let queue = DispatchQueue(label: "prunetop.trainer", qos: .userInitiated)
    private let commands = Mutex<(nextID: Int, pending: [(id: CommandID, command: TrainerCommand)])>((0, []))
    private let wake = DispatchSemaphore(value: 0)
    private let acknowledgements = Mutex<[CommandAcknowledgement]>([])
    /// Signalled once per acknowledgement.
    private let acknowledged = DispatchSemaphore(value: 0)
    /// Acknowledgements nobody takes (a headless run) are dropped past this many.
    private static let keptAcknowledgements = 64
    private let slot = Mutex<TrainingSnapshot?>(nil)
    private let done = DispatchGroup()

    public convenience init(config: RunConfig, dataset: ImageDataset, recipeText: String? = nil,
                            overrides: [String] = []) throws {
        self.init(session: try TrainingSession(config: config, dataset: dataset), progress: TrainerProgress(),
                  recipeText: recipeText, overrides: overrides, message: nil)
    }

    /// Continues the run saved in `checkpoint` at its step, with its provenance, on
    /// `dataset` (the one it trained on). Its config's `startPaused` applies.
    public convenience init(checkpoint: Checkpoint, dataset: ImageDataset, allowingDataChange: Bool = false) throws {
        let session = try TrainingSession(checkpoint: checkpoint, dataset: dataset, allowingDataChange: allowingDataChange)
        self.init(session: session, progress: checkpoint.progress, recipeText: checkpoint.recipeText,
                  overrides: checkpoint.overrides,
                  message: "resumed from \(checkpoint.fileName) at step \(Format.grouped(checkpoint.step))")
    }

    private init(session: TrainingSession, progress: TrainerProgress, recipeText: String?, overrides: [String],
                 message: String?) {
        config = session.config
        self.recipeText = recipeText
        self.overrides = overrides
        confined = ConfinedSession(session, progress: progress, message: message)
    }

    /// The newest snapshot, or nil before the run has started.
    public var latestSnapshot: TrainingSnapshot? { slot.withLock { $0 } }

    /// Queues a command; it takes effect before the next step, and is then acknowledged
    /// under the returned id.
    @discardableResult
    public func send(_ command: TrainerCommand) -> CommandID {
        let id = commands.withLock { queue in
            defer { queue.nextID += 1 }
            queue.pending.append((CommandID(rawValue: queue.nextID), command))
            return CommandID(rawValue: queue.nextID)
        }
        wake.signal()
        return id
    }

    /// The acknowledgements given since the last call, oldest first.
    public func takeAcknowledgements() -> [CommandAcknowledgement] {
        acknowledgements.withLock { given in
            defer { given.removeAll() }
            return given
        }
    }

    /// Blocks until the command `id` is acknowledged, or `seconds` have passed (nil then);
    /// takes that acknowledgement and leaves the others for `takeAcknowledgements`.
    public func awaitAcknowledgement(of id: CommandID, timeout seconds: Double) -> CommandAcknowledgement? {
        let deadline = DispatchTime.now() + seconds
        while true {
            let taken = acknowledgements.withLock { given in given.firstIndex { $0.id == id }.map { given.remove(at: $0) } }
            if let taken { return taken }
            // Each acknowledgement signals once, whoever it is for: look again after each.
            if acknowledged.wait(timeout: deadline) == .timedOut { return nil }
        }
    }

    /// Starts the run at `pace` (`setPace` changes it). `onEvent` is called on the
    /// trainer's queue, in order.
    public func start(pace: RunPace = .fullSpeed, onEvent: @escaping @Sendable (TrainerEvent) -> Void = { _ in }) {
        done.enter()
        queue.async { [self] in
            var loop = RunLoop(trainer: self, session: confined.session, progress: confined.progress,
                               message: confined.message, pace: pace, onEvent: onEvent)
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

    fileprivate func takeCommands() -> [(id: CommandID, command: TrainerCommand)] {
        commands.withLock { queue in
            defer { queue.pending.removeAll() }
            return queue.pending
        }
    }

    fileprivate func acknowledge(_ acknowledgement: CommandAcknowledgement) {
        acknowledgements.withLock { given in
            given.append(acknowledgement)
            if given.count > Self.keptAcknowledgements { given.removeFirst(given.count - Self.keptAcknowledgements) }
        }
        acknowledged.signal()
    }

    fileprivate func waitForCommand() { wake.wait() }

    /// Waits for a command until `deadline` at the latest (a paced run between steps).
    fileprivate func waitForCommand(until deadline: DispatchTime) { _ = wake.wait(timeout: deadline) }

    fileprivate func publish(_ snapshot: TrainingSnapshot) { slot.withLock { $0 = snapshot } }
}

/// The session is only ever touched on the trainer's queue, inside `RunLoop`.
private final class ConfinedSession: @unchecked Sendable {
    let session: TrainingSession
    /// Where the run starts from: the totals and message of a resumed run.
    let progress: TrainerProgress
    let message: String?

    init(_ session: TrainingSession, progress: TrainerProgress, message: String?) {
        self.session = session
        self.progress = progress
        self.message = message
    }
}

/// The body of a run, executed on the trainer's queue.
private struct RunLoop {
    let trainer: Trainer
    let session: TrainingSession
    let onEvent: @Sendable (TrainerEvent) -> Void

    private var state: RunStatus
    private var pendingSteps = 0
    private var pace: RunPace
    private var pausedAtPhaseChange: PhaseChange?
    private var methodSwitchPreview: MethodSwitchPreview?
    /// The run just before the last method switch, for `undoMethodSwitch`.
    private var beforeMethodSwitch: (checkpoint: Checkpoint, undo: UndoableMethodSwitch)?
    /// When a paced run may take its next step.
    private var nextStepDue = DispatchTime.now()
    private var progress: TrainerProgress
    private var message: String?
    /// What the command being applied answered (`announce`, `refuse`); nil if it said nothing.
    private var answer: (outcome: CommandAcknowledgement.Outcome, message: String)?
    private let startTime = Date()
    // Running sums since the previous snapshot.
    private var lossSinceSnapshot = 0.0, stepsSinceSnapshot = 0
    /// The mean loss of the last snapshot that had steps behind it (kept when paused or finished).
    private var recentLoss = Double.nan
    private var samplesSinceSnapshot = 0, secondsSinceSnapshot = 0.0
    private var lastRate = 0.0
    private var lastPublish = Date.distantPast
    /// Where resuming a diverged run goes back to: the last evaluation with a finite test
    /// loss, or where this run started. Kept in memory, taken once per evaluation.
    private var rollbackPoint: Checkpoint
    private var rollbackPointIsEvaluation = false

    init(trainer: Trainer, session: TrainingSession, progress: TrainerProgress, message: String?, pace: RunPace,
         onEvent: @escaping @Sendable (TrainerEvent) -> Void) {
        self.trainer = trainer
        self.session = session
        self.progress = progress
        self.message = message
        self.onEvent = onEvent
        state = session.config.startPaused ? .paused : .running
        self.pace = pace
        rollbackPoint = Checkpoint(session: session, progress: progress)
    }

    mutating func run() {
        ComputeThreads.use(session.config.threads, for: session.model)
        onEvent(.started(publishSnapshot()))
        while true {
            for (id, command) in trainer.takeCommands() {
                answer = nil
                apply(command)
                trainer.acknowledge(CommandAcknowledgement(id: id, outcome: answer?.outcome ?? .applied, message: answer?.message))
            }
            if state == .stopped {
                onEvent(.stopped(publishSnapshot()))
                return
            }
            if session.isComplete {
                if progress.stepsSinceEvaluation > 0 || progress.lastEvaluation == nil { evaluate() }
                state = .finished
                onEvent(.finished(publishSnapshot()))
                return
            }
            if let last = session.config.stopAfterSteps, session.step >= last {
                state = .stopped
                message = "stopped after step \(Format.grouped(session.step)), as the config asks (stop after \(Format.grouped(last)))"
                continue
            }
            let stepping = state == .running || (pendingSteps > 0 && state != .diverged)
            guard stepping else {
                publishSnapshot()
                trainer.waitForCommand()
                continue
            }
            if state == .running, pace.stepsPerSecond != nil, DispatchTime.now() < nextStepDue {
                publishSnapshotIfDue()
                trainer.waitForCommand(until: nextStepDue)
                continue
            }
            if state != .running { pendingSteps -= 1 }
            let phaseBefore = engine.phase
            let began = DispatchTime.now()
            trainOneStep()
            if let rate = pace.stepsPerSecond {
                // From when this step began, not from the last due time: a step that ran
                // late (an evaluation) does not make the next ones hurry to catch up.
                nextStepDue = began + .nanoseconds(Int(1e9 / rate))
            }
            if pace.pausesAtPhaseChanges, state == .running, engine.phase != phaseBefore, !session.isComplete {
                state = .paused
                pausedAtPhaseChange = PhaseChange(from: phaseBefore, to: engine.phase, step: session.step)
                announce("paused where the phase changes, \(phaseBefore.displayName) → \(engine.phase.displayName), after step \(Format.grouped(session.step))")
            }
        }
    }

    private mutating func trainOneStep() {
        let begin = DispatchTime.now().uptimeNanoseconds
        let result = session.trainStep()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
        progress.trainingSeconds += seconds
        secondsSinceSnapshot += seconds
        progress.samplesSeen += result.samples
        samplesSinceSnapshot += result.samples
        guard result.loss.isFinite else {
            state = .diverged
            pendingSteps = 0
            message = "training diverged at step \(session.step): loss is \(result.loss); lower the learning rate, "
                + "then resume: it rolls back to step \(Format.grouped(rollbackPoint.step)) (\(rollbackPointDescription))"
            onEvent(.diverged(publishSnapshot()))
            return
        }
        progress.add(result)
        lossSinceSnapshot += result.loss
        stepsSinceSnapshot += 1

        let evaluateEvery = session.config.evaluateEverySteps ?? session.stepsPerEpoch
        // The dense model at the end of its dense phase: the step after next prunes it.
        let densePhaseEnds = engine.densePhaseEnd == session.step + 1
        if (session.step % evaluateEvery == 0 || densePhaseEnds) && !session.isComplete {
            evaluate()
        } else {
            publishSnapshotIfDue()
        }
        if let every = session.config.checkpointEverySteps, let directory = session.config.checkpointDirectory,
           session.step % every == 0 {
            saveCheckpoint(to: "\(directory)/step-\(String(format: "%06d", session.step)).ckpt", creatingDirectory: true)
        }
    }

    private mutating func evaluate() {
        let evaluation = session.evaluate()
        progress.record(evaluation, atStep: session.step)
        let prunable = layerSnapshots().filter(\.isPrunable)
        let total = prunable.reduce(0) { $0 + $1.parameterCount }, stored = prunable.reduce(0) { $0 + $1.nonzeroCount }
        progress.evaluations.append(EvaluationRecord(
            step: session.step, sparsity: total == 0 ? 0 : 1 - Double(stored) / Double(total), accuracy: evaluation.accuracy,
            prunedAccuracy: evaluation.prunedAccuracy, phase: engine.phase))
        onEvent(.evaluated(publishSnapshot()))
        progress.clearSinceEvaluation()
        if evaluation.loss.isFinite {
            rollbackPoint = Checkpoint(session: session, progress: progress)
            rollbackPointIsEvaluation = true
        }
    }

    private var rollbackPointDescription: String {
        rollbackPointIsEvaluation ? "the last evaluation before the divergence" : "where the run started"
    }

    /// Back to the rollback point, with the learning rate set since; the run goes on.
    private mutating func rollBack() {
        let learningRate = session.baseLearningRate
        do {
            try session.restore(rollbackPoint)
        } catch {
            return refuse("cannot roll back: \(error)")
        }
        session.baseLearningRate = learningRate
        progress = rollbackPoint.progress
        state = .running
        announce("rolled back to step \(Format.grouped(session.step)) (\(rollbackPointDescription))")
    }

    /// True when the checkpoint was written; `message` says where, or why not.
    @discardableResult
    private mutating func saveCheckpoint(to path: String, creatingDirectory: Bool = false) -> Bool {
        do {
            if creatingDirectory { try CheckpointFile.createDirectory(CheckpointFile.directoryName(path), for: path) }
            try Checkpoint(session: session, progress: progress, recipeText: trainer.recipeText,
                           overrides: trainer.overrides).write(to: path)
            message = "checkpoint saved to \(path) at step \(Format.grouped(session.step))"
            onEvent(.checkpointSaved(path: path, publishSnapshot()))
            return true
        } catch {
            message = "\(error)"
            onEvent(.checkpointFailed(path: path, reason: "\(error)", publishSnapshot()))
            return false
        }
    }

    private mutating func apply(_ command: TrainerCommand) {
        switch command {
        case .pause:
            if state == .running { state = .paused }
        case .resume:
            if state == .diverged {
                rollBack()
            } else if state == .paused {
                state = .running
                pausedAtPhaseChange = nil
            }
        case let .step(count):
            guard count > 0 else { return refuse("step count must be positive, got \(count)") }
            if state == .running { state = .paused }
            pendingSteps += count
        case .stop:
            state = .stopped
        case let .setLearningRate(rate):
            if let problem = SettingRules.learningRate.problem(Double(rate)) { return refuse("learning rate: \(problem)") }
            let old = session.baseLearningRate
            session.baseLearningRate = rate
            announce("learning rate \(Format.rate(old)) → \(Format.rate(rate)) at step \(Format.grouped(session.step))")
        case let .setMethod(name):
            let old = engine.method.name, kept = beforeMethodSwitch
            // Set first: the announcement's snapshot says the switch can be undone.
            beforeMethodSwitch = (Checkpoint(session: session, progress: progress), UndoableMethodSwitch(from: old, to: name, step: session.step))
            changeSparsity("method \(old) → \(name)") { try $0.switchMethod(to: name) }
            if engine.method.name != name || name == old { beforeMethodSwitch = kept }
        case let .previewMethodSwitch(name):
            previewMethodSwitch(to: name)
        case .undoMethodSwitch:
            undoMethodSwitch()
        case let .setTargetSparsity(target):
            let old = engine.target
            changeSparsity("target sparsity \(Format.fraction(old)) → \(Format.fraction(target))") { try $0.setTarget(target) }
        case let .setSparsitySchedule(schedule):
            changeSparsity("schedule \(engine.schedule.name) → \(schedule.name)") { try $0.setSchedule(schedule) }
        case let .setLayerBudget(budget):
            changeSparsity("budget \(engine.budget.name) → \(budget.name)") { try $0.setBudget(budget) }
        case let .setGranularity(granularity):
            changeSparsity("granularity \(engine.granularity.name) → \(granularity.name)") { try $0.setGranularity(granularity) }
        case .rewind:
            changeSparsity("rewound") { try $0.rewind() }
        case let .setPace(newPace):
            if let rate = newPace.stepsPerSecond, let problem = SettingRules.pace.problem(rate) { return refuse("pace: \(problem)") }
            let old = pace
            pace = newPace
            nextStepDue = .now()
            announce(old.pausesAtPhaseChanges == newPace.pausesAtPhaseChanges
                     ? "pace \(old) → \(newPace) at step \(Format.grouped(session.step))"
                     : "\(newPace.pausesAtPhaseChanges ? "pausing" : "no longer pausing") at phase changes, pace \(newPace)")
        case let .saveCheckpoint(path):
            // Its weights are not finite: such a checkpoint could only diverge again.
            guard state != .diverged else { return refuse("the run has diverged; resume (it rolls back), then save") }
            let saved = saveCheckpoint(to: path)
            answer = (saved ? .applied : .refused, message ?? "")
        }
    }

    private var engine: SparsityEngine { session.sparsity }

    /// Switches, counts the masks that changed, and restores the run bitwise.
    private mutating func previewMethodSwitch(to name: String) {
        let before = Checkpoint(session: session, progress: progress)
        let old = engine.method.name, masks = engine.masks, sparsityBefore = engine.measuredSparsity
        do {
            try engine.switchMethod(to: name)
        } catch {
            return refuse("\(error)")
        }
        let changed = zip(masks, engine.masks).reduce(0) { total, pair in
            total + zip(pair.0, pair.1).reduce(0) { $0 + ($1.0 != $1.1 ? 1 : 0) }
        }
        let preview = MethodSwitchPreview(from: old, to: name, step: session.step, changedMasks: changed,
                                          prunableWeights: masks.reduce(0) { $0 + $1.count },
                                          sparsityBefore: sparsityBefore, sparsityAfter: engine.measuredSparsity)
        do {
            try session.restore(before)
        } catch {
            // The run is no longer the one previewed: say so, never go on silently.
            state = .paused
            return refuse("the preview could not put the run back (\(error)); paused")
        }
        methodSwitchPreview = preview
        message = "preview: \(name) would change \(Format.grouped(changed)) masks at once"
        answer = (.applied, message!)
        publishSnapshot()
    }

    private mutating func undoMethodSwitch() {
        guard let (checkpoint, undo) = beforeMethodSwitch else { return refuse("there is no method switch to undo") }
        let dropped = session.step - undo.step
        do {
            try session.restore(checkpoint)
        } catch {
            return refuse("cannot undo the method switch: \(error)")
        }
        progress = checkpoint.progress
        beforeMethodSwitch = nil
        announce("undone: \(undo.to) → back to \(undo.from) at step \(Format.grouped(undo.step))"
                 + (dropped > 0 ? " (the \(Format.grouped(dropped)) steps since dropped)" : ""))
    }

    /// Applies a sparsity knob, or refuses it with the engine's reason and changes nothing.
    private mutating func changeSparsity(_ description: String, _ change: (SparsityEngine) throws -> Void) {
        do {
            try change(engine)
            announce("\(description) at step \(Format.grouped(session.step))")
        } catch {
            refuse("\(error)")
        }
    }

    private mutating func refuse(_ reason: String) { announce("refused: \(reason)", outcome: .refused) }

    private mutating func announce(_ text: String, outcome: CommandAcknowledgement.Outcome = .applied) {
        message = text
        answer = (outcome, text)
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

    private mutating func publishSnapshotIfDue() {
        if Date().timeIntervalSince(lastPublish) >= session.config.snapshotIntervalSeconds { publishSnapshot() }
    }

    @discardableResult
    private mutating func publishSnapshot() -> TrainingSnapshot {
        if secondsSinceSnapshot > 0 { lastRate = Double(samplesSinceSnapshot) / secondsSinceSnapshot }
        if stepsSinceSnapshot > 0 { recentLoss = lossSinceSnapshot / Double(stepsSinceSnapshot) }
        let snapshot = TrainingSnapshot(
            state: state,
            model: session.model.name,
            dataset: session.dataset.name,
            step: session.step,
            totalSteps: session.totalSteps,
            stepsPerEpoch: session.stepsPerEpoch,
            trainLoss: progress.trainLoss,
            trainAccuracy: progress.trainAccuracy,
            recentLoss: recentLoss,
            testAccuracy: progress.lastEvaluation?.accuracy,
            prunedTestAccuracy: progress.lastEvaluation?.prunedAccuracy,
            testLoss: progress.lastEvaluation?.loss,
            evaluationStep: progress.lastEvaluationStep,
            testPredictions: progress.lastEvaluation?.predictions ?? [],
            testLabels: session.dataset.testLabels,
            activationZeros: progress.lastEvaluation?.activationZeros ?? [],
            learningRate: session.learningRate,
            baseLearningRate: session.baseLearningRate,
            samplesPerSecond: lastRate,
            samplesSeen: progress.samplesSeen,
            trainingSeconds: progress.trainingSeconds,
            elapsedSeconds: Date().timeIntervalSince(startTime),
            layers: layerSnapshots(),
            sparsity: engine.snapshot,
            compute: progress.compute,
            evaluations: progress.evaluations,
            message: message,
            pace: pace,
            pausedAtPhaseChange: state == .paused ? pausedAtPhaseChange : nil,
            methodSwitchPreview: methodSwitchPreview,
            undoableMethodSwitch: beforeMethodSwitch?.undo,
            buffers: Dictionary(session.model.buffers.map { ($0.name, $0.values) }, uniquingKeysWith: { a, _ in a }))
        trainer.publish(snapshot)
        lastPublish = Date()
        lossSinceSnapshot = 0
        stepsSinceSnapshot = 0
        samplesSinceSnapshot = 0
        secondsSinceSnapshot = 0
        return snapshot
    }
}
