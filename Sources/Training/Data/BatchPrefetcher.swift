import Dispatch
import Synchronization

/// Assembles the next training batch on another core while the current step computes.
/// Gathering a batch is mostly waiting on memory (random image rows); overlapping it
/// with the step's GEMMs hides that wait. The batches are exactly those the sampler
/// would give in order, so runs stay bitwise deterministic.
final class BatchPrefetcher: Sendable {
    typealias Batch = (images: Tensor, labels: [Int32])

    private let sampler: BatchSampler
    private let queue = DispatchQueue(label: "prunetop.batch-prefetch", qos: .userInitiated)
    /// The step whose batch is being (or has been) prepared, and the batch once ready.
    private let pending = Mutex<(step: Int, batch: Batch?)?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    init(sampler: BatchSampler) { self.sampler = sampler }

    /// Starts gathering the batch of `step` from `indices` (its samples, in order).
    func prefetch(step: Int, indices: [Int32]) {
        pending.withLock { $0 = (step, nil) }
        queue.async { [self] in
            let batch = sampler.trainingBatch(step: step, indices: indices[...])
            pending.withLock { $0?.batch = batch }
            ready.signal()
        }
    }

    /// Waits for the batch being gathered, if any, and drops it: the session is about to
    /// jump to another step, and a stale batch must not be taken for the new one's.
    func discard() {
        guard pending.withLock({ $0 != nil }) else { return }
        ready.wait()
        pending.withLock { $0 = nil }
    }

    /// The prefetched batch of `step`, waiting for it if it is still being gathered; nil
    /// when no prefetch was started for that step.
    func take(step: Int) -> Batch? {
        guard pending.withLock({ $0?.step }) == step else { return nil }
        ready.wait()
        return pending.withLock { state in
            defer { state = nil }
            return state?.batch
        }
    }
}
