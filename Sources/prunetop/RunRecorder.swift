import DashboardModel
import Foundation
import Metrics
import RunLogs
import Training

/// Writes a run's JSONL log as it goes (flushed line by line): the trainer's events, with
/// each evaluation's panels (`RecordedFrame`), and progress lines between evaluations, so
/// `prunetop replay` can show the run again and `export` can tabulate it.
final class RunRecorder: @unchecked Sendable {
    private let log: RunLogWriter
    private let config: RunConfig
    private let dataset: ImageDataset
    private let provenance: RunProvenance
    private let lock = NSLock()
    private var frameContext: DashboardFrameContext
    private var lastProgressStep = -1
    /// Set once the run's last event ("done", "stopped" or "diverged") is written: a
    /// progress line the main thread took just before must not follow it.
    private var ended = false
    private let network: NetworkDescription

    init(path: String, overwrite: Bool = false, setup: RunSetup) throws {
        log = try RunLogWriter(path: path, overwrite: overwrite)
        config = setup.config
        dataset = setup.dataset
        provenance = setup.provenance
        let model = try config.makeModel(inputShape: dataset.sampleShape, classCount: dataset.classCount)
        frameContext = DashboardFrameContext(model: model)
        network = model.description
    }

    var path: String { log.path }

    /// Call from the trainer's event callback. `diverged` tells a stop after divergence apart.
    func record(_ event: TrainerEvent, diverged: Bool = false) {
        switch event {
        case let .started(snapshot):
            log.write(RecordedEvents.start(config: config, dataset: dataset, network: network, provenance: provenance, snapshot: snapshot))
        case let .evaluated(snapshot):
            let frame = lock.withLock { RecordedFrame.record(snapshot, context: &frameContext) }
            log.write(RecordedEvents.evaluation(snapshot, shapes: frameContext.shapes, frame: frame))
        case let .finished(snapshot): writeEnd(RecordedEvents.end(.done, snapshot, shapes: frameContext.shapes))
        case let .stopped(snapshot): writeEnd(RecordedEvents.end(diverged ? .diverged : .stopped, snapshot, shapes: frameContext.shapes))
        case let .diverged(snapshot): log.write(RecordedEvents.progress(snapshot))
        case let .checkpointSaved(path, snapshot):
            log.write(.checkpoint(RunCheckpointEvent(step: snapshot.step, path: path)))
        case let .checkpointFailed(path, reason, snapshot):
            log.write(.checkpointFailed(RunCheckpointFailedEvent(step: snapshot.step, path: path, reason: reason)))
        case let .commandApplied(description, snapshot):
            log.write(.command(RunCommandEvent(step: snapshot.step, message: description)))
        }
    }

    /// Call a few times a second with the latest snapshot; writes when the step moved and
    /// the run has not ended.
    func progress(_ snapshot: TrainingSnapshot) {
        lock.withLock {
            guard !ended, snapshot.step != lastProgressStep else { return }
            lastProgressStep = snapshot.step
            log.write(RecordedEvents.progress(snapshot))
        }
    }

    private func writeEnd(_ event: RunLogEvent) {
        lock.withLock {
            ended = true
            log.write(event)
        }
    }
}
