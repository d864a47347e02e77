/// Dense–Sparse–Dense (Han et al. 2017, arXiv:1607.04381; as summarised by Hoefler et al.
/// 2021, arXiv:2102.00554, §2.4.2): (1) dense training, (2) prune
/// to the target by magnitude and retrain with the mask fixed (pruned weights held at
/// zero), (3) re-enable every weight, the pruned ones restarting from zero, and train
/// dense. The scheme runs once (not repeated).
///
/// Phase lengths are fractions of the run: options `dense`, `sparse` and `redense`
/// (defaults 0.3 / 0.4 / 0.3), normalised by their sum, so the sparse phase covers steps
/// [round(T·d/Σ), round(T·(d+s)/Σ)) of a T-step run. Phases shown: "dense", "sparse",
/// "re-dense". The method declares a one-shot schedule at the sparse phase's first step so
/// the target shown is 0 in the first dense phase and the target from the prune on.
///
/// The final sparsity is 0 by design: after the re-dense phase every weight is active
/// (the measured sparsity in that phase is 0 while the target shown is still the sparse
/// phase's). Choices where the survey is silent: per-layer pruning (uniform budget) as in
/// Han et al.'s per-layer sparsity; re-enabled weights restart with zero optimizer state
/// (their momentum was cleared at the prune and stayed zero); the learning rate follows
/// the run's schedule (no separate drop for the re-dense phase). A target changed live
/// during the sparse phase re-prunes at once.
public final class DSDMethod: SparsityMethod {
    public static let descriptor = MethodDescriptor(
        name: "dsd",
        summary: "dense-sparse-dense: dense, magnitude prune + retrain, re-enable all weights (final sparsity 0)",
        options: [
            MethodOption("dense", default: 0.3, range: 0...1, "share of the run trained dense before the prune"),
            MethodOption("sparse", default: 0.4, range: 0.01...1, "share of the run retrained sparse"),
            MethodOption("redense", default: 0.3, range: 0...1, "share of the run trained dense again at the end"),
        ],
        defaultBudget: LayerBudget(.uniform),
        defaultSchedule: { total, _ in .oneShot(atStep: PhasedMethodSupport.step(at: 0.3, of: total)) },
        make: { DSDMethod(options: $0) })

    public enum Phase: String, Sendable, CaseIterable { case dense, sparse, redense = "re-dense" }

    public let name = "dsd"
    private let fractions: (dense: Double, sparse: Double, redense: Double)
    /// First step of the sparse phase and of the re-dense phase.
    public private(set) var sparseStart = 0
    public private(set) var redenseStart = 0
    public private(set) var current = Phase.dense
    /// One-shot at the sparse phase's first step, once the phases are laid out.
    public private(set) var declaration = MethodDeclaration()

    init(options: MethodOptions) {
        let (d, s, r) = (options["dense"], options["sparse"], options["redense"])
        let sum = d + s + r
        fractions = (d / sum, s / sum, r / sum)
    }

    /// The phase of 0-based step `step`.
    public func phase(ofStep step: Int) -> Phase {
        step < sparseStart ? .dense : step < redenseStart ? .sparse : .redense
    }

    public func begin(_ engine: SparsityEngine) {
        sparseStart = PhasedMethodSupport.step(at: fractions.dense, of: engine.totalSteps)
        redenseStart = max(sparseStart, PhasedMethodSupport.step(at: fractions.dense + fractions.sparse, of: engine.totalSteps))
        declaration.schedule = .oneShot(atStep: sparseStart)
        current = phase(ofStep: engine.step)
        if current == .sparse {
            engine.prune(byScores: engine.magnitudes, to: engine.target)
        } else if engine.measuredSparsity > 0 {
            engine.setMasks(PhasedMethodSupport.allActive(engine))
        }
    }

    public func afterStep(_ engine: SparsityEngine) {
        let knobChanged = engine.consumeUpdateDue()
        let next = phase(ofStep: engine.step)
        defer { current = next }
        switch next {
        case .sparse where current != .sparse || knobChanged:
            engine.prune(byScores: engine.magnitudes, to: engine.target)
        case .redense where current != .redense:
            engine.setMasks(PhasedMethodSupport.allActive(engine))  // pruned weights restart at 0
        default:
            break
        }
    }

    public var phase: TrainingPhase? {
        switch current {
        case .dense: .dense
        case .sparse: .sparse
        case .redense: .redense
        }
    }

    public var statistics: [MethodStatistic] {
        [MethodStatistic("sparse from", Double(sparseStart)), MethodStatistic("re-dense from", Double(redenseStart))]
    }
}

// MARK: Checkpoints

extension DSDMethod: StatefulSparsityMethod {
    public struct State: Codable {
        var sparseStart: Int
        var redenseStart: Int
        /// The phase's index in `Phase.allCases`.
        var current: Int
    }

    public var state: State {
        State(sparseStart: sparseStart, redenseStart: redenseStart, current: Phase.allCases.firstIndex(of: current)!)
    }

    public func restore(_ state: State, engine: SparsityEngine) throws {
        guard Phase.allCases.indices.contains(state.current) else {
            throw MethodCheckpointError(key: "current", problem: "is \(state.current), not a phase (0 to \(Phase.allCases.count - 1))")
        }
        (sparseStart, redenseStart, current) = (state.sparseStart, state.redenseStart, Phase.allCases[state.current])
        declaration.schedule = .oneShot(atStep: sparseStart)
    }
}
