/// Sparse Evolutionary Training (Mocanu et al. 2018, Nature Communications 9:2383,
/// arXiv:1707.04780, which also gives the Erdős–Rényi layer budget; survey: Hoefler et al. 2021,
/// arXiv:2102.00554, §4.1).
///
/// The network is sparse from the start: a random mask within Erdős–Rényi layer
/// budgets (drawn from `engine.generator`). Every ΔT steps (`delta_t`; 0 = one epoch)
/// each layer drops the fraction ζ (`zeta`) of its active weights closest to zero and
/// regrows as many connections uniformly at random among its inactive positions, so the
/// number of active weights of every layer stays constant. Grown weights start at zero
/// (`init` = 0) or, with `init` = 1, at a random value of the layer's He-uniform
/// initialisation range; either way with no optimizer state (momentum) behind them.
///
/// Choices where the paper is silent or its code differs:
/// - Drop: the ⌊ζ·n⌋ active weights of smallest |w| (the paper removes the fraction ζ of
///   the positive weights and of the negative weights closest to zero, separately per
///   sign; for a roughly symmetric weight distribution this is the same set).
/// - Regrowth candidates are all positions inactive after the drop, so a weight dropped
///   in this update may be drawn again; it then starts over as a new connection (as in
///   the SET reference code, which draws among the zeros of the pruned matrix).
/// - No update after the last step of the run (the reference code does not evolve the
///   connectivity after the last epoch), and none at step 0.
/// - A live switch to SET, or a changed target or budget, keeps the largest |w| per
///   layer (and grows at random if the budget grew); see `DynamicSparseTraining.establish`.
/// - Updates are per weight whatever the granularity; a structured granularity shapes
///   only a mask set up by `establish`.
public final class SETMethod: SparsityMethod {
    public static let descriptor = MethodDescriptor(
        name: "set",
        summary: "SET: random ER-sparse start; every ΔT drop the ζ smallest |w| per layer, regrow at random",
        options: [
            MethodOption("zeta", default: 0.3, range: 0...1, "fraction ζ of each layer's active weights dropped and regrown per update"),
            MethodOption("delta_t", default: 0, range: 0...1e9, integer: true, "steps between updates ΔT; 0 = one epoch"),
            MethodOption("init", default: 0, range: 0...1, integer: true, "value of a regrown weight: 0 = zero, 1 = random in the layer's He-uniform range"),
        ],
        defaultBudget: LayerBudget(.erdosRenyi),
        honorsGranularity: false,
        make: { SETMethod(options: $0) })

    public let name = "set"
    let zeta: Double
    let deltaT: Int
    let randomInit: Bool
    /// Weights dropped and grown at the last update, and updates so far.
    public private(set) var dropped = 0
    public private(set) var grown = 0
    public private(set) var updates = 0

    init(options: MethodOptions) {
        zeta = options["zeta"]
        deltaT = options.integer("delta_t")
        randomInit = options.integer("init") != 0
    }

    /// Steps between updates for this run.
    public func interval(_ engine: SparsityEngine) -> Int { deltaT > 0 ? deltaT : max(engine.stepsPerEpoch, 1) }

    public func begin(_ engine: SparsityEngine) {
        DynamicSparseTraining.establish(engine, sparsity: engine.scheduledSparsity(at: engine.step))
    }

    public func afterStep(_ engine: SparsityEngine) {
        if engine.consumeUpdateDue() {
            DynamicSparseTraining.establish(engine, sparsity: engine.scheduledSparsity(at: engine.step))
        }
        let step = engine.step
        guard step > 0, step % interval(engine) == 0, step < engine.totalSteps else { return }
        evolve(engine)
    }

    /// One SET update: in every layer drop ⌊ζ·active⌋ weights of smallest |w| and grow
    /// as many at random positions inactive after the drop.
    func evolve(_ engine: SparsityEngine) {
        var masks = engine.masks
        var grownPositions: [[Int]] = []
        var droppedTotal = 0, grownTotal = 0
        for l in masks.indices {
            let parameter = engine.prunable[l]
            let active = masks[l].reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
            let inactive = masks[l].count - active
            let count = min(Int((zeta * Double(active)).rounded(.down)), inactive)
            let drop = DynamicSparseTraining.smallestActive(mask: masks[l], weights: parameter.value, count: count)
            var candidates = DynamicSparseTraining.growthCandidates(mask: masks[l], dropped: drop)
            // Partial Fisher–Yates: the first `count` candidates after the swaps are the draw.
            for j in 0..<count {
                let pick = j + Int(engine.generator.next() % UInt64(candidates.count - j))
                candidates.swapAt(j, pick)
            }
            let grow = Array(candidates.prefix(count))
            for i in drop { masks[l][i] = 0 }
            for i in grow { masks[l][i] = 1 }
            grownPositions.append(grow)
            droppedTotal += drop.count
            grownTotal += grow.count
        }
        engine.setMasks(masks)
        for (l, grow) in grownPositions.enumerated() where !grow.isEmpty {
            let parameter = engine.prunable[l]
            let bound = ParameterInitializer.heUniformBound(fanIn: parameter.shape.dropFirst().reduce(1, *))
            var fresh = [Float](repeating: 1, count: parameter.count)
            for i in grow {
                fresh[i] = 0
                parameter.value[i] = randomInit ? (2 * engine.generator.nextUnitFloat() - 1) * bound : 0
            }
            // New connections carry no momentum, including one dropped and redrawn just now.
            engine.services.maskOptimizerState(parameter.index, fresh)
        }
        dropped = droppedTotal
        grown = grownTotal
        updates += 1
    }

    public var statistics: [MethodStatistic] {
        [MethodStatistic("dropped", Double(dropped)), MethodStatistic("grown", Double(grown)),
         MethodStatistic("updates", Double(updates))]
    }
}

// MARK: Checkpoints

extension SETMethod: StatefulSparsityMethod {
    public struct State: Codable {
        var dropped: Int
        var grown: Int
        var updates: Int
    }

    public var state: State { State(dropped: dropped, grown: grown, updates: updates) }

    public func restore(_ state: State, engine: SparsityEngine) throws {
        (dropped, grown, updates) = (state.dropped, state.grown, state.updates)
    }
}
