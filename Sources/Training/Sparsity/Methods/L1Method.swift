/// L1 penalty by proximal gradient, then magnitude thresholding (Hoefler et al. 2021,
/// arXiv:2102.00554, §3.6.2: the L1 penalty P(w) = λ‖w‖₁ "usually do[es] not reduce weights
/// to exactly zero and magnitude-based thresholding is often used"; the shrinkage operator
/// w' = (|w| − δ)₊ sgn(w) of Tibshirani 1996, same section, applied here as a proximal step
/// with δ = η·λ).
///
/// Penalty phase (the first `threshold_fraction` of the run, default 0.8): after every
/// optimizer step each prunable weight becomes sign(w)·max(|w| − η·λ, 0), η being the
/// learning rate that step used (schedule and live knob included; read from the session
/// before the step) and λ the option `lambda`. Weights the shrink sets to zero stay in the
/// network (mask 1) and can leave zero again if their gradient is large enough: this is
/// the proximal step, not a prune. At step round(threshold_fraction·T) the weights are
/// pruned once by magnitude to the target (global budget: one threshold, as the single λ
/// acts on all layers alike) and the rest of the run fine-tunes the survivors.
///
/// Default λ = 1e-3: with the default learning rate (0.05, cosine) a 3-epoch
/// Fashion-MNIST run shrinks each weight by ~0.03 in all, the scale of LeNet-300's fc1
/// weights, and the penalty alone zeroes ~8% of the weights; 1e-4 zeroes ~0.1% (the method
/// is then one-shot magnitude pruning) and 5e-3 ~80%.
///
/// Choices where the survey is silent: the penalty stops at the prune (fine-tuning without
/// it, so that no kept weight is shrunk to zero and the measured sparsity is the target);
/// biases are not penalised (they are not prunable). The method declares a one-shot
/// schedule at the prune step so the target shown is 0 before it. Statistic "zeroed by L1": the
/// fraction of prunable weights the shrink alone holds at exactly zero (frozen at the prune).
public final class L1Method: SparsityMethod {
    public static let descriptor = MethodDescriptor(
        name: "l1",
        summary: "L1 penalty by proximal shrink (w ← sign(w)·max(|w| − lr·λ, 0)), then magnitude prune + fine-tune",
        options: [
            MethodOption("lambda", default: 1e-3, range: 0...10, "L1 strength λ: each step shrinks |w| by lr·λ"),
            MethodOption("threshold_fraction", default: 0.8, range: 0...1,
                         "fraction of the run after which to prune to the target by magnitude and fine-tune"),
        ],
        defaultBudget: LayerBudget(.global),
        defaultSchedule: { total, _ in .oneShot(atStep: PhasedMethodSupport.step(at: 0.8, of: total)) },
        make: { L1Method(options: $0) })

    public let name = "l1"
    public let lambda: Float
    public let thresholdFraction: Double
    public private(set) var pruneStep = 0
    /// Fraction of prunable weights at exactly zero from the shrink alone.
    public private(set) var zeroedByPenalty = 0.0
    /// η·λ of the last shrink.
    public private(set) var lastShrink: Float = 0
    private var learningRate: Float = 0
    private var pruned = false
    /// One-shot at the prune step, once it is known.
    public private(set) var declaration = MethodDeclaration()

    init(options: MethodOptions) {
        lambda = Float(options["lambda"])
        thresholdFraction = options["threshold_fraction"]
    }

    /// w ← sign(w)·max(|w| − delta, 0) in place; returns how many are then exactly zero.
    @discardableResult
    public static func proximalShrink(_ weights: inout [Float], by delta: Float) -> Int {
        var zeros = 0
        weights.withUnsafeMutableBufferPointer { w in
            for i in 0..<w.count {
                let magnitude = abs(w[i]) - delta
                let value = magnitude > 0 ? (w[i] < 0 ? -magnitude : magnitude) : 0
                w[i] = value
                if value == 0 { zeros += 1 }
            }
        }
        return zeros
    }

    public func begin(_ engine: SparsityEngine) {
        pruneStep = PhasedMethodSupport.step(at: thresholdFraction, of: engine.totalSteps)
        declaration.schedule = .oneShot(atStep: pruneStep)
        pruned = engine.step >= pruneStep
        if pruned {
            engine.prune(byScores: engine.magnitudes, to: engine.target)
        } else if engine.measuredSparsity > 0 {
            engine.setMasks(PhasedMethodSupport.allActive(engine))
        }
    }

    public func afterBackward(_ engine: SparsityEngine) {
        learningRate = engine.services.learningRate()  // the rate this step's update uses
    }

    public func afterStep(_ engine: SparsityEngine) {
        let due = engine.consumeUpdateDue()
        if !pruned {
            lastShrink = learningRate * lambda
            var zeros = 0, total = 0
            for parameter in engine.prunable {
                zeros += Self.proximalShrink(&parameter.value, by: lastShrink)
                total += parameter.count
            }
            zeroedByPenalty = total == 0 ? 0 : Double(zeros) / Double(total)
        }
        if engine.step >= pruneStep && (!pruned || due) {
            engine.prune(byScores: engine.magnitudes, to: engine.target)
            pruned = true
        }
    }

    public var phase: TrainingPhase? { pruned ? .fineTune : .l1Penalty }

    public var statistics: [MethodStatistic] {
        [MethodStatistic("zeroed by L1", zeroedByPenalty), MethodStatistic("shrink lr·λ", Double(lastShrink)),
         MethodStatistic("prune at", Double(pruneStep))]
    }
}

// MARK: Checkpoints

extension L1Method: StatefulSparsityMethod {
    public struct State: Codable {
        var pruneStep: Int
        var zeroedByPenalty: Double
        var lastShrink: Float
        var learningRate: Float
        var pruned: Bool
    }

    public var state: State {
        State(pruneStep: pruneStep, zeroedByPenalty: zeroedByPenalty, lastShrink: lastShrink, learningRate: learningRate,
              pruned: pruned)
    }

    public func restore(_ state: State, engine: SparsityEngine) throws {
        (pruneStep, zeroedByPenalty, lastShrink) = (state.pruneStep, state.zeroedByPenalty, state.lastShrink)
        (learningRate, pruned) = (state.learningRate, state.pruned)
        declaration.schedule = .oneShot(atStep: pruneStep)
    }
}
