import ArgumentParser
import DashboardModel
import Foundation
import Metrics
import RunLogs
import Training

/// Writes a run's events as JSON lines, each line with one write(2) so a crash loses at
/// most the line being written. A failed write (disk full, file gone) does not stop the
/// run: `onFailure` hears about the first one, and later lines are still tried.
/// (POSIX calls rather than FileHandle: Foundation's write(contentsOf:) on Linux does not
/// report ENOSPC.)
final class RunLogWriter: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()
    private var failed = false
    let path: String
    var onFailure: @Sendable (String) -> Void = { Terminal.standardError("warning: \($0); training goes on\n") }

    /// Creates the log. A file already holding something is never truncated silently: it
    /// is refused (nothing has run yet) unless `overwrite` says to replace it; an empty one
    /// is reused.
    init(path: String, overwrite: Bool = false) throws {
        var descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if descriptor < 0 && errno == EEXIST {
            var status = stat()
            let size = stat(path, &status) == 0 ? Int(status.st_size) : 0
            guard overwrite || size == 0 else {
                throw ValidationError("--jsonl: \(path) already holds \(size) bytes (an earlier run's log?); give a new file, "
                                      + "or --overwrite to replace it")
            }
            descriptor = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        }
        guard descriptor >= 0 else {
            throw ValidationError("--jsonl: cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// One line; safe from any thread (the trainer's events and the progress poll both write).
    func write(_ event: RunLogEvent) {
        let line = Array((RunLogEncoder.line(event) + "\n").utf8)
        let firstFailure: String? = lock.withLock {
            guard let problem = writeAll(line) else { return nil }
            defer { failed = true }
            return failed ? nil : "cannot write the run log \(path): \(problem)"
        }
        if let firstFailure { onFailure(firstFailure) }
    }

    /// nil when every byte was written, else why not.
    private func writeAll(_ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += written
        }
        return nil
    }
}

/// The events the recorder writes (`RunLogEvent`'s structs), filled from the run.
enum RecordedEvents {
    static func start(config: RunConfig, dataset: ImageDataset, network: NetworkDescription, provenance: RunProvenance,
                      snapshot: TrainingSnapshot) -> RunLogEvent {
        let prunable = SparsityStatistics.prunableLayers(of: snapshot.layers)
        return .start(RunStartEvent(
            config: self.config(config),
            dataset: RunStartEvent.Dataset(name: dataset.name, source: dataset.source, train: dataset.trainCount, test: dataset.testCount,
                                           channels: dataset.channels, rows: dataset.rows, columns: dataset.columns,
                                           classes: dataset.classCount),
            stepsPerEpoch: snapshot.stepsPerEpoch,
            totalSteps: snapshot.totalSteps,
            parameters: snapshot.layers.reduce(0) { $0 + $1.parameterCount },
            prunable: prunable.map { RunStartEvent.PrunableTensor(name: $0.name, params: $0.parameterCount) },
            blasCore: BLASRuntime.coreName,
            network: network,
            recipe: provenance.recipe,
            resumedFrom: provenance.resumed))
    }

    /// A Float as its shortest decimal (0.05, not 0.05000000074505806), as logs write it.
    static func decimal(_ value: Float) -> Double { Double(value.description) ?? Double(value) }

    static func config(_ config: RunConfig) -> RunStartEvent.Config {
        var optimizer = RunStartEvent.Optimizer(name: config.optimizer.name)
        switch config.optimizer {
        case let .sgd(momentum, nesterov, weightDecay):
            (optimizer.momentum, optimizer.nesterov, optimizer.weightDecay) = (decimal(momentum), nesterov, decimal(weightDecay))
        case let .adam(beta1, beta2, epsilon, weightDecay):
            (optimizer.beta1, optimizer.beta2, optimizer.epsilon, optimizer.weightDecay) =
                (decimal(beta1), decimal(beta2), decimal(epsilon), decimal(weightDecay))
        }
        var schedule = RunStartEvent.LearningRateSchedule(name: config.learningRateSchedule.name,
                                                          warmupSteps: config.learningRateSchedule.warmupSteps)
        switch config.learningRateSchedule.decay {
        case let .step(every, gamma): (schedule.every, schedule.gamma) = (every, decimal(gamma))
        case let .cosine(minimumFactor): schedule.minimumFactor = decimal(minimumFactor)
        case .constant: break
        }
        return RunStartEvent.Config(
            model: config.model, data: config.dataDirectory, augment: config.augment, epochs: config.epochs, batch: config.batchSize,
            lr: decimal(config.learningRate), lrSchedule: schedule, optimizer: optimizer, seed: String(config.seed),
            threads: config.threads, evalEvery: config.evaluateEverySteps,
            sparsity: RunStartEvent.Sparsity(method: config.sparsity.method, target: config.sparsity.target,
                                             schedule: config.sparsity.schedule?.name, budget: config.sparsity.budget?.name,
                                             granularity: config.sparsity.granularity?.name,
                                             options: RunLogNumbers(config.sparsity.options.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })))
    }

    /// `sparsity` and `compression` count the weights a sparse format stores (kept by the
    /// mask and non-zero): for DropBack, its tracked weights.
    static func setSparsity(_ event: inout some RunLogSparsityFields, _ snapshot: TrainingSnapshot) {
        let prunable = SparsityStatistics.prunableLayers(of: snapshot.layers)
        event.method = snapshot.sparsity.method
        event.phase = snapshot.sparsity.phase
        event.target = snapshot.sparsity.scheduledTarget
        event.sparsity = SparsityStatistics.overallSparsity(prunable)
        event.compression = SparsityStatistics.compression(prunable)
        event.maskChurn = snapshot.sparsity.lastMaskChurn
        event.lastUpdateStep = snapshot.sparsity.lastUpdateStep
    }

    /// What the network computes (`FLOPModel`): the reductions of one training step and
    /// one inference now, and the run's training multiply-adds so far, actual and
    /// dense-equivalent (comparable with SWAT's whole-run "Train FLOPs" columns).
    static func setFLOPs(_ event: inout some RunLogFLOPFields, _ snapshot: TrainingSnapshot, shapes: [LayerShape]) {
        let step = FLOPModel.network(shapes, densities: FLOPModel.measuredDensities(shapes, snapshot: snapshot))
        let run = FLOPModel.cumulative(shapes, ledger: snapshot.compute, names: snapshot.layers.filter(\.isPrunable).map(\.name))
        event.sparsified = snapshot.sparsity.operands.rawValue
        event.stepTrainFLOPsReduction = step.trainingReduction
        event.inferenceFLOPsReduction = step.inferenceReduction
        event.trainMACs = run.sparse.training
        event.trainMACsDense = run.dense.training
        event.trainFLOPsReduction = run.trainingReduction
        event.trainMACsFromStep = snapshot.compute.fromStep
    }

    /// Between evaluations: enough for the live curves when the run is replayed.
    static func progress(_ snapshot: TrainingSnapshot) -> RunLogEvent {
        var event = RunProgressEvent(step: snapshot.step)
        event.state = snapshot.state.rawValue
        event.loss = snapshot.recentLoss
        event.lr = decimal(snapshot.learningRate)
        event.samplesPerSecond = snapshot.samplesPerSecond
        setSparsity(&event, snapshot)
        event.message = snapshot.message
        event.seconds = snapshot.elapsedSeconds
        return .progress(event)
    }

    static func evaluation(_ snapshot: TrainingSnapshot, shapes: [LayerShape], frame: RecordedFrame? = nil) -> RunLogEvent {
        let prunable = SparsityStatistics.prunableLayers(of: snapshot.layers)
        var event = RunEvaluationEvent(step: snapshot.step)
        event.epoch = snapshot.epochProgress
        event.trainLoss = snapshot.trainLoss
        event.trainAccuracy = snapshot.trainAccuracy
        event.testLoss = snapshot.testLoss
        event.testAccuracy = snapshot.testAccuracy
        event.prunedTestAccuracy = snapshot.prunedTestAccuracy
        event.lr = decimal(snapshot.learningRate)
        setSparsity(&event, snapshot)
        setFLOPs(&event, snapshot, shapes: shapes)
        event.layers = zip(prunable, snapshot.layers.filter(\.isPrunable)).enumerated().map { index, pair in
            let (stats, layer) = pair
            return RunEvaluationEvent.Layer(
                name: stats.name, shape: layer.shape, params: stats.parameterCount, nonzero: stats.nonzeroCount,
                computed: layer.computedNonzeroCount,
                activationDensity: snapshot.sparsity.activationDensities.flatMap { index < $0.count ? $0[index] : nil },
                target: layer.targetSparsity, histogram: histogram(layer))
        }
        event.methodStats = RunLogNumbers(snapshot.sparsity.statistics.map { ($0.name, $0.value) })
        event.activationSparsity = ActivationSparsity.networkAverage(snapshot.activationZeros.map {
            ActivationSparsity(name: $0.layer, elementCount: $0.elements, zeroCount: $0.zeros)
        })
        event.samplesPerSecond = snapshot.samplesPerSecond
        event.seconds = snapshot.elapsedSeconds
        event.frame = frame
        return .evaluation(event)
    }

    /// The layer's weights in 41 bins over a symmetric range (kept and pruned counted apart).
    static func histogram(_ layer: LayerSnapshot) -> RunEvaluationEvent.Histogram {
        var range = StableHistogramRange()
        let histogram = WeightHistogram.weights(of: layer, binCount: 41, range: &range)
        return RunEvaluationEvent.Histogram(lower: histogram.lowerBound, upper: histogram.upperBound, kept: histogram.kept,
                                            pruned: histogram.pruned)
    }

    static func end(_ outcome: RunOutcome, _ snapshot: TrainingSnapshot, shapes: [LayerShape]) -> RunLogEvent {
        var event = RunEndEvent(outcome, step: snapshot.step)
        event.epoch = snapshot.epochProgress
        event.testAccuracy = snapshot.testAccuracy
        event.prunedTestAccuracy = snapshot.prunedTestAccuracy
        event.testLoss = snapshot.testLoss
        setSparsity(&event, snapshot)
        setFLOPs(&event, snapshot, shapes: shapes)
        event.seconds = snapshot.elapsedSeconds
        event.trainingSeconds = snapshot.trainingSeconds
        event.samplesPerSecond = snapshot.trainingSeconds > 0 ? Double(snapshot.samplesSeen) / snapshot.trainingSeconds : 0
        event.message = snapshot.message
        return .end(event)
    }
}
