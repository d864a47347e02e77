/// Iterative Hard Thresholding (Jin et al. 2016, arXiv:1607.05423; as summarised by
/// Hoefler et al. 2021, arXiv:2102.00554, §2.4.2): alternate (1) a sparse phase of
/// `sparse_steps` steps — keep the top-k weights by magnitude, prune the rest (held at
/// zero) and fine-tune with the mask fixed — and (2) a dense phase of `dense_steps` steps
/// in which the pruned weights are re-enabled, restarting at 0, and the dense network
/// trains.
///
/// Alignment: the phases are laid out backwards from the end of the run, so the run ends
/// with a full sparse phase and stops at the target: counting e = T − t steps from the end
/// (T total steps, t the 0-based step), step t is sparse when (e − 1) mod (s + d) < s, for
/// the last max(1, ⌊T/(s+d)⌋) cycles; the steps before them are dense (a first dense phase
/// of d plus the T mod (s+d) left over, so the first prune comes after some training).
/// Defaults: 0 means an eighth of the run for either length (4 dense/sparse cycles).
/// Phases shown: "dense" and "sparse", with the cycle as a statistic. The method declares
/// a one-shot schedule at the first sparse step, so the target shown is 0 before the first
/// prune; in the later dense phases it still shows the sparse phases' target while the
/// measured sparsity is 0.
///
/// Choices where the survey is silent: per-layer top-k (uniform budget); re-enabled weights
/// restart with zero optimizer state; a target changed live during a sparse phase
/// re-prunes at once.
public final class IHTMethod: SparsityMethod {
    public static let descriptor = MethodDescriptor(
        name: "iht",
        summary: "iterative hard thresholding: alternate top-k sparse and dense phases, ending sparse",
        options: [
            MethodOption("sparse_steps", default: 0, range: 0...100_000_000, integer: true, "steps per sparse phase (0 = an eighth of the run)"),
            MethodOption("dense_steps", default: 0, range: 0...100_000_000, integer: true, "steps per dense phase (0 = an eighth of the run)"),
        ],
        defaultBudget: LayerBudget(.uniform),
        defaultSchedule: { total, _ in
            let auto = max(1, total / 8)
            return .oneShot(atStep: IHTMethod.firstSparseStep(total: total, sparse: auto, dense: auto))
        },
        make: { IHTMethod(options: $0) })

    public let name = "iht"
    private let requestedSparse: Int
    private let requestedDense: Int
    public private(set) var sparseSteps = 1
    public private(set) var denseSteps = 1
    public private(set) var totalSteps = 0
    public private(set) var isSparse = false
    /// One-shot at the first sparse step, once the phases are laid out.
    public private(set) var declaration = MethodDeclaration()
    private var step = 0

    init(options: MethodOptions) {
        requestedSparse = options.integer("sparse_steps")
        requestedDense = options.integer("dense_steps")
    }

    private var cycleLength: Int { sparseSteps + denseSteps }
    private var cycles: Int { max(1, totalSteps / cycleLength) }

    /// The first sparse step of a `total`-step run (see the alignment above).
    static func firstSparseStep(total: Int, sparse: Int, dense: Int) -> Int {
        let cycle = sparse + dense, cycles = max(1, total / cycle)
        return max(0, total - (cycles - 1) * cycle - sparse)
    }

    /// Whether 0-based step `step` belongs to a sparse phase.
    public func isSparse(step: Int) -> Bool {
        let fromEnd = totalSteps - step
        guard fromEnd >= 1 else { return true }  // past the end: stay at the target
        return fromEnd <= cycles * cycleLength && (fromEnd - 1) % cycleLength < sparseSteps
    }

    /// How many sparse phases have begun by 0-based step `step` (the current cycle).
    public func sparsePhasesBegun(by step: Int) -> Int {
        // Sparse phase k from the end (k = 0 last) begins at T − k·(s+d) − s.
        let gap = totalSteps - sparseSteps - step
        let notYet = gap <= 0 ? 0 : (gap + cycleLength - 1) / cycleLength
        return max(0, cycles - notYet)
    }

    public func begin(_ engine: SparsityEngine) {
        totalSteps = engine.totalSteps
        let auto = max(1, engine.totalSteps / 8)
        sparseSteps = requestedSparse > 0 ? requestedSparse : auto
        denseSteps = requestedDense > 0 ? requestedDense : auto
        step = engine.step
        declare()
        isSparse = isSparse(step: engine.step)
        if isSparse {
            engine.prune(byScores: engine.magnitudes, to: engine.target)
        } else if engine.measuredSparsity > 0 {
            engine.setMasks(PhasedMethodSupport.allActive(engine))
        }
    }

    private func declare() {
        declaration.schedule = .oneShot(atStep: Self.firstSparseStep(total: totalSteps, sparse: sparseSteps, dense: denseSteps))
    }

    public func afterStep(_ engine: SparsityEngine) {
        step = engine.step
        let knobChanged = engine.consumeUpdateDue()
        let next = isSparse(step: engine.step)
        if next && (!isSparse || knobChanged) {
            engine.prune(byScores: engine.magnitudes, to: engine.target)
        } else if !next && isSparse {
            engine.setMasks(PhasedMethodSupport.allActive(engine))  // pruned weights restart at 0
        }
        isSparse = next
    }

    public var phase: TrainingPhase? { isSparse ? .sparse : .dense }

    public var statistics: [MethodStatistic] {
        [MethodStatistic("sparse steps", Double(sparseSteps)), MethodStatistic("dense steps", Double(denseSteps)),
         MethodStatistic("cycle", Double(sparsePhasesBegun(by: step))), MethodStatistic("cycles", Double(cycles))]
    }
}

// MARK: Checkpoints

extension IHTMethod: StatefulSparsityMethod {
    public struct State: Codable {
        var sparseSteps: Int
        var denseSteps: Int
        var totalSteps: Int
        var isSparse: Bool
        var step: Int
    }

    public var state: State {
        State(sparseSteps: sparseSteps, denseSteps: denseSteps, totalSteps: totalSteps, isSparse: isSparse, step: step)
    }

    public func restore(_ state: State, engine: SparsityEngine) throws {
        (sparseSteps, denseSteps, totalSteps) = (state.sparseSteps, state.denseSteps, state.totalSteps)
        (isSparse, step) = (state.isSparse, state.step)
        declare()
    }
}
