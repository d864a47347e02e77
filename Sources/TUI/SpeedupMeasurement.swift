import Dispatch
import Foundation
import Metrics
import SparseKernels
import Synchronization
import Training

/// A measured sparse-vs-dense CPU inference speedup, what it ran, and the step whose masks it ran.
public struct CPUSpeedupReading: Sendable, Equatable {
    public var speedup: Double
    public var step: Int
    /// Samples per timed inference.
    public var batch: Int
    /// Layers the plan ran with the sparse kernel, of the Conv2D and Dense layers it could.
    public var sparseLayers: Int
    public var layers: Int

    public init(speedup: Double, step: Int, batch: Int, sparseLayers: Int, layers: Int) {
        self.speedup = speedup
        self.step = step
        self.batch = batch
        self.sparseLayers = sparseLayers
        self.layers = layers
    }

    init(_ measurement: SparseInferenceMeasurement, step: Int) {
        self.init(speedup: measurement.speedup, step: step, batch: measurement.batch,
                  sparseLayers: measurement.usesSparse.filter { $0 }.count, layers: measurement.usesSparse.count)
    }
}

/// Measures sparse-vs-dense inference at batch 1 on the current masks in the background
/// when they change: at most every 10 s while the run trains, at once when it is paused or
/// over (nothing competes for the CPU then, and the last masks of a finished run must not
/// be left unmeasured), for the Speedup panel. An MLP of lenet300's shape runs
/// `SparseInferenceNetwork` (about 60 ms of one core); any other network runs
/// `SparseModelInference` on the dashboard's own copy of the model (resnet20: ~0.4 s), with
/// the snapshot's parameters and buffers (batch-norm running statistics): the network as
/// the run's evaluation computes it.
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
    /// The network to run for a non-MLP; nil: the MLP path.
    private let network: QueueConfinedModel?

    /// `model`: a copy of the run's network that nothing else uses from now on (its
    /// parameters are overwritten on the measurement queue); nil measures MLPs only.
    init(model: Model? = nil) {
        network = model.flatMap { SparseInferenceNetwork.runs($0.description) ? nil : QueueConfinedModel(model: $0) }
    }

    var latest: CPUSpeedupReading? { state.withLock { $0.latest } }

    func requestIfMasksChanged(_ snapshot: TrainingSnapshot) {
        let update = snapshot.sparsity.lastUpdateStep
        let idle = snapshot.state != .running
        let due = state.withLock { s -> Bool in
            guard !s.finished, !s.running else { return false }
            if let latest = s.latest, s.latestUpdate == update {
                // The masks have not changed since the reading: it holds for this step's too.
                s.latest?.step = max(latest.step, snapshot.step)
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
        let (layers, buffers, step) = (snapshot.layers, snapshot.buffers, snapshot.step)
        queue.async { [self] in
            let measured = measure(layers, buffers: buffers)
            state.withLock {
                if let measured {
                    $0.latest = CPUSpeedupReading(measured, step: step)
                    $0.latestUpdate = update
                }
                $0.running = false
            }
        }
    }

    /// On the queue.
    private func measure(_ layers: [LayerSnapshot], buffers: [String: [Float]]) -> SparseInferenceMeasurement? {
        guard let network else { return try? SparseInferenceBenchmark.measure(layers: layers.filter(\.isPrunable), batch: 1) }
        guard let inference = try? SparseModelInference(model: network.model, layers: layers, buffers: buffers) else { return nil }
        return SparseInferenceBenchmark.measure(inference: inference, batch: 1)
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

/// The dashboard's copy of the run's network, touched only on the measurement queue.
private final class QueueConfinedModel: @unchecked Sendable {
    let model: Model
    init(model: Model) { self.model = model }
}
