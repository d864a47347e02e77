import ArgumentParser
import Foundation
import Metrics
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
    func write(_ value: JSONValue) {
        let line = Array((value.rendered + "\n").utf8)
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

/// The JSON shape of each event.
enum RunEventJSON {
    static func start(config: RunConfig, dataset: ImageDataset, network: NetworkDescription, provenance: RunProvenance,
                      snapshot: TrainingSnapshot) -> JSONValue {
        let prunable = SparsityStatistics.prunableLayers(of: snapshot.layers)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return .object([
            ("event", .string("start")),
            ("config", configJSON(config)),
            ("dataset", .object([
                ("name", .string(dataset.name)), ("source", .string(dataset.source)),
                ("train", .int(dataset.trainCount)), ("test", .int(dataset.testCount)),
                ("channels", .int(dataset.channels)), ("rows", .int(dataset.rows)), ("columns", .int(dataset.columns)),
                ("classes", .int(dataset.classCount)),
            ])),
            ("steps_per_epoch", .int(snapshot.stepsPerEpoch)),
            ("total_steps", .int(snapshot.totalSteps)),
            ("parameters", .int(snapshot.layers.reduce(0) { $0 + $1.parameterCount })),
            ("prunable", .array(prunable.map { .object([("name", .string($0.name)), ("params", .int($0.parameterCount))]) })),
            ("blas_core", .string(BLASRuntime.coreName)),
            // Encoding a value of plain structs, strings and numbers cannot fail.
            ("network", .raw(String(decoding: try! encoder.encode(network), as: UTF8.self))),
        ] + provenance.fields)
    }

    static func configJSON(_ config: RunConfig) -> JSONValue {
        var optimizer: [(String, JSONValue)] = [("name", .string(config.optimizer.name))]
        switch config.optimizer {
        case let .sgd(momentum, nesterov, weightDecay):
            optimizer += [("momentum", .number(momentum)), ("nesterov", .bool(nesterov)), ("weight_decay", .number(weightDecay))]
        case let .adam(beta1, beta2, epsilon, weightDecay):
            optimizer += [("beta1", .number(beta1)), ("beta2", .number(beta2)), ("epsilon", .number(epsilon)),
                          ("weight_decay", .number(weightDecay))]
        }
        var schedule: [(String, JSONValue)] = [("name", .string(config.learningRateSchedule.name)),
                                               ("warmup_steps", .int(config.learningRateSchedule.warmupSteps))]
        switch config.learningRateSchedule.decay {
        case let .step(every, gamma): schedule += [("every", .int(every)), ("gamma", .number(gamma))]
        case let .cosine(minimumFactor): schedule += [("minimum_factor", .number(minimumFactor))]
        case .constant: break
        }
        return .object([
            ("model", .string(config.model)),
            ("data", config.dataDirectory.map(JSONValue.string) ?? .null),
            ("augment", .bool(config.augment)),
            ("epochs", .int(config.epochs)),
            ("batch", .int(config.batchSize)),
            ("lr", .number(config.learningRate)),
            ("lr_schedule", .object(schedule)),
            ("optimizer", .object(optimizer)),
            ("seed", .string(String(config.seed))),
            ("threads", .int(config.threads)),
            ("eval_every", config.evaluateEverySteps.map(JSONValue.int) ?? .null),
            ("sparsity", .object([
                ("method", .string(config.sparsity.method)),
                ("target", .number(config.sparsity.target)),
                ("schedule", config.sparsity.schedule.map { .string($0.name) } ?? .null),
                ("budget", config.sparsity.budget.map { .string($0.name) } ?? .null),
                ("granularity", config.sparsity.granularity.map { .string($0.name) } ?? .null),
                ("options", .object(config.sparsity.options.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })),
            ])),
        ])
    }

    /// `sparsity` and `compression` count the weights a sparse format stores (kept by the
    /// mask and non-zero): for DropBack, its tracked weights.
    static func sparsityFields(_ snapshot: TrainingSnapshot) -> [(String, JSONValue)] {
        let prunable = SparsityStatistics.prunableLayers(of: snapshot.layers)
        return [("method", .string(snapshot.sparsity.method)),
                ("phase", .string(snapshot.sparsity.phase.displayName)),
                ("target", .number(snapshot.sparsity.scheduledTarget)),
                ("sparsity", .number(SparsityStatistics.overallSparsity(prunable))),
                ("compression", .number(SparsityStatistics.compression(prunable))),
                ("mask_churn", .int(snapshot.sparsity.lastMaskChurn))]
    }

    /// What the network computes (`FLOPModel`): the reductions of one training step and
    /// one inference now, and the run's training multiply-adds so far, actual and
    /// dense-equivalent (comparable with SWAT's whole-run "Train FLOPs" columns).
    static func flopFields(_ snapshot: TrainingSnapshot, shapes: [LayerShape]) -> [(String, JSONValue)] {
        let step = FLOPModel.network(shapes, densities: FLOPModel.measuredDensities(shapes, snapshot: snapshot))
        let run = FLOPModel.cumulative(shapes, ledger: snapshot.compute, names: snapshot.layers.filter(\.isPrunable).map(\.name))
        return [("sparsified", .string(snapshot.sparsity.operands.rawValue)),
                ("step_train_flops_reduction", .number(step.trainingReduction)),
                ("inference_flops_reduction", .number(step.inferenceReduction)),
                ("train_macs", .number(run.sparse.training)),
                ("train_macs_dense", .number(run.dense.training)),
                ("train_flops_reduction", .number(run.trainingReduction)),
                ("train_macs_from_step", .int(snapshot.compute.fromStep))]
    }

    /// Between evaluations: enough for the live curves when the run is replayed.
    static func progress(_ snapshot: TrainingSnapshot) -> JSONValue {
        .object([
            ("event", .string("progress")),
            ("step", .int(snapshot.step)),
            ("state", .string(snapshot.state.rawValue)),
            ("loss", .number(snapshot.recentLoss)),
            ("lr", .number(snapshot.learningRate)),
            ("samples_per_s", .number(snapshot.samplesPerSecond)),
        ] + sparsityFields(snapshot) + [
            ("last_update_step", snapshot.sparsity.lastUpdateStep.map(JSONValue.int) ?? .null),
            ("message", snapshot.message.map(JSONValue.string) ?? .null),
            ("seconds", .number(snapshot.elapsedSeconds)),
        ])
    }

    static func evaluation(_ snapshot: TrainingSnapshot, shapes: [LayerShape], frame: RecordedFrame? = nil) -> JSONValue {
        let prunable = SparsityStatistics.prunableLayers(of: snapshot.layers)
        return .object([
            ("event", .string("eval")),
            ("step", .int(snapshot.step)),
            ("epoch", .number(snapshot.epochProgress)),
            ("train_loss", .number(snapshot.trainLoss)),
            ("train_acc", .number(snapshot.trainAccuracy)),
            ("test_loss", .optional(snapshot.testLoss)),
            ("test_acc", .optional(snapshot.testAccuracy)),
            ("test_acc_pruned", .optional(snapshot.prunedTestAccuracy)),
            ("lr", .number(snapshot.learningRate)),
        ] + sparsityFields(snapshot) + flopFields(snapshot, shapes: shapes) + [
            ("layers", .array(zip(prunable, snapshot.layers.filter(\.isPrunable)).enumerated().map { index, pair in
                let (stats, layer) = pair
                let activationDensity = snapshot.sparsity.activationDensities.flatMap { index < $0.count ? $0[index] : nil }
                return .object([("name", .string(stats.name)), ("shape", .array(layer.shape.map(JSONValue.int))),
                         ("params", .int(stats.parameterCount)), ("nonzero", .int(stats.nonzeroCount)),
                         ("computed", .int(layer.computedNonzeroCount)),
                         ("activation_density", activationDensity.map(JSONValue.number) ?? .null),
                         ("target", layer.targetSparsity.map(JSONValue.number) ?? .null),
                         ("histogram", histogramJSON(layer))])
            })),
            ("method_stats", .object(snapshot.sparsity.statistics.map { ($0.name, .number($0.value)) })),
            ("activation_sparsity", .number(ActivationSparsity.networkAverage(snapshot.activationZeros.map {
                ActivationSparsity(name: $0.layer, elementCount: $0.elements, zeroCount: $0.zeros)
            }))),
            ("samples_per_s", .number(snapshot.samplesPerSecond)),
            ("seconds", .number(snapshot.elapsedSeconds)),
            ("frame", frame.map { .raw($0.json) } ?? .null),
        ])
    }

    /// The layer's weights in 41 bins over a symmetric range (kept and pruned counted apart).
    static func histogramJSON(_ layer: LayerSnapshot) -> JSONValue {
        var range = StableHistogramRange()
        let histogram = WeightHistogram.weights(of: layer, binCount: 41, range: &range)
        return .object([("lower", .number(histogram.lowerBound)), ("upper", .number(histogram.upperBound)),
                        ("kept", .array(histogram.kept.map(JSONValue.int))), ("pruned", .array(histogram.pruned.map(JSONValue.int)))])
    }

    static func end(_ event: String, _ snapshot: TrainingSnapshot, shapes: [LayerShape]) -> JSONValue {
        .object([
            ("event", .string(event)),
            ("step", .int(snapshot.step)),
            ("epoch", .number(snapshot.epochProgress)),
            ("test_acc", .optional(snapshot.testAccuracy)),
            ("test_acc_pruned", .optional(snapshot.prunedTestAccuracy)),
            ("test_loss", .optional(snapshot.testLoss)),
        ] + sparsityFields(snapshot) + flopFields(snapshot, shapes: shapes) + [
            ("seconds", .number(snapshot.elapsedSeconds)),
            ("training_seconds", .number(snapshot.trainingSeconds)),
            ("samples_per_s", .number(snapshot.trainingSeconds > 0 ? Double(snapshot.samplesSeen) / snapshot.trainingSeconds : 0)),
            ("message", snapshot.message.map(JSONValue.string) ?? .null),
        ])
    }
}
