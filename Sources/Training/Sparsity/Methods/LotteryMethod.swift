import Foundation

/// Lottery tickets: iterative magnitude pruning (IMP) with rewinding (Frankle & Carbin
/// 2019, arXiv:1803.03635; Frankle et al. 2020, arXiv:1912.05671; Renda et al. 2020,
/// arXiv:2003.02389; Hoefler et al. 2021, arXiv:2102.00554, §8.3, and step 7 of §2.4.6, Fig. 8). Each round trains,
/// removes the smallest-magnitude surviving weights (one global ranking by default) and
/// then rewinds the survivors per the `rewind` option:
/// - 0: to their initial values θ₀ (regenerated from the seed; the classic lottery ticket),
/// - 1: to their values θ_r after `rewind_step` steps (weight rewinding; θ_r is stored when
///   step r is reached; if it has not been, θ₀ is used and r = 0),
/// - 2: weights kept, only the learning-rate schedule goes back to step r (LR rewinding),
/// - 3: fresh random values with the same mask (the control: He-uniform with the same
///   bound as the initialiser, from counter streams no other part uses, new each rewind).
/// Modes 0, 1 and 3 rewind the learning-rate schedule too, to step r (0 for mode 0), so
/// every round retrains with the schedule from the rewind point. The default schedule is
/// 3 rounds spread evenly over the run (at 1/4, 1/2 and 3/4 of it), each pruning the same
/// fraction of the remaining weights, so that after round k the sparsity is
/// 1 - (1 - s)^(k/3) and the last quarter trains the final ticket. The `rewind` knob
/// rewinds at once per the mode, keeping the masks.
///
/// Choices where the papers are silent or this trainer differs:
/// - All rounds happen within one run of the configured length (the papers retrain each
///   round for a full run). The learning-rate schedule is shifted back to r, not
///   compressed, so a round shorter than the whole run does not reach the schedule's end.
/// - The parameters that are not pruned (biases, batch-norm scales and shifts) are
///   rewound with the weights: to their initial values (biases and shifts 0, scales 1)
///   in modes 0 and 3, to their values at step r in mode 1. So are batch norm's running
///   means and variances (to 0 and 1, or to step r); the papers do not say, but the
///   reference code rewinds to a saved `state_dict`, buffers included
///   (github.com/facebookresearch/open_lth, lottery/runner.py `_train_level`,
///   models/base.py `save`). Dropout's pass counters are not rewound: a round draws
///   new dropout masks rather than replaying the first rounds'. Mode 2 keeps all of them. The
///   optimizer state (momentum) of every parameter is cleared on every rewind, as at the
///   start of a fresh training run; in mode 2 too. A checkpoint from before the running
///   statistics were stored leaves them as they are at a mode-1 rewind.
/// - A knob change (target, budget, granularity) re-prunes by magnitude without a rewind;
///   rewinds happen only at the schedule's rounds and on the `rewind` knob. Pruned
///   weights rank below every kept one; a lowered target revives those with the largest
///   |θ₀|, at zero.
/// - Taking over mid-run prunes at once by magnitude to the scheduled sparsity, without
///   a rewind; rounds already passed count as done.
public final class LotteryMethod: SparsityMethod {
    public static let descriptor = MethodDescriptor(
        name: "lottery",
        summary: "iterative magnitude pruning with rewinding (lottery tickets, Frankle & Carbin 2019)",
        options: [
            MethodOption("rewind", default: 0, range: 0...3, integer: true,
                         "0 = weights to init, 1 = weights to step r, 2 = learning rate only, 3 = random re-init (control)"),
            MethodOption("rewind_step", default: 0, range: 0...1_000_000_000, integer: true,
                         "r: the step rewound to (modes 1-3); before r is reached, init is used"),
        ],
        defaultBudget: LayerBudget(.global),
        defaultSchedule: { total, _ in .iterative(rounds: 3, stepsPerRound: max(total / 4, 1)) },
        make: { LotteryMethod(mode: $0.integer("rewind"), rewindStep: $0.integer("rewind_step")) })

    public enum RewindMode: Int, Sendable {
        case initialWeights = 0, stepWeights = 1, learningRateOnly = 2, randomReinit = 3
    }

    public let name = "lottery"
    public let mode: RewindMode
    /// r, as set; `effectiveRewindStep` says what a rewind now would use.
    public let rewindStep: Int
    /// The prunable weights after `rewindStep` steps, once that step has been reached.
    public private(set) var rewindWeights: [[Float]]?
    /// The other parameters (biases, batch-norm scales and shifts) after `rewindStep`
    /// steps, stored with `rewindWeights`.
    public private(set) var rewindBiases: [[Float]]?
    /// Batch norm's running statistics after `rewindStep` steps, stored with `rewindWeights`.
    public private(set) var rewindStatistics: [[Float]]?
    /// Pruning rounds done (rewinds at the schedule's rounds), and rewinds of any kind.
    public private(set) var roundsDone = 0
    public private(set) var rewinds = 0
    private var plannedRounds = 0
    private var plannedFor: SparsitySchedule?

    public init(mode: Int, rewindStep: Int) {
        self.mode = RewindMode(rawValue: min(max(mode, 0), 3))!
        self.rewindStep = max(rewindStep, 0)
    }

    public func begin(_ engine: SparsityEngine) {
        planRounds(engine)
        roundsDone = Self.roundsBefore(step: engine.step, in: engine.schedule)
        if engine.step == rewindStep { storeRewindPoint(engine) }
        let sparsity = engine.scheduledSparsity(at: engine.step)
        if sparsity > 0 || engine.measuredSparsity > 0 { prune(engine, to: sparsity) }
    }

    public func afterStep(_ engine: SparsityEngine) {
        planRounds(engine)
        if engine.step == rewindStep { storeRewindPoint(engine) }
        let round = engine.schedule.isUpdateStep(engine.step)
        guard engine.consumeUpdateDue() else { return }
        prune(engine, to: engine.scheduledSparsity(at: engine.step))
        if round {
            roundsDone += 1
            rewindNow(engine)
        }
    }

    public func rewind(_ engine: SparsityEngine) throws { rewindNow(engine) }

    public var variantLabel: String? {
        switch mode {
        case .initialWeights: "rewind to θ₀"
        case .stepWeights: "rewind to θ at step \(Format.grouped(rewindStep))"
        case .learningRateOnly: "rewind the learning rate to step \(Format.grouped(rewindStep))"
        case .randomReinit: "random reinit"
        }
    }

    public var statistics: [MethodStatistic] {
        [MethodStatistic("round", Double(roundsDone)), MethodStatistic("rounds", Double(plannedRounds)),
         MethodStatistic("rewind step", Double(rewindStep))]
    }

    /// Round k of R while training towards the k-th pruning, the ticket after the last.
    public var phase: TrainingPhase? {
        guard plannedRounds > 0 else { return nil }
        return roundsDone < plannedRounds ? .round(roundsDone + 1, of: plannedRounds) : .ticket
    }

    /// The step a rewind now goes back to: r once it has been reached (mode 1 also needs
    /// the stored weights), else 0; always 0 for mode 0.
    public func effectiveRewindStep(_ engine: SparsityEngine) -> Int {
        switch mode {
        case .initialWeights: return 0
        case .stepWeights: return rewindWeights != nil && engine.step >= rewindStep ? rewindStep : 0
        case .learningRateOnly, .randomReinit: return engine.step >= rewindStep ? rewindStep : 0
        }
    }

    /// The values mode 3 gives weight `i` of prunable tensor `l` at rewind number `rewind`
    /// (1-based): He-uniform with the initialiser's bound, from a counter stream of its own.
    public static func randomValue(seed: UInt64, parameter: Parameter, element: Int, rewind: Int) -> Float {
        let stream = 0x4C54_5245_0000_0000 | UInt64(rewind) << 16 | UInt64(parameter.index)
        return CounterRandom.symmetric(seed: seed, stream: stream, index: UInt64(element),
                                       bound: ParameterInitializer.heUniformBound(fanIn: parameter.shape.dropFirst().reduce(1, *)))
    }

    private func prune(_ engine: SparsityEngine, to sparsity: Double) {
        let services = engine.services
        let revival = engine.prunable.indices.map { l in
            engine.masks[l].indices.map { i in engine.masks[l][i] == 0 ? abs(services.initialValue(l, i)) : 0 }
        }
        engine.prune(byScores: PruningScoreTiers.tiered(kept: engine.magnitudes, masks: engine.masks, revival: revival),
                     to: sparsity)
    }

    private func storeRewindPoint(_ engine: SparsityEngine) {
        rewindWeights = engine.prunable.map(\.value)
        rewindBiases = engine.services.otherParameters.map(\.value)
        rewindStatistics = engine.services.normalizationStatistics.map(\.values)
    }

    private func rewindNow(_ engine: SparsityEngine) {
        rewinds += 1
        let target = effectiveRewindStep(engine)
        // Biases and batch norm go back with the weights: to their initial values, or to step r.
        let services = engine.services
        for (b, bias) in services.otherParameters.enumerated() {
            switch mode {
            case .initialWeights, .randomReinit: bias.value = services.initialOtherValues[b]
            case .stepWeights: bias.value = target > 0 ? rewindBiases?[b] ?? services.initialOtherValues[b] : services.initialOtherValues[b]
            case .learningRateOnly: break
            }
            services.maskOptimizerState(bias.index, [Float](repeating: 0, count: bias.count))
        }
        for (s, statistic) in services.normalizationStatistics.enumerated() {
            switch mode {
            case .initialWeights, .randomReinit: statistic.values = services.initialNormalizationStatistics[s]
            case .stepWeights:
                if target == 0 {
                    statistic.values = services.initialNormalizationStatistics[s]
                } else if let stored = rewindStatistics {
                    statistic.values = stored[s]
                }
            case .learningRateOnly: break
            }
        }
        for (l, parameter) in engine.prunable.enumerated() {
            let mask = engine.masks[l]
            switch mode {
            case .initialWeights:
                for i in mask.indices where mask[i] != 0 { parameter.value[i] = engine.services.initialValue(l, i) }
            case .stepWeights:
                if target > 0, let stored = rewindWeights {
                    for i in mask.indices where mask[i] != 0 { parameter.value[i] = stored[l][i] }
                } else {
                    for i in mask.indices where mask[i] != 0 { parameter.value[i] = engine.services.initialValue(l, i) }
                }
            case .learningRateOnly:
                break
            case .randomReinit:
                for i in mask.indices where mask[i] != 0 {
                    parameter.value[i] = Self.randomValue(seed: engine.seed, parameter: parameter, element: i, rewind: rewinds)
                }
            }
            engine.services.maskOptimizerState(parameter.index, [Float](repeating: 0, count: mask.count))
        }
        engine.services.rewindLearningRate(target)
    }

    /// Keeps the planned number of rounds in step with the schedule (a live knob).
    private func planRounds(_ engine: SparsityEngine) {
        let schedule = engine.schedule
        guard schedule != plannedFor else { return }
        plannedFor = schedule
        plannedRounds = Self.rounds(in: schedule, totalSteps: engine.totalSteps)
    }

    /// Pruning rounds a schedule makes over a run (for the display).
    static func rounds(in schedule: SparsitySchedule, totalSteps: Int) -> Int {
        switch schedule {
        case .constant: return 0
        case .oneShot: return 1
        case let .iterative(rounds, _): return rounds
        case .polynomial: return (1...max(totalSteps, 1)).filter { schedule.isUpdateStep($0) }.count
        }
    }

    static func roundsBefore(step: Int, in schedule: SparsitySchedule) -> Int {
        guard step > 0 else { return 0 }
        return (1...step).filter { schedule.isUpdateStep($0) }.count
    }
}

// MARK: Checkpoints

extension LotteryMethod: StatefulSparsityMethod {
    public struct State: Codable {
        var rewindWeights: [[Float]]?
        var rewindBiases: [[Float]]?
        var rewindStatistics: [[Float]]?
        var roundsDone: Int
        var rewinds: Int
        var plannedRounds: Int
    }

    public var state: State {
        State(rewindWeights: rewindWeights, rewindBiases: rewindBiases, rewindStatistics: rewindStatistics,
              roundsDone: roundsDone, rewinds: rewinds, plannedRounds: plannedRounds)
    }

    public func restore(_ state: State, engine: SparsityEngine) throws {
        let services = engine.services
        for (tensors, key, counts) in [(state.rewindWeights, "rewindWeights", engine.prunable.map(\.count)),
                                       (state.rewindBiases, "rewindBiases", services.otherParameters.map(\.count)),
                                       (state.rewindStatistics, "rewindStatistics", services.normalizationStatistics.map(\.values.count))] {
            if let tensors { try MethodCheckpointError.check(tensors, key, counts: counts) }
        }
        rewindWeights = state.rewindWeights
        rewindBiases = state.rewindBiases
        rewindStatistics = state.rewindStatistics
        (roundsDone, rewinds, plannedRounds) = (state.roundsDone, state.rewinds, state.plannedRounds)
        // `planRounds` recomputes the count from the schedule in force at the next step,
        // which gives what it would have given without the checkpoint.
        plannedFor = nil
    }
}
