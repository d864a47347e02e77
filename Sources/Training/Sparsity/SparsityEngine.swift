import Foundation

/// Owns the masks of a model's prunable tensors and drives the active method. Lives in
/// a `TrainingSession`; only the trainer's queue touches it.
public final class SparsityEngine {
    public let prunable: [Parameter]
    public let totalSteps: Int
    public let stepsPerEpoch: Int
    /// 0/1 per weight of each prunable tensor; masked weights are exactly zero in the forward pass.
    public private(set) var masks: [[Float]] {
        didSet {
            maskDensities = masks.map(Self.density)
            maskIsAllOnes = maskDensities.map { $0 == 1 }
        }
    }
    /// Per tensor: nothing is masked, so applying its mask is skipped (dense runs pay nothing).
    private var maskIsAllOnes: [Bool]
    /// Per tensor: the fraction of weights the mask keeps.
    public private(set) var maskDensities: [Double]
    private var zeroesMaskedWeights: Bool { method.declaration.maskedWeights == .zeroed }
    private var usesDenseShadow: Bool { method.declaration.maskedWeights == .denseShadow }
    /// Steps completed so far.
    public internal(set) var step = 0
    public private(set) var config: SparsityConfig
    public private(set) var method: any SparsityMethod
    public private(set) var descriptor: MethodDescriptor
    /// Deterministic randomness for methods (random masks, SET regrowth...).
    public var generator: SeededGenerator
    public let seed: UInt64
    /// Hooks into the rest of the session, for methods that need more than weights.
    public let services: SparsityServices
    /// Dense weights while effective (masked) weights are swapped in, for dense-shadow methods.
    private var denseShadow: [[Float]]?
    /// Per weight of each prunable tensor: its value when a score-based prune last removed
    /// it (0 where it never was). A weight that such a prune brings back (the target was
    /// lowered) returns with that value, so turning the target down undoes the pruning
    /// instead of growing weights at zero, which a layer pruned to its last weight could
    /// never train back (its other inputs and outputs are zero, so is their gradient).
    public private(set) var valuesAtPruning: [[Float]]
    /// Set by a knob change: recompute masks at the next step whatever the schedule says.
    public private(set) var updateRequested = false
    /// Step of the last mask update, and how many weights changed state in it.
    public private(set) var lastUpdateStep: Int?
    public private(set) var lastMaskChurn = 0

    public init(config: SparsityConfig, prunable: [Parameter], totalSteps: Int, stepsPerEpoch: Int,
                seed: UInt64, services: SparsityServices) throws {
        let errors = config.validationErrors()
        guard errors.isEmpty else { throw SparsityError.invalidConfig(errors) }
        self.prunable = prunable
        self.totalSteps = totalSteps
        self.stepsPerEpoch = stepsPerEpoch
        self.seed = seed
        precondition(services.unitLinks.count == prunable.count,
                     "\(services.unitLinks.count) unit links for \(prunable.count) prunable tensors")
        precondition(services.activationSparsifiableLayers.count == prunable.count,
                     "\(services.activationSparsifiableLayers.count) layers for \(prunable.count) prunable tensors")
        self.services = services
        self.config = config
        masks = prunable.map { [Float](repeating: 1, count: $0.count) }
        valuesAtPruning = prunable.map { [Float](repeating: 0, count: $0.count) }
        maskIsAllOnes = prunable.map { _ in true }
        maskDensities = prunable.map { _ in 1 }
        generator = SeededGenerator(seed: CounterRandom.bits(seed: seed, stream: 0x5350_4152, index: 0))
        descriptor = MethodRegistry.descriptor(named: config.method)!
        method = descriptor.make(MethodOptions(values: config.options, descriptor: descriptor))
    }

    // MARK: Settings in force: the method's declaration, else the run's, else the method's defaults

    public var target: Double { method.declaration.target ?? config.target }
    public var schedule: SparsitySchedule {
        method.declaration.schedule ?? config.schedule ?? descriptor.defaultSchedule(totalSteps, stepsPerEpoch)
    }
    public var budget: LayerBudget {
        let declared = method.declaration
        return declared.budget ?? config.budget ?? declared.defaultBudget ?? descriptor.defaultBudget
    }
    public var granularity: Granularity {
        method.declaration.granularity ?? config.granularity ?? descriptor.defaultGranularity
    }
    public var options: MethodOptions { MethodOptions(values: config.options, descriptor: descriptor) }
    public var shapes: [[Int]] { prunable.map(\.shape) }
    public var names: [String] { prunable.map(\.name) }

    /// The scheduled target after `step` steps.
    public func scheduledSparsity(at step: Int) -> Double { schedule.sparsity(at: step, final: target) }

    /// Per-tensor target sparsities for an overall target (nil entries do not occur; a
    /// global budget reports the split the current masks realise).
    public func layerTargets(for overall: Double) -> [Double] {
        budget.layerSparsities(names: names, shapes: shapes, target: overall) ?? measuredLayerSparsities
    }

    public var measuredLayerSparsities: [Double] {
        masks.map { mask in 1 - Double(mask.reduce(0, +)) / Double(max(mask.count, 1)) }
    }

    public var measuredSparsity: Double {
        let total = masks.reduce(0) { $0 + $1.count }
        let kept = masks.reduce(0.0) { $0 + Double($1.reduce(0, +)) }
        return total == 0 ? 0 : 1 - kept / Double(total)
    }

    private static func density(_ mask: [Float]) -> Double {
        guard !mask.isEmpty else { return 1 }
        let kept = mask.withUnsafeBufferPointer { m in (0..<m.count).reduce(0) { $0 + (m[$1] != 0 ? 1 : 0) } }
        return Double(kept) / Double(mask.count)
    }

    /// Per tensor, the densities of the operands the step just run multiplied: the weights
    /// of the forward pass and input gradient (the mask's density when the method zeroes
    /// masked weights, 1 when they still take part), and the input activation of the
    /// weight gradient (1 unless the method sparsifies it). Read between backward and the
    /// mask update that ends the step.
    public var stepOperandDensities: OperandDensities {
        let operands = method.declaration.operands
        return OperandDensities(weights: operands.sparsifiesWeights ? maskDensities : allDense,
                                activations: method.activationDensities ?? allDense)
    }

    /// A density of 1 for every prunable layer, made once (a step reports it and should not allocate).
    private lazy var allDense: [Double] = maskDensities.map { _ in 1 }

    /// While the network is still dense and the schedule will prune it: the step count
    /// after which the first prune happens (the mask update at the end of step `end`).
    /// The trainer evaluates right before that step, so the dense phase's last evaluation
    /// is its end (`Metrics.RunHill.densePhaseBaseline`). Nil once pruned, and for
    /// schedules that prune from the start.
    public var densePhaseEnd: Int? {
        guard target > 0, maskIsAllOnes.allSatisfy({ $0 }) else { return nil }
        let end: Int? = switch schedule {
        case .constant: nil
        case let .oneShot(atStep): atStep
        // The update at `begin` sets `initial`; from 0 the first cut is one interval later.
        case let .polynomial(initial, begin, _, frequency, _): initial > 0 ? begin : begin + max(frequency, 1)
        case let .iterative(_, stepsPerRound): stepsPerRound
        }
        return end.flatMap { $0 > step ? $0 : nil }
    }

    /// Whether this step is a mask-update step for schedule-driven methods (and clears a
    /// pending knob request).
    public func consumeUpdateDue() -> Bool {
        defer { updateRequested = false }
        return updateRequested || schedule.isUpdateStep(step)
    }

    // MARK: Mask operations for methods

    /// Replaces the masks, zeroes newly masked weights (unless a dense shadow keeps
    /// them) and clears optimizer state of pruned weights.
    public func setMasks(_ newMasks: [[Float]]) {
        precondition(newMasks.count == masks.count)
        var churn = 0
        for l in masks.indices {
            precondition(newMasks[l].count == masks[l].count)
            masks[l].withUnsafeBufferPointer { old in
                newMasks[l].withUnsafeBufferPointer { new in
                    for i in 0..<old.count where old[i] != new[i] { churn += 1 }
                }
            }
        }
        masks = newMasks
        lastMaskChurn = churn
        lastUpdateStep = step
        if zeroesMaskedWeights {
            applyMasksToWeights()
            for (l, parameter) in prunable.enumerated() {
                services.maskOptimizerState(parameter.index, masks[l])
                for i in parameter.gradient.indices where masks[l][i] == 0 { parameter.gradient[i] = 0 }
            }
        }
    }

    /// Masks keeping the highest `scores` at overall sparsity `sparsity`, under the
    /// current budget and granularity.
    public func masks(forScores scores: [[Float]], sparsity: Double) -> [[Float]] {
        let budget = budget
        return MaskSelection.masks(scores: scores, shapes: shapes, granularity: granularity,
                                   layerSparsities: budget.layerSparsities(names: names, shapes: shapes, target: sparsity),
                                   target: sparsity, dense: budget.denseLayers(count: prunable.count),
                                   minimumDensity: budget.minimumDensity, unitLinks: services.unitLinks)
    }

    public func prune(byScores scores: [[Float]], to sparsity: Double) {
        let newMasks = masks(forScores: scores, sparsity: sparsity)
        if zeroesMaskedWeights { exchangeValuesAtPruning(for: newMasks) }
        setMasks(newMasks)
    }

    /// Weights leaving the mask leave their value in `valuesAtPruning`; weights coming
    /// back take theirs from it.
    private func exchangeValuesAtPruning(for newMasks: [[Float]]) {
        for (l, parameter) in prunable.enumerated() {
            let old = masks[l], new = newMasks[l]
            for i in 0..<old.count where old[i] != new[i] {
                if new[i] == 0 {
                    valuesAtPruning[l][i] = parameter.value[i]
                } else {
                    parameter.value[i] = valuesAtPruning[l][i]
                }
            }
        }
    }

    /// |w| of every prunable tensor.
    public var magnitudes: [[Float]] { prunable.map { $0.value.map(abs) } }

    public func applyMasksToWeights() {
        for (l, parameter) in prunable.enumerated() where !maskIsAllOnes[l] {
            masks[l].withUnsafeBufferPointer { m in
                parameter.value.withUnsafeMutableBufferPointer { w in
                    for i in 0..<w.count { w[i] *= m[i] }
                }
            }
        }
    }

    /// Weights as the forward pass sees them.
    public func effectiveWeights(_ l: Int) -> [Float] {
        guard usesDenseShadow, denseShadow == nil else { return prunable[l].value }
        return zip(prunable[l].value, masks[l]).map { $0 * $1 }
    }

    // MARK: Hooks called by the session

    func begin() {
        method.begin(self)
        recordDeclaredSettings()
        if zeroesMaskedWeights { applyMasksToWeights() }
    }

    func beforeForward() {
        if usesDenseShadow {
            denseShadow = prunable.map(\.value)
            applyMasksToWeights()
        }
        method.beforeForward(self)
    }

    func afterBackward() {
        if usesDenseShadow, let shadow = denseShadow {
            for (l, parameter) in prunable.enumerated() { parameter.value = shadow[l] }
            denseShadow = nil
        }
        method.afterBackward(self)
        if zeroesMaskedWeights {
            for (l, parameter) in prunable.enumerated() where !maskIsAllOnes[l] {
                masks[l].withUnsafeBufferPointer { m in
                    parameter.gradient.withUnsafeMutableBufferPointer { g in
                        for i in 0..<g.count { g[i] *= m[i] }
                    }
                }
            }
        }
    }

    func afterStep() {
        step += 1
        method.afterStep(self)
        recordDeclaredSettings()
        if zeroesMaskedWeights { applyMasksToWeights() }
    }

    /// Writes the schedule, budget and granularity the method declares into `config`, so
    /// that the run's settings (what a checkpoint, the run's log and a method switch
    /// see) are the ones in force, and a knob turned later shows as a change from them.
    /// Not a knob: no mask update is requested. The target stays the one asked for, which
    /// a method declaring its own (N:M) gives back when it is left.
    private func recordDeclaredSettings() {
        let declared = method.declaration
        if let schedule = declared.schedule { config.schedule = schedule }
        if let budget = declared.budget ?? (config.budget == nil ? declared.defaultBudget : nil) { config.budget = budget }
        if let granularity = declared.granularity { config.granularity = granularity }
    }

    /// Abandons a step whose loss was not finite: puts dense weights back if swapped out.
    /// The step still counts, as it does for the session and its learning-rate schedule.
    func cancelStep() {
        if let shadow = denseShadow {
            for (l, parameter) in prunable.enumerated() { parameter.value = shadow[l] }
            denseShadow = nil
        }
        step += 1
    }

    /// Runs `body` with the effective weights in place (evaluation of dense-shadow methods).
    func withEffectiveWeights<T>(_ body: () -> T) -> T {
        guard usesDenseShadow else { return body() }
        let dense = prunable.map(\.value)
        applyMasksToWeights()
        defer { for (l, parameter) in prunable.enumerated() { parameter.value = dense[l] } }
        return body()
    }

    /// Runs `body` with every masked weight at zero, then puts the weights back: the
    /// pruned network of a method that holds its masked weights at other values.
    func withMaskedWeightsZeroed<T>(_ body: () -> T) -> T {
        let held = prunable.map(\.value)
        applyMasksToWeights()
        defer { for (l, parameter) in prunable.enumerated() { parameter.value = held[l] } }
        return body()
    }

    /// The phase to show: the method's own, else the schedule's.
    public var phase: TrainingPhase {
        if let own = method.phase { return own }
        if target == 0 && measuredSparsity == 0 { return .dense }
        switch schedule {
        case .constant:
            return .sparse
        case let .oneShot(atStep):
            return step < atStep ? .dense : .fineTune
        case let .polynomial(_, begin, end, _, _):
            // From an initial 0 the first cut is one interval after `begin`: dense until then.
            return step < begin || (step < end && measuredSparsity == 0) ? .dense : step < end ? .pruning : .fineTune
        case let .iterative(rounds, stepsPerRound):
            let round = step / max(stepsPerRound, 1)
            return round == 0 ? .dense : round < rounds ? .round(round, of: rounds) : .fineTune
        }
    }

    public var snapshot: SparsitySnapshot {
        SparsitySnapshot(method: method.name, target: target, scheduledTarget: scheduledSparsity(at: step),
                         measured: measuredSparsity, schedule: schedule.name, budget: budget.name,
                         granularity: granularity.name, activeSchedule: schedule, activeBudget: budget,
                         activeGranularity: granularity, phase: phase, lastUpdateStep: lastUpdateStep,
                         lastMaskChurn: lastMaskChurn, statistics: method.statistics,
                         operands: method.declaration.operands, activationDensities: method.activationDensities,
                         variantLabel: method.variantLabel, maskedWeights: method.declaration.maskedWeights)
    }

    public func rewind() throws { try method.rewind(self) }

    // MARK: Knobs

    /// Switches method; masks and the target carry over and the new method begins from
    /// them, with its own default schedule, budget and granularity. A method that declares
    /// its own target (N:M realises 50% at 2:4) hands back, when left, the target the run
    /// asked for, not its own.
    public func switchMethod(to name: String) throws {
        var newConfig = config
        newConfig.method = name
        newConfig.options = [:]
        newConfig.schedule = nil
        newConfig.budget = nil
        newConfig.granularity = nil
        let errors = newConfig.validationErrors()
        guard errors.isEmpty else { throw SparsityError.invalidConfig(errors) }
        if !zeroesMaskedWeights { applyMasksToWeights() }
        config = newConfig
        descriptor = MethodRegistry.descriptor(named: name)!
        method = descriptor.make(options)
        begin()
    }

    public func setTarget(_ sparsity: Double) throws {
        try update { $0.target = sparsity }
    }

    public func setSchedule(_ schedule: SparsitySchedule) throws {
        try update { $0.schedule = schedule }
    }

    public func setBudget(_ budget: LayerBudget) throws {
        try update { $0.budget = budget }
    }

    public func setGranularity(_ granularity: Granularity) throws {
        try update { $0.granularity = granularity }
    }

    private func update(_ change: (inout SparsityConfig) -> Void) throws {
        var newConfig = config
        change(&newConfig)
        let errors = newConfig.validationErrors()
        guard errors.isEmpty else { throw SparsityError.invalidConfig(errors) }
        config = newConfig
        updateRequested = true
    }
}

/// What the session lends the engine and its methods.
public struct SparsityServices {
    /// Zero the optimizer's per-weight state (momentum, moments) where the mask is 0.
    public var maskOptimizerState: (_ parameterIndex: Int, _ mask: [Float]) -> Void
    /// Dense gradients of the loss on `count` training samples drawn with `seed`, for
    /// every prunable tensor, at the current (effective) weights; nothing is updated.
    public var sampleGradients: (_ count: Int, _ seed: UInt64) -> [[Float]]
    /// Number of classes (SNIP's default batch size).
    public var classCount: Int
    /// The parameters that are not pruned (biases, batch-norm scales and shifts), in
    /// network order.
    public var otherParameters: [Parameter]
    /// Their values when the model was made: biases and shifts 0, batch-norm scales 1.
    public var initialOtherValues: [[Float]]
    /// Batch norm's running means and variances, in network order (not dropout's counters).
    public var normalizationStatistics: [Buffer]
    /// Their values when the model was made (means 0, variances 1).
    public var initialNormalizationStatistics: [[Float]]
    /// For each prunable tensor, in order: which prunable tensors' output units are its
    /// input units (`NetworkDescription.unitLinks`), several through a residual sum. A
    /// structured mask follows them to the inputs a removed unit fed.
    public var unitLinks: [NetworkDescription.UnitLink]
    /// For each prunable tensor, in order: the layer multiplying by it, when its weight
    /// gradient can take a sparsified input (SWAT hooks its activation Top-K into it).
    public var activationSparsifiableLayers: [(any ActivationSparsifiable)?]
    /// The model's initial value of prunable tensor `l`, element `i`, regenerated.
    public var initialValue: (_ l: Int, _ i: Int) -> Float
    /// Runs the model forward/backward on an all-ones input with |weights| and no data
    /// (SynFlow): gradient of sum(outputs) for each prunable tensor.
    public var synapticFlowGradients: () -> [[Float]]
    /// From now on the learning-rate schedule reads as if at step `step` (lottery LR rewinding).
    public var rewindLearningRate: (_ step: Int) -> Void
    /// The learning rate of the step being taken (after the schedule and the live knob).
    public var learningRate: () -> Float
}

public enum SparsityError: Error, CustomStringConvertible, Equatable {
    case invalidConfig([String])
    case unsupported(String)

    public var description: String {
        switch self {
        case let .invalidConfig(errors): errors.joined(separator: "; ")
        case let .unsupported(message): message
        }
    }
}

// MARK: Checkpoints

extension SparsityEngine {
    /// The engine and its method now. Call between steps.
    public func savedState() -> SparsityEngineCheckpoint {
        precondition(denseShadow == nil, "a checkpoint is taken between steps")
        return SparsityEngineCheckpoint(step: step, masks: masks, generatorState: generator.state,
                                   updateRequested: updateRequested, lastUpdateStep: lastUpdateStep,
                                   lastMaskChurn: lastMaskChurn, method: method.saveState(), valuesAtPruning: valuesAtPruning)
    }

    /// Continues from `state` under `config` (the settings in force when it was saved):
    /// a new method instance takes over from the saved state, without `begin`. The
    /// weights must be restored already. Throws, before changing anything, when the
    /// settings are invalid or the masks do not fit the tensors; a method state that
    /// does not fit throws after the engine's own state is in place.
    public func restore(_ state: SparsityEngineCheckpoint, config: SparsityConfig) throws {
        let errors = config.validationErrors()
        guard errors.isEmpty else { throw SparsityError.invalidConfig(errors) }
        guard state.masks.map(\.count) == prunable.map(\.count) else {
            throw MethodCheckpointError(key: "masks", problem: "hold \(state.masks.map(\.count)) values, expected \(prunable.map(\.count))")
        }
        if let saved = state.valuesAtPruning, saved.map(\.count) != prunable.map(\.count) {
            throw MethodCheckpointError(key: "values at pruning", problem: "hold \(saved.map(\.count)) values, expected \(prunable.map(\.count))")
        }
        self.config = config
        descriptor = MethodRegistry.descriptor(named: config.method)!
        method = descriptor.make(options)
        masks = state.masks
        valuesAtPruning = state.valuesAtPruning ?? prunable.map { [Float](repeating: 0, count: $0.count) }
        step = state.step
        generator = SeededGenerator(seed: state.generatorState)  // a SplitMix64 state is its seed
        updateRequested = state.updateRequested
        lastUpdateStep = state.lastUpdateStep
        lastMaskChurn = state.lastMaskChurn
        denseShadow = nil
        try method.restoreState(state.method, engine: self)
    }
}
