import Dispatch
import Foundation
import Synchronization

/// Assembles the next training batch on another core while the current step computes.
/// Gathering a batch is mostly waiting on memory (random image rows); overlapping it
/// with the step's GEMMs hides that wait. The batches are exactly those the sampler
/// would give in order, so runs stay bitwise deterministic.
///
/// One worker thread lives as long as the prefetcher, and two batches take turns: the
/// one a step trains on comes back through `recycle` and is rewritten in place for a
/// later step, so a step allocates nothing here.
final class BatchPrefetcher: Sendable {
    typealias Batch = (images: Tensor, labels: [Int32])

    private struct State: Sendable {
        /// The step the worker is asked to gather (or has gathered), and its samples.
        var step: Int?
        var indices: ArraySlice<Int32> = []
        /// The gathered batch, once ready.
        var batch: Batch?
        /// A batch given back, and the one the worker is to rewrite (handed over with the
        /// request, so the worker never takes one a step may still be using).
        var spare: Batch = (.empty, [])
        var work: Batch = (.empty, [])
        var stopping = false
    }

    /// What the worker thread shares with the prefetcher (not the prefetcher itself, so
    /// that the prefetcher can go away and stop it).
    private final class Shared: Sendable {
        let sampler: BatchSampler
        let state = Mutex(State())
        let requested = DispatchSemaphore(value: 0)
        let ready = DispatchSemaphore(value: 0)

        init(sampler: BatchSampler) { self.sampler = sampler }

        func work() {
            while true {
                requested.wait()
                var batch: Batch = (.empty, [])
                guard let request = state.withLock({ state -> (step: Int, indices: ArraySlice<Int32>)? in
                    guard !state.stopping, let step = state.step else { return nil }
                    swap(&batch, &state.work)
                    return (step, state.indices)
                }) else { return }
                sampler.trainingBatch(step: request.step, indices: request.indices, into: &batch)
                state.withLock { $0.batch = batch }
                ready.signal()
            }
        }
    }

    private let shared: Shared

    init(sampler: BatchSampler) {
        shared = Shared(sampler: sampler)
        let thread = Thread { [shared] in shared.work() }
        thread.name = "prunetop.batch-prefetch"
        thread.qualityOfService = .userInitiated
        thread.start()
    }

    deinit {
        shared.state.withLock { $0.stopping = true }
        shared.requested.signal()
    }

    /// Starts gathering the batch of `step` from `indices` (its samples, in order).
    func prefetch(step: Int, indices: ArraySlice<Int32>) {
        discard()
        shared.state.withLock {
            $0.step = step
            $0.indices = indices
            swap(&$0.work, &$0.spare)
        }
        shared.requested.signal()
    }

    /// Waits for the batch being gathered, if any, and drops it: the session is about to
    /// jump to another step, and a stale batch must not be taken for the new one's.
    func discard() {
        guard let batch = takePending(step: nil) else { return }
        recycle(batch)
    }

    /// The prefetched batch of `step`, waiting for it if it is still being gathered; nil
    /// when no prefetch was started for that step.
    func take(step: Int) -> Batch? { takePending(step: step) }

    /// Gives back a batch taken earlier, once the step is done with it, to be rewritten.
    func recycle(_ batch: Batch) {
        shared.state.withLock { $0.spare = batch }
    }

    /// The pending batch when it is that of `step` (nil: of any step), waiting for it.
    private func takePending(step: Int?) -> Batch? {
        guard let pending = shared.state.withLock({ $0.step }), step == nil || pending == step else { return nil }
        shared.ready.wait()
        return shared.state.withLock { state in
            defer {
                state.step = nil
                state.indices = []
                state.batch = nil
            }
            return state.batch
        }
    }
}
