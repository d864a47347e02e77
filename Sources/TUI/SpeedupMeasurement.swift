import Dispatch
import Foundation
import Metrics
import Synchronization
import Training

/// Measures sparse-vs-dense inference on the current masks in the background when they
/// change (at most every 10 s; about 60 ms of one core each), for the Speedup panel.
final class SpeedupMeasurement: Sendable {
    private struct State {
        var latest: Double?
        var lastUpdate: Int?
        var lastRun = Date.distantPast
        var running = false
        var finished = false
    }

    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "prunetop.speedup", qos: .utility)

    var latest: Double? { state.withLock { $0.latest } }

    func requestIfMasksChanged(_ snapshot: TrainingSnapshot) {
        let update = snapshot.sparsity.lastUpdateStep
        let due = state.withLock { s -> Bool in
            guard !s.finished, !s.running, s.lastUpdate != update || s.latest == nil,
                  Date().timeIntervalSince(s.lastRun) > 10 else { return false }
            s.running = true
            s.lastUpdate = update
            s.lastRun = Date()
            return true
        }
        guard due else { return }
        let layers = snapshot.layers.filter(\.isPrunable)
        queue.async { [self] in
            let measured = try? SparseInferenceBenchmark.measure(layers: layers, batch: 1)
            state.withLock {
                $0.latest = measured?.speedup ?? $0.latest
                $0.running = false
            }
        }
    }

    /// Takes no more requests and waits for a measurement in flight. The dashboard calls
    /// this before it returns: the process must not exit while OpenBLAS multiplies on
    /// this queue, because OpenBLAS unmaps its buffers at exit and the multiply then
    /// faults (a hang-up during the first measurement ended with SIGSEGV, not 129).
    func finish() {
        state.withLock { $0.finished = true }
        queue.sync {}
    }
}
