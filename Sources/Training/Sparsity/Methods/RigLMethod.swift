import Foundation

/// Rigging the Lottery (Evci, Gale, Menick, Castro & Elsen 2020, arXiv:1911.11134, §3 and Algorithm 1:
/// drop and grow criteria, cosine update schedule, ERK budget; survey: Hoefler et al. 2021,
/// arXiv:2102.00554, §3.9 and §4.2).
///
/// The network is sparse from the start: a random mask within Erdős–Rényi-Kernel layer
/// budgets (from `engine.generator`). Every ΔT steps (`delta_t`) until T_end
/// (`t_end_fraction` of the run), each layer drops k = ⌊f(t)·n⌋ of its n active weights,
/// those of smallest |w|, and grows the k positions with the largest |∂L/∂w| of the
/// current minibatch among those inactive after the drop. The gradient is the dense one
/// read in `afterBackward`, before the engine masks it. Grown weights start at zero with
/// zero optimizer state. The drop fraction decays as
/// f(t) = α/2·(1 + cos(π·t/T_end)) (`alpha`); after T_end the mask is fixed.
///
/// The "dropped weights cannot come back" question: RigL grows among all connections
/// not kept after the drop (Algorithm 1, ArgTopK over i ∉ θ \ I_drop), so a weight
/// dropped in this update is a growth candidate. In the reference code
/// (google-research/rigl, `SparseSETOptimizer._get_update_op`) such a weight keeps its
/// value and momentum, which amounts to not dropping it. This implementation does the
/// same; the `regrown` statistic counts those weights.
///
/// Choices where the paper is silent or its code differs:
/// - Updates at t = ΔT, 2ΔT, ... while t < T_end, where t counts completed steps
///   (the reference code also updates once at step 0, before any training).
/// - The reference code skips the optimizer step on an update step; here the
///   optimizer step is taken as on any step and the update follows it, so the drop
///   ranks the weights after that step.
/// - No tie-breaking noise on |w| (the reference code adds N(0, 1e-5)); ties go to the
///   lower index, so results are exactly reproducible.
/// - A live switch to RigL, or a changed target or budget, keeps the largest |w| per
///   layer (growing at random if the budget grew); see `DynamicSparseTraining.establish`.
public final class RigLMethod: SparsityMethod {
    public static let descriptor = MethodDescriptor(
        name: "rigl",
        summary: "RigL: random ERK-sparse start; every ΔT drop smallest |w|, grow largest |grad|, cosine-decayed",
        options: [
            MethodOption("alpha", default: 0.3, range: 0...1, "initial drop fraction α of the cosine decay"),
            MethodOption("delta_t", default: 100, range: 1...1e9, integer: true, "steps between mask updates ΔT"),
            MethodOption("t_end_fraction", default: 0.75, range: 0...1, "last mask update at this fraction of the run (T_end)"),
        ],
        defaultBudget: LayerBudget(.erdosRenyiKernel),
        honorsGranularity: false,
        make: { RigLMethod(options: $0) })

    public let name = "rigl"
    let alpha: Double
    let deltaT: Int
    let endFraction: Double
    /// |dense gradient| of the minibatch of an update step, captured in afterBackward.
    private var gradientMagnitudes: [[Float]]?
    /// At the last update: weights dropped, grown, dropped-then-regrown, the drop fraction.
    public private(set) var dropped = 0
    public private(set) var grown = 0
    public private(set) var regrown = 0
    public private(set) var lastDropFraction = 0.0
    public private(set) var updates = 0
    private var isAfterEnd = false

    init(options: MethodOptions) {
        alpha = options["alpha"]
        deltaT = max(options.integer("delta_t"), 1)
        endFraction = options["t_end_fraction"]
    }

    /// f(t) = α/2·(1 + cos(π·t/T_end)) for t < T_end, else 0.
    public static func dropFraction(step: Int, alpha: Double, endStep: Int) -> Double {
        guard step < endStep, endStep > 0 else { return 0 }
        return alpha / 2 * (1 + cos(Double.pi * Double(step) / Double(endStep)))
    }

    /// T_end in steps for this run.
    public func endStep(_ engine: SparsityEngine) -> Int {
        Int((endFraction * Double(engine.totalSteps)).rounded())
    }

    /// Whether the mask is updated after `step` completed steps.
    public func isUpdateStep(_ step: Int, _ engine: SparsityEngine) -> Bool {
        step > 0 && step % deltaT == 0 && step < endStep(engine)
    }

    public func begin(_ engine: SparsityEngine) {
        DynamicSparseTraining.establish(engine, sparsity: engine.scheduledSparsity(at: engine.step))
        isAfterEnd = engine.target > 0 && engine.step >= endStep(engine)
    }

    public func afterBackward(_ engine: SparsityEngine) {
        // engine.step counts the steps before this one; the update follows this step.
        guard isUpdateStep(engine.step + 1, engine) else { return }
        gradientMagnitudes = engine.prunable.map { parameter in
            parameter.gradient.map { $0.isFinite ? abs($0) : 0 }
        }
    }

    public func afterStep(_ engine: SparsityEngine) {
        if engine.consumeUpdateDue() {
            DynamicSparseTraining.establish(engine, sparsity: engine.scheduledSparsity(at: engine.step))
        }
        isAfterEnd = engine.target > 0 && engine.step >= endStep(engine)
        guard isUpdateStep(engine.step, engine), let gradients = gradientMagnitudes else { return }
        gradientMagnitudes = nil
        update(engine, gradients: gradients, fraction: Self.dropFraction(step: engine.step, alpha: alpha,
                                                                         endStep: endStep(engine)))
    }

    func update(_ engine: SparsityEngine, gradients: [[Float]], fraction: Double) {
        var masks = engine.masks
        var newConnections: [[Int]] = []
        var droppedTotal = 0, grownTotal = 0, regrownTotal = 0
        for l in masks.indices {
            let parameter = engine.prunable[l]
            let before = masks[l]
            let active = before.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
            let count = min(Int((fraction * Double(active)).rounded(.down)), before.count - active)
            let drop = DynamicSparseTraining.smallestActive(mask: before, weights: parameter.value, count: count)
            let candidates = DynamicSparseTraining.growthCandidates(mask: before, dropped: drop)
            let grow = MaskSelection.topIndices(candidates.map { gradients[l][$0] }, keep: count).map { candidates[$0] }
            for i in drop { masks[l][i] = 0 }
            for i in grow { masks[l][i] = 1 }
            // Dropped and grown again: keeps its value and momentum (RigL's code).
            let fresh = grow.filter { before[$0] == 0 }
            newConnections.append(fresh)
            droppedTotal += drop.count
            grownTotal += grow.count
            regrownTotal += grow.count - fresh.count
        }
        engine.setMasks(masks)
        for (l, fresh) in newConnections.enumerated() where !fresh.isEmpty {
            let parameter = engine.prunable[l]
            var keep = [Float](repeating: 1, count: parameter.count)
            for i in fresh {
                keep[i] = 0
                parameter.value[i] = 0
            }
            engine.services.maskOptimizerState(parameter.index, keep)
        }
        dropped = droppedTotal
        grown = grownTotal
        regrown = regrownTotal
        lastDropFraction = fraction
        updates += 1
    }

    public var statistics: [MethodStatistic] {
        [MethodStatistic("dropped", Double(dropped)), MethodStatistic("grown", Double(grown)),
         MethodStatistic("regrown", Double(regrown)), MethodStatistic("drop fraction", lastDropFraction),
         MethodStatistic("updates", Double(updates))]
    }

    /// After T_end the mask no longer changes.
    public var phase: TrainingPhase? { isAfterEnd ? .fineTune : nil }
}

// MARK: Checkpoints

extension RigLMethod: StatefulSparsityMethod {
    public struct State: Codable {
        /// Only held within an update step, from afterBackward to afterStep; kept anyway.
        var gradientMagnitudes: [[Float]]?
        var dropped: Int
        var grown: Int
        var regrown: Int
        var lastDropFraction: Double
        var updates: Int
        var isAfterEnd: Bool
    }

    public var state: State {
        State(gradientMagnitudes: gradientMagnitudes, dropped: dropped, grown: grown, regrown: regrown,
              lastDropFraction: lastDropFraction, updates: updates, isAfterEnd: isAfterEnd)
    }

    public func restore(_ state: State, engine: SparsityEngine) throws {
        if let gradients = state.gradientMagnitudes {
            try MethodCheckpointError.check(gradients, "gradientMagnitudes", counts: engine.prunable.map(\.count))
        }
        gradientMagnitudes = state.gradientMagnitudes
        (dropped, grown, regrown) = (state.dropped, state.grown, state.regrown)
        lastDropFraction = state.lastDropFraction
        updates = state.updates
        isAfterEnd = state.isAfterEnd
    }
}
