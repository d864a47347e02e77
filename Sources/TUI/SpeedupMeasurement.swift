import Dispatch
import Foundation
import Metrics
import SparseKernels
import Synchronization
import Training

/// A measured sparse-vs-dense CPU inference speedup, and the step whose masks it ran.
public struct CPUSpeedupReading: Sendable, Equatable {
    public var speedup: Double
    public var step: Int

    public init(speedup: Double, step: Int) {
        self.speedup = speedup
        self.step = step
    }
}

/// Measures sparse-vs-dense inference on the current masks in the background when they
/// change (about 60 ms of one core each): at most every 10 s while the run trains, at once
/// when it is paused or over (nothing competes for the CPU then, and the last masks of a
/// finished run must not be left unmeasured), for the Speedup panel.
final class SpeedupMeasurement: Sendable {
    private struct State {
        var latest: CPUSpeedupReading?
        /// The mask update `latest` ran on (`SparsitySnapshot.lastUpdateStep`).
        var latestUpdate: Int?
        var lastUpdate: Int?
        var lastRun = Date.distantPast
        var running = false
        var finished = false
    }

    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "prunetop.speedup", qos: .utility)

    var latest: CPUSpeedupReading? { state.withLock { $0.latest } }

    func requestIfMasksChanged(_ snapshot: TrainingSnapshot) {
        let update = snapshot.sparsity.lastUpdateStep
        let idle = snapshot.state != .running
        let due = state.withLock { s -> Bool in
            guard !s.finished, !s.running else { return false }
            if let latest = s.latest, s.latestUpdate == update {
                // The masks have not changed since the reading: it holds for this step's too.
                s.latest = CPUSpeedupReading(speedup: latest.speedup, step: max(latest.step, snapshot.step))
                return false
            }
            guard s.lastUpdate != update || s.latest == nil,
                  idle || Date().timeIntervalSince(s.lastRun) > 10 else { return false }
            s.running = true
            s.lastUpdate = update
            s.lastRun = Date()
            return true
        }
        guard due else { return }
        let layers = snapshot.layers.filter(\.isPrunable), step = snapshot.step
        queue.async { [self] in
            let measured = try? SparseInferenceBenchmark.measure(layers: layers, batch: 1)
            state.withLock {
                if let measured {
                    $0.latest = CPUSpeedupReading(speedup: measured.speedup, step: step)
                    $0.latestUpdate = update
                }
                $0.running = false
            }
        }
    }

    /// Waits for a measurement in flight (tests).
    func finishPending() { queue.sync {} }

    /// Takes no more requests and waits for a measurement in flight. The dashboard calls
    /// this before it returns: the process must not exit while OpenBLAS multiplies on
    /// this queue, because OpenBLAS unmaps its buffers at exit and the multiply then
    /// faults (a hang-up during the first measurement ended with SIGSEGV, not 129).
    func finish() {
        state.withLock { $0.finished = true }
        queue.sync {}
    }
}
