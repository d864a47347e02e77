/// DropBack (Golub, Lemieux & Lis 2019, "Full Deep Neural Network Training on a Pruned Weight
/// Budget", MLSys 2019, arXiv:1806.06949; reference emulation github.com/compstruct/DropBack,
/// dropback/DropBack.py; survey: Hoefler et al. 2021, arXiv:2102.00554, §3.4 and §4.1): train on a
/// budget of k tracked weights.
///
/// Only the k = total × (1 − target) prunable weights that have moved furthest from
/// their initial values, by |w − w0|, are tracked; every other weight sits at its
/// initial value w0, which is regenerated from the counter-based PRNG keyed by (seed,
/// tensor, index) whenever it is needed and never stored. As in the reference emulation
/// (compstruct/DropBack, `DropBack.update`), after every optimizer step, which updates
/// all weights with the dense gradient, the scores |w − w0| are recomputed, the top k
/// are kept and the others are set back to w0; so an untracked weight re-enters only
/// when its one-step change beats the k-th largest accumulated change. The selection is
/// one global ranking over all prunable tensors by default, as in the emulation; another
/// budget ranks within each layer. `freeze_step` > 0 fixes the tracked set selected
/// after that step (freezing the pattern after some iterations: Hoefler et al. 2021, §2.4.2);
/// untracked weights keep being reset to w0. Compression = total / tracked (as the reference
/// code's cifar10/train_cifar.py prints it).
///
/// Choices where the sources are silent or differ:
/// - Biases are not prunable here: they are neither counted in k nor reset (the
///   emulation counts them and zeroes untracked ones).
/// - At the start of a run the first step is dense and the first selection follows it,
///   as in the emulation. On a live switch the carried-over mask is the first tracked
///   set: weights masked by the previous method start untracked, at w0.
/// - The optimizer state (momentum) of untracked weights is left alone, as in the
///   emulation (whose README warns that DropBack was only tested with plain SGD). Zeroing
///   it instead cost half a point on Fashion-MNIST.
/// - Ties in |w − w0| go to the lower (tensor, index) position.
///
/// Engine fit: untracked weights are non-zero, so this method holds its masked weights
/// (`MaskedWeightPolicy.heldAtInitialValues`): the engine leaves weights, gradients and optimizer state
/// alone, the forward pass and evaluation see w0 in the untracked positions (as the
/// reference emulation does), and the mask reported to the engine marks the tracked set.
///
/// Cost: regenerating w0 takes about 1.7 ns a weight (0.45 ms for lenet300's 266k). A
/// step regenerates every weight once: weights scoring below half the last threshold
/// cannot be tracked and are reset in the same pass; a full two-pass selection runs
/// when that bound fails (first step, a larger k) or the budget is not one global
/// ranking. The regeneration is `ParameterInitializer`'s formula with the bound hoisted
/// per tensor; `begin` checks it against `services.initialValue` on sample elements of
/// every tensor and falls back to the service when they differ.
public final class DropBackMethod: SparsityMethod {
    public static let descriptor = MethodDescriptor(
        name: "dropback",
        summary: "DropBack: track the k weights farthest from init; the rest stay at regenerated initial values",
        options: [
            MethodOption("freeze_step", default: 0, range: 0...1e9, integer: true, "fix the tracked set after this step; 0 = never"),
        ],
        defaultBudget: LayerBudget(.global),
        honorsGranularity: false,
        make: { DropBackMethod(options: $0) })

    public let name = "dropback"
    /// Untracked weights are multiplied at w0: DropBack saves storage, not multiply-adds.
    public var declaration: MethodDeclaration { MethodDeclaration(maskedWeights: .heldAtInitialValues, operands: .none) }
    let freezeStep: Int
    /// Tracked weights, all prunable weights, and weights that entered the tracked set at the last selection.
    public private(set) var tracked = 0
    public private(set) var total = 0
    public private(set) var entered = 0
    public private(set) var isFrozen = false
    /// True when the initial values come from `services.initialValue` element by element.
    public private(set) var usesServiceForInitialValues = false
    private var initialValues = InitialValues()
    /// Scratch, one entry per prunable weight (tensors one after the other): the scores
    /// |w − w0| of a full selection, or the weights before a one-pass reset (see `selectInOnePass`).
    private var scratch: [Float] = []
    /// Scores and flat positions of the candidates of a one-pass selection.
    private var candidateScores: [Float] = []
    private var candidatePositions: [Int32] = []
    /// The k-th largest score of the last global selection.
    private var lastThreshold: Float = 0

    init(options: MethodOptions) {
        freezeStep = options.integer("freeze_step")
    }

    /// Regenerates initial weights: ParameterInitializer's He-uniform values keyed by
    /// (seed, parameter index, element), or the session's service element by element.
    struct InitialValues {
        var seed: UInt64 = 0
        var streams: [UInt64] = []
        var bounds: [Float] = []
        var service: ((Int, Int) -> Float)?

        func value(_ l: Int, _ i: Int) -> Float {
            if let service { return service(l, i) }
            return CounterRandom.symmetric(seed: seed, stream: streams[l], index: UInt64(i), bound: bounds[l])
        }

        /// Calls `body(i, w0_i)` for i in 0..<count, with the per-tensor constants hoisted.
        @inline(__always)
        func forEach(_ l: Int, count: Int, _ body: (Int, Float) -> Void) {
            if let service {
                for i in 0..<count { body(i, service(l, i)) }
            } else {
                let (seed, stream, bound) = (seed, streams[l], bounds[l])
                for i in 0..<count { body(i, CounterRandom.symmetric(seed: seed, stream: stream, index: UInt64(i), bound: bound)) }
            }
        }
    }

    public func begin(_ engine: SparsityEngine) {
        prepareInitialValues(engine)
        isFrozen = false
        lastThreshold = 0
        let fresh = engine.step == 0 && engine.masks.allSatisfy { $0.allSatisfy { $0 != 0 } }
        if fresh {
            tracked = total
        } else {
            select(engine, carriedOver: true)
        }
    }

    /// Counts the prunable weights and picks how to regenerate their initial values.
    private func prepareInitialValues(_ engine: SparsityEngine) {
        total = engine.prunable.reduce(0) { $0 + $1.count }
        let fast = InitialValues(
            seed: engine.seed, streams: engine.prunable.map { UInt64($0.index) },
            bounds: engine.prunable.map { ParameterInitializer.heUniformBound(fanIn: $0.shape.dropFirst().reduce(1, *)) })
        let agrees = engine.prunable.indices.allSatisfy { l in
            let count = engine.prunable[l].count
            let samples = Set([0, 1, count / 3, count / 2, count - 2, count - 1].filter { $0 >= 0 && $0 < count })
            return samples.allSatisfy { fast.value(l, $0).bitPattern == engine.services.initialValue(l, $0).bitPattern }
        }
        usesServiceForInitialValues = !agrees
        initialValues = agrees ? fast : InitialValues(service: engine.services.initialValue)
    }

    public func afterStep(_ engine: SparsityEngine) {
        // A knob change or a schedule update re-selects even a frozen set (k may change).
        let due = engine.consumeUpdateDue()
        if isFrozen && !due {
            resetUntracked(engine, masks: engine.masks)
        } else {
            select(engine, carriedOver: false)
        }
        if freezeStep > 0 && engine.step >= freezeStep { isFrozen = true }
    }

    /// Scores every weight by |w − w0|, keeps the top k under the budget, resets the rest
    /// to w0 and installs the mask. With `carriedOver`, masked weights rank below all others.
    func select(_ engine: SparsityEngine, carriedOver: Bool) {
        if scratch.count != total { scratch = [Float](repeating: 0, count: total) }
        let sparsity = engine.scheduledSparsity(at: engine.step)
        let budget = engine.budget
        let global = engine.granularity == .weights && budget.minimumDensity == 0
            && budget.denseLayers(count: engine.prunable.count).isEmpty
            && budget.layerSparsities(names: engine.names, shapes: engine.shapes, target: sparsity) == nil
        let keep = MaskSelection.keepCount(count: total, sparsity: sparsity)
        if global && !carriedOver && lastThreshold > 0 && keep > 0 && keep < total,
           let (masks, entered) = selectInOnePass(engine, keep: keep) {
            install(engine, masks: masks, entered: entered, count: keep)
            return
        }
        var offset = 0
        for (l, parameter) in engine.prunable.enumerated() {
            let mask = engine.masks[l]
            parameter.value.withUnsafeBufferPointer { w in
                scratch.withUnsafeMutableBufferPointer { s in
                    initialValues.forEach(l, count: w.count) { i, initial in s[offset + i] = abs(w[i] - initial) }
                    if carriedOver { for i in 0..<w.count where mask[i] == 0 { s[offset + i] = -1 } }
                }
            }
            offset += parameter.count
        }
        let masks: [[Float]]
        if global {
            var all = engine.prunable.map { [Float](repeating: 0, count: $0.count) }
            let offsets = Self.offsets(engine)
            Self.markTop(scratch, keep: keep, layers: Array(all.indices), offsets: offsets, counts: all.map(\.count), into: &all)
            if keep > 0 && keep < total { lastThreshold = MaskSelection.kthLargest(scratch, k: keep) }
            masks = all
        } else {
            masks = trackedMasks(engine, sparsity: sparsity)
        }
        resetUntracked(engine, masks: masks)
        install(engine, masks: masks)
    }

    /// The global selection in a single regeneration pass, for the usual case where the
    /// k-th largest score is at least half the last one: weights scoring below half the
    /// last threshold cannot be tracked and are reset to w0 on the spot (their previous
    /// values kept in `scratch`); the others are candidates, among which the top k are
    /// found. When fewer than k candidates turn up, the resets are undone and nil returned.
    func selectInOnePass(_ engine: SparsityEngine, keep: Int) -> (masks: [[Float]], entered: Int)? {
        let floor = lastThreshold / 2
        // Locals (capacity kept across steps) spare the exclusivity checks of stored properties.
        var scores = candidateScores, positions = candidatePositions, saved = scratch
        candidateScores = []
        candidatePositions = []
        scratch = []
        defer { (candidateScores, candidatePositions, scratch) = (scores, positions, saved) }
        scores.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        let offsets = Self.offsets(engine)
        saved.withUnsafeMutableBufferPointer { saved in
            for (l, parameter) in engine.prunable.enumerated() {
                let offset = offsets[l]
                parameter.value.withUnsafeMutableBufferPointer { w in
                    initialValues.forEach(l, count: w.count) { i, initial in
                        let score = abs(w[i] - initial)
                        if score >= floor {
                            scores.append(score)
                            positions.append(Int32(offset + i))
                        } else {
                            saved[offset + i] = w[i]
                            w[i] = initial
                        }
                    }
                }
            }
        }
        guard scores.count >= keep else {
            // Undo: every position that is not a candidate was reset.
            var next = 0
            for (l, parameter) in engine.prunable.enumerated() {
                parameter.value.withUnsafeMutableBufferPointer { w in
                    for i in 0..<w.count {
                        if next < positions.count && Int(positions[next]) == offsets[l] + i {
                            next += 1
                        } else {
                            w[i] = saved[offsets[l] + i]
                        }
                    }
                }
            }
            return nil
        }
        let cut = MaskSelection.kthLargest(scores, k: keep)
        lastThreshold = cut
        var ties = keep - scores.reduce(0) { $0 + ($1 > cut ? 1 : 0) }
        let old = engine.masks
        var masks = engine.prunable.map { [Float](repeating: 0, count: $0.count) }
        var entered = 0
        var l = 0
        for (score, position) in zip(scores, positions) {
            let flat = Int(position)
            while flat >= offsets[l] + masks[l].count { l += 1 }
            let i = flat - offsets[l]
            if score > cut || (score == cut && ties > 0) {
                if score == cut { ties -= 1 }
                masks[l][i] = 1
                if old[l][i] == 0 { entered += 1 }
            } else {
                engine.prunable[l].value[i] = initialValues.value(l, i)
            }
        }
        return (masks, entered)
    }

    /// Installs the masks when they changed (`entered` weights new to the tracked set,
    /// counted when nil).
    func install(_ engine: SparsityEngine, masks: [[Float]], entered known: Int? = nil, count knownCount: Int? = nil) {
        var before = tracked  // the mask installed last, which is the engine's
        if let known, let knownCount {
            tracked = knownCount
            entered = known
        } else {
            var (count, new) = (0, 0)
            before = 0
            for (mask, old) in zip(masks, engine.masks) {
                mask.withUnsafeBufferPointer { m in
                    old.withUnsafeBufferPointer { o in
                        for i in 0..<m.count where m[i] != 0 {
                            count += 1
                            if o[i] == 0 { new += 1 }
                        }
                        for i in 0..<o.count where o[i] != 0 { before += 1 }
                    }
                }
            }
            tracked = count
            entered = new
        }
        // The new set is a subset of the old one when nothing entered: equal if as large.
        if entered > 0 || tracked != before { engine.setMasks(masks) }
    }

    /// Puts every untracked weight back to its regenerated initial value.
    func resetUntracked(_ engine: SparsityEngine, masks: [[Float]]) {
        for (l, parameter) in engine.prunable.enumerated() {
            masks[l].withUnsafeBufferPointer { mask in
                parameter.value.withUnsafeMutableBufferPointer { w in
                    initialValues.forEach(l, count: w.count) { i, initial in w[i] = mask[i] != 0 ? w[i] : initial }
                }
            }
        }
    }

    static func offsets(_ engine: SparsityEngine) -> [Int] {
        var offsets: [Int] = []
        var position = 0
        for parameter in engine.prunable {
            offsets.append(position)
            position += parameter.count
        }
        return offsets
    }

    /// Masks of the top-k scores (the flat `scratch` scores) under a per-layer budget,
    /// dense layers, a density floor or a structured granularity.
    func trackedMasks(_ engine: SparsityEngine, sparsity: Double) -> [[Float]] {
        let budget = engine.budget
        let counts = engine.prunable.map(\.count)
        let offsets = Self.offsets(engine)
        func layerScores(_ l: Int) -> [Float] { Array(scratch[offsets[l]..<(offsets[l] + counts[l])]) }
        let perLayer = budget.layerSparsities(names: engine.names, shapes: engine.shapes, target: sparsity)
        guard engine.granularity == .weights, perLayer != nil || budget.minimumDensity == 0 else {
            // Structured granularity or a global budget with a density floor: the engine's general selection.
            return engine.masks(forScores: counts.indices.map(layerScores), sparsity: sparsity)
        }
        let dense = budget.denseLayers(count: counts.count)
        var masks = counts.map { [Float](repeating: 0, count: $0) }
        for l in dense { masks[l] = [Float](repeating: 1, count: counts[l]) }
        if let perLayer {
            for l in counts.indices where !dense.contains(l) {
                let keep = MaskSelection.keepCount(count: counts[l], sparsity: perLayer[l])
                Self.markTop(layerScores(l), keep: keep, layers: [l], offsets: [0], counts: counts, into: &masks)
            }
        } else {
            let ranked = counts.indices.filter { !dense.contains($0) }
            let pool = ranked.flatMap(layerScores)
            var poolOffsets: [Int] = []
            var position = 0
            for l in ranked {
                poolOffsets.append(position)
                position += counts[l]
            }
            Self.markTop(pool, keep: MaskSelection.keepCount(count: pool.count, sparsity: sparsity), layers: ranked,
                         offsets: poolOffsets, counts: counts, into: &masks)
        }
        return masks
    }

    /// Sets mask 1 for the `keep` largest of `pool` (ties: lower position first), where
    /// `pool` holds the scores of `layers`, layer `layers[j]` starting at `offsets[j]`.
    static func markTop(_ pool: [Float], keep: Int, layers: [Int], offsets: [Int], counts: [Int], into masks: inout [[Float]]) {
        guard keep > 0 else { return }
        let threshold = keep >= pool.count ? -Float.infinity : MaskSelection.kthLargest(pool, k: keep)
        var above = 0
        for value in pool where value > threshold { above += 1 }
        var ties = keep - above
        for (j, l) in layers.enumerated() {
            let start = offsets[j]
            pool.withUnsafeBufferPointer { p in
                masks[l].withUnsafeMutableBufferPointer { m in
                    for i in 0..<counts[l] {
                        let value = p[start + i]
                        if value > threshold {
                            m[i] = 1
                        } else if value == threshold && ties > 0 {
                            m[i] = 1
                            ties -= 1
                        }
                    }
                }
            }
        }
    }

    public var statistics: [MethodStatistic] {
        [MethodStatistic("tracked", Double(tracked)),
         MethodStatistic("compression", tracked > 0 ? Double(total) / Double(tracked) : .infinity),
         MethodStatistic("entered", Double(entered))]
    }

    public var phase: TrainingPhase? { isFrozen ? .frozen : nil }
}

// MARK: Checkpoints

extension DropBackMethod: StatefulSparsityMethod {
    public struct State: Codable {
        var tracked: Int
        var entered: Int
        var isFrozen: Bool
        var lastThreshold: Float
    }

    public var state: State { State(tracked: tracked, entered: entered, isFrozen: isFrozen, lastThreshold: lastThreshold) }

    public func restore(_ state: State, engine: SparsityEngine) throws {
        prepareInitialValues(engine)
        (tracked, entered, isFrozen, lastThreshold) = (state.tracked, state.entered, state.isFrozen, state.lastThreshold)
        // `selectInOnePass` (taken when lastThreshold > 0) writes into it without a size check.
        scratch = [Float](repeating: 0, count: total)
    }
}
