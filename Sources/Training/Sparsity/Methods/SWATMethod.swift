import Foundation

/// SWAT, Sparse Weight Activation Training (Raihan & Aamodt 2020, NeurIPS 2020, arXiv:2001.01969;
/// sections below are theirs). Per training step, per Dense/Conv2D layer l with sparsity s_l
/// (the rule opening §3.3, on Eqs. 1–3 of §3.1):
///
/// - forward: Top-K weights (the K = round((1 − s_l)·N) largest |w|), dense activations;
/// - input gradient: the same Top-K weights (they are in place during backward), dense ∇a;
/// - weight gradient: Top-K of the layer *input* a_{l−1} over the whole mini-batch tensor,
///   at the same sparsity s_l as the weights (§3.3.2), dense ∇a. This runs
///   through the layers' `activationSparsifier` hook (`TopKActivationSparsifier`);
/// - update: the weight gradient is dense and the optimizer updates *all* weights, active
///   and not (§3.3; §4.5, Fig. 7): a dense shadow, masks recomputed from the dense weights' magnitudes
///   after every optimizer step, so no mask persists.
///
/// Variants (option `variant`, §3.3.2): 0 = SWAT-U, the same sparsity in every layer but the
/// first, which stays dense (weights and activations); 1 = SWAT-ERK, RigL's
/// Erdős–Rényi-Kernel split over all layers (Evci et al. 2020, arXiv:1911.11134; declared
/// as its budget); 2 = SWAT-M (after Dettmers & Zettlemoyer 2019, arXiv:1907.04840), starting uniform
/// over all layers and, at every threshold recomputation,
/// giving each layer non-zeros ∝ the mean |momentum| of its active weights (a layer over
/// 99% full becomes dense and its excess is spread evenly over the others, as the authors'
/// code does: github.com/AamirRaihan/SWAT, SWAT-code/cifar10-100-code/dynamic_sparsity.py);
/// the split is declared as a `manual` budget so the per-layer targets shown
/// are the ones in force. A budget given explicitly (--budget) replaces the variant's.
///
/// Threshold reuse (§3.3.3, Figs. 4–5; option `period` = P, default 1 as for CIFAR-10 in §4.1): at
/// steps that are multiples of P the per-layer weight and activation thresholds are the
/// exact K-th largest magnitudes (exactly K kept, ties to the lower index); between, masks
/// are |x| >= the stored threshold, so the realised sparsity drifts and is what is shown.
/// Option `structured` = 1 (§3.3.1, Fig. 3): Conv2D weights are kept by the L1 norm of each
/// (out, in) kernel slice (K = round((1 − s)·C_out·C_in) slices per layer); linear layers
/// and all activations stay unstructured Top-K.
/// Option `sparsify` (an ablation of §3.2's two halves, not a paper variant): 0 = weights
/// and activations (SWAT); 1 = weights only (Top-K weights forward and in the input
/// gradient, the weight gradient from the dense input: no activation hook); 2 = activations
/// only (all-ones weight masks, Top-K inputs at the layer's sparsity in the weight gradient).
///
/// The network's input (the first layer's a_0, the data) is not Top-K'd by default: the
/// paper sparsifies the activations layers produce and never says whether the image counts.
/// On its CIFAR CNNs the question barely arises (ERK leaves the first conv nearly dense;
/// SWAT-U keeps it dense), but ERK puts LeNet-300-100's fc1 at 92%, and Top-K of a
/// normalised image keeps only its brightest pixels (the background sits at |a| = 0.81):
/// SWAT-ERK at 90% then ends 3.4 points below dense on Fashion-MNIST, against 0.2 with
/// the input dense (seeds 0 and 1, 10 epochs). Option `input` = 1 Top-K's it as well.
///
/// Choices where the paper is silent: K rounds to nearest (the authors' code uses ceil);
/// SWAT-M's momentum is the method's own buffer v ← μ·v + ∇w (μ = option `momentum`) of
/// the dense weight gradients, since the optimizer's state is not visible to methods, and
/// the redistribution runs at threshold recomputations (every step when P = 1; the
/// authors' code runs it after every step but its conv layers pick it up only at the next
/// recomputation). The engine's granularity setting is not used: SWAT's granularity is
/// its `structured` option. No sparsity ramp: the target applies from the first step
/// (the paper describes none; §3.3.3 sets thresholds "on the first iteration").
public final class SWATMethod: SparsityMethod {
    public static let descriptor = MethodDescriptor(
        name: "swat",
        summary: "SWAT: Top-K weights forward, Top-K activations for dW, all weights updated",
        options: [
            MethodOption("variant", default: 0, range: 0...2, integer: true,
                         "0 = SWAT-U (uniform, first layer dense), 1 = SWAT-ERK, 2 = SWAT-M (momentum redistribution)"),
            MethodOption("period", default: 1, range: 1...1_000_000, integer: true,
                         "recompute the Top-K thresholds every this many steps, reusing them between"),
            MethodOption("structured", default: 0, range: 0...1, integer: true,
                         "1 = conv weights kept by (out, in) kernel-slice L1 norm (linear layers stay unstructured)"),
            MethodOption("momentum", default: 0.9, range: 0...0.999,
                         "SWAT-M: decay of the gradient momentum that ranks layers"),
            MethodOption("input", default: 0, range: 0...1, integer: true,
                         "1 = Top-K the network's input (the data) in the first layer's weight gradient too; 0 = keep it dense"),
            MethodOption("sparsify", default: 0, range: 0...2, integer: true,
                         "ablation: 0 = weights and activations (SWAT), 1 = weights only (dense inputs for dW), 2 = activations only (all weights active, Top-K inputs for dW)"),
        ],
        defaultBudget: LayerBudget(.uniform, keepFirstDense: true),
        honorsGranularity: false,
        defaultSchedule: { _, _ in .constant },
        make: { SWATMethod(options: $0) })

    public let name = "swat"
    /// A dense shadow; the variant's budget unless the run gives one, SWAT-M's momentum
    /// split once computed.
    public var declaration: MethodDeclaration {
        let operands: SparsifiedOperands = switch sparsify {
        case 1: .weights
        case 2: .activations
        default: .weightsAndActivations
        }
        let variantBudget: LayerBudget? = switch variant {
        case 1: LayerBudget(.erdosRenyiKernel)
        case 2: LayerBudget(.uniform)
        default: nil
        }
        return MethodDeclaration(budget: momentumBudget, defaultBudget: variantBudget, maskedWeights: .denseShadow,
                                 operands: operands)
    }
    /// Non-zeros of each layer's input activation as its last weight-gradient GEMM took it
    /// (after Top-K; natural zeros count as zeros); 1 for a layer left dense (no hook).
    public var activationDensities: [Double]? {
        activationSparsifiers.enumerated().map { l, sparsifier in
            guard let sparsifier, isHooked(l), sparsifier.elementCount > 0 else { return 1 }
            return 1 - sparsifier.measuredSparsity
        }
    }

    /// Whether layer `l`'s weight gradient takes its input through the Top-K hook now.
    private func isHooked(_ l: Int) -> Bool {
        l < layers.count && layers[l]?.activationSparsifier != nil
    }

    public let variant: Int
    public let period: Int
    public let structured: Bool
    public let momentumDecay: Float
    /// 0 = weights and activations, 1 = weights only, 2 = activations only.
    public let sparsify: Int
    /// Whether the first layer's input, the data itself, is Top-K'd in its weight gradient.
    public let sparsifiesInput: Bool

    /// Sparsity in force per prunable tensor, for its weights and its input activations.
    public private(set) var layerSparsities: [Double] = []
    /// Per tensor: a weight is active when its score (|w|, or its kernel slice's L1 norm
    /// when structured) is >= this. +infinity when nothing is kept, 0 when all are.
    public private(set) var weightThresholds: [Float] = []
    /// Activation Top-K of each tensor's layer (nil if the layer could not be found).
    public private(set) var activationSparsifiers: [TopKActivationSparsifier?] = []
    /// Step at which the thresholds were last recomputed exactly.
    public private(set) var lastRecomputeStep = 0
    /// SWAT-M: the split of the last redistribution, as a manual budget (nil before it;
    /// after a restore the run's settings hold it).
    private var momentumBudget: LayerBudget?

    private var step = 0
    private var names: [String] = []
    private var shapes: [[Int]] = []
    /// The activation thresholds must be recomputed at the next forward pass.
    private var activationsStale = true
    private var momentum: [[Float]] = []
    private var scratch = SWATSelectionScratch()
    private var layers: [(any ActivationSparsifiable)?] = []
    /// Per tensor: its layer reads the network's input (the data), not a layer's output.
    private var readsNetworkInput: [Bool] = []
    private var ones: [[Float]] = []

    init(options: MethodOptions) {
        variant = options.integer("variant")
        period = max(1, options.integer("period"))
        structured = options.integer("structured") == 1
        momentumDecay = Float(options["momentum"])
        sparsify = options.integer("sparsify")
        sparsifiesInput = options.integer("input") == 1
    }

    // MARK: Hooks

    public func begin(_ engine: SparsityEngine) {
        step = engine.step
        findLayers(engine)
        if variant == 2 { momentum = engine.prunable.map { [Float](repeating: 0, count: $0.count) } }
        recompute(engine)
    }

    /// The engine's tensors by name and shape, their layers and one activation Top-K per layer.
    private func findLayers(_ engine: SparsityEngine) {
        shapes = engine.shapes
        names = engine.names.map { $0.hasSuffix(".weight") ? String($0.dropLast(7)) : $0 }
        // The layers hold their sparsifier weakly: it lives as long as this method.
        layers = engine.services.activationSparsifiableLayers
        // The first layer, and also a projection shortcut when the network opens with a block.
        readsNetworkInput = engine.services.unitLinks.map(\.sources.isEmpty)
        activationSparsifiers = layers.map { $0 == nil ? nil : TopKActivationSparsifier(sparsity: 0) }
    }

    public func beforeForward(_ engine: SparsityEngine) {
        let recompute = activationsStale || engine.step % period == 0
        for sparsifier in activationSparsifiers { sparsifier?.recomputeNext = recompute }
        activationsStale = false
    }

    public func afterBackward(_ engine: SparsityEngine) {
        guard variant == 2 else { return }
        let mu = momentumDecay
        for (l, parameter) in engine.prunable.enumerated() {
            parameter.gradient.withUnsafeBufferPointer { g in
                momentum[l].withUnsafeMutableBufferPointer { v in
                    for i in 0..<v.count { v[i] = mu * v[i] + g[i] }
                }
            }
        }
    }

    public func afterStep(_ engine: SparsityEngine) {
        step = engine.step
        let knobChanged = engine.consumeUpdateDue()
        if knobChanged || engine.step % period == 0 {
            if variant == 2 { redistributeByMomentum(engine) }
            recompute(engine)
        } else {
            reuseThresholds(engine)
        }
    }

    // MARK: Masks

    /// Exact Top-K for every tensor at the budget's per-layer sparsities; stores the thresholds.
    private func recompute(_ engine: SparsityEngine) {
        layerSparsities = resolvedLayerSparsities(engine)
        var masks: [[Float]] = []
        weightThresholds = []
        for (l, parameter) in engine.prunable.enumerated() {
            let count = scoreCount(shapes[l])
            let keep = MaskSelection.keepCount(count: count, sparsity: layerSparsities[l])
            if keep >= count || sparsify == 2 {  // a dense layer (or activations only): no scoring needed
                masks.append(denseMask(engine, l))
                weightThresholds.append(0)
                continue
            }
            let (unitMask, threshold) = isSliced(shapes[l])
                ? exactTopK(sliceNorms(parameter.value, shape: shapes[l]), keep: keep)
                : exactTopK(parameter.value, keep: keep)
            masks.append(expand(unitMask, shape: shapes[l], count: parameter.count))
            weightThresholds.append(threshold)
        }
        engine.setMasks(masks)
        attachActivationSparsifiers()
        activationsStale = true
        lastRecomputeStep = engine.step
    }

    /// Gives every sparsified layer its activation Top-K at the layer's sparsity.
    private func attachActivationSparsifiers() {
        for (l, sparsifier) in activationSparsifiers.enumerated() {
            sparsifier?.sparsity = layerSparsities[l]
            // Dense layers keep dense activations and cost nothing: no hook; none either
            // when only the weights are sparsified.
            // The first layer's input is the data, not an activation: dense unless asked.
            let sparsified = layerSparsities[l] > 0 && sparsify != 1 && (!readsNetworkInput[l] || sparsifiesInput)
            if let layer = layers[l] { layer.activationSparsifier = sparsified ? sparsifier : nil }
        }
    }

    /// Masks from the stored thresholds on the current dense weights.
    private func reuseThresholds(_ engine: SparsityEngine) {
        let masks = engine.prunable.enumerated().map { l, parameter in
            let threshold = weightThresholds[l]
            guard threshold > 0 else { return denseMask(engine, l) }
            let scores = isSliced(shapes[l]) ? sliceNorms(parameter.value, shape: shapes[l]) : parameter.value
            let unitMask = [Float](unsafeUninitializedCapacity: scores.count) { mask, initialized in
                scores.withUnsafeBufferPointer { x in
                    for i in 0..<x.count { mask[i] = abs(x[i]) >= threshold ? 1 : 0 }
                }
                initialized = scores.count
            }
            return expand(unitMask, shape: shapes[l], count: parameter.count)
        }
        engine.setMasks(masks)
    }

    /// All ones; the same array every time, so no allocation or scan per step.
    private func denseMask(_ engine: SparsityEngine, _ l: Int) -> [Float] {
        if ones.count != engine.prunable.count { ones = engine.prunable.map { [Float](repeating: 1, count: $0.count) } }
        return ones[l]
    }

    private func scoreCount(_ shape: [Int]) -> Int {
        isSliced(shape) ? shape[0] * shape[1] : shape.reduce(1, *)
    }

    /// The budget's per-layer split; a global budget takes the split a global magnitude
    /// ranking realises.
    private func resolvedLayerSparsities(_ engine: SparsityEngine) -> [Double] {
        if let split = engine.budget.layerSparsities(names: engine.names, shapes: shapes, target: engine.target) {
            return split
        }
        let masks = engine.masks(forScores: engine.magnitudes, sparsity: engine.target)
        return masks.map { 1 - Double($0.reduce(0, +)) / Double(max($0.count, 1)) }
    }

    private func isSliced(_ shape: [Int]) -> Bool { structured && shape.count == 4 }

    /// The L1 norm of each (out, in) kernel slice of a conv weight [out, in, kh, kw].
    private func sliceNorms(_ weights: [Float], shape: [Int]) -> [Float] {
        let size = shape[2] * shape[3]
        return (0..<(shape[0] * shape[1])).map { s in
            var sum: Float = 0
            for i in (s * size)..<((s + 1) * size) { sum += abs(weights[i]) }
            return sum
        }
    }

    private func expand(_ unitMask: [Float], shape: [Int], count: Int) -> [Float] {
        guard isSliced(shape) else { return unitMask }
        let size = shape[2] * shape[3]
        var mask = [Float](repeating: 0, count: count)
        for s in unitMask.indices where unitMask[s] != 0 {
            for i in (s * size)..<((s + 1) * size) { mask[i] = 1 }
        }
        return mask
    }

    /// Exactly `keep` of the highest |scores| (ties: lower index), and the K-th largest.
    private func exactTopK(_ scores: [Float], keep: Int) -> (mask: [Float], threshold: Float) {
        let count = scores.count
        if keep >= count { return ([Float](repeating: 1, count: count), 0) }
        if keep <= 0 { return ([Float](repeating: 0, count: count), .infinity) }
        return scores.withUnsafeBufferPointer { x in
            let (threshold, greater) = swatKthLargestMagnitude(x, k: keep, scratch: &scratch)
            var mask = [Float](unsafeUninitializedCapacity: count) { mask, initialized in
                for i in 0..<count { mask[i] = abs(x[i]) > threshold ? 1 : 0 }
                initialized = count
            }
            var ties = keep - greater
            var i = 0
            while ties > 0 && i < count {
                if abs(x[i]) == threshold {
                    mask[i] = 1
                    ties -= 1
                }
                i += 1
            }
            return (mask, threshold)
        }
    }

    // MARK: SWAT-M

    /// Non-zeros per layer ∝ the mean |momentum| of its active weights (Raihan & Aamodt 2020, §3.3.2;
    /// the rule of the authors' dynamic_sparsity.py).
    private func redistributeByMomentum(_ engine: SparsityEngine) {
        let counts = engine.prunable.map { Double($0.count) }
        var means: [Double] = []
        for l in counts.indices {
            var sum = 0.0, active = 0
            for i in momentum[l].indices where engine.masks[l][i] != 0 {
                sum += Double(abs(momentum[l][i]))
                active += 1
            }
            means.append(active > 0 ? sum / Double(active) : 0)
        }
        let total = means.reduce(0, +)
        guard total > 0, total.isFinite else { return }
        let kept = Double(MaskSelection.keepCount(count: Int(counts.reduce(0, +)), sparsity: engine.target))
        var nonzeros = means.map { $0 / total * kept }
        var full = Set<Int>()
        for _ in 0...counts.count {
            var excess = 0.0
            for l in counts.indices where !full.contains(l) && nonzeros[l] > 0.99 * counts[l] {
                excess += nonzeros[l] - counts[l]
                nonzeros[l] = counts[l]
                full.insert(l)
            }
            let open = counts.indices.filter { !full.contains($0) }
            guard excess > 0, !open.isEmpty else { break }
            for l in open { nonzeros[l] += excess / Double(open.count) }
        }
        var split: [String: Double] = [:]
        for l in counts.indices { split[engine.names[l]] = min(1, max(0, 1 - nonzeros[l] / counts[l])) }
        // The run's settings hold the last split declared, or a budget set live since.
        let minimumDensity = (engine.config.budget ?? engine.budget).minimumDensity
        momentumBudget = LayerBudget(.manual(split), minimumDensity: minimumDensity)
    }

    // MARK: Display

    /// The variants' names in Raihan & Aamodt 2020 (arXiv:2001.01969, §3.3.2).
    public var variantLabel: String? {
        let name = ["SWAT-U", "SWAT-ERK", "SWAT-M"][min(max(variant, 0), 2)]
        return structured ? name + ", structured" : name
    }

    public var statistics: [MethodStatistic] {
        var result = [MethodStatistic("period", Double(period)),
                      MethodStatistic("threshold age", Double(step - lastRecomputeStep))]
        // Element-weighted over the layers whose activations are sparsified (Raihan & Aamodt 2020, §4.2).
        let live = activationSparsifiers.indices.filter { l in
            isHooked(l) && (activationSparsifiers[l]?.elementCount ?? 0) > 0
        }
        let elements = live.reduce(0) { $0 + activationSparsifiers[$1]!.elementCount }
        if elements > 0 {
            let zeros = live.reduce(0.0) { $0 + activationSparsifiers[$1]!.measuredSparsity * Double(activationSparsifiers[$1]!.elementCount) }
            result.append(MethodStatistic("act sparsity", zeros / Double(elements)))
        }
        for l in weightThresholds.indices {
            result.append(MethodStatistic("w thr \(names[l])", Double(weightThresholds[l])))
            if live.contains(l) { result.append(MethodStatistic("act \(names[l])", activationSparsifiers[l]!.measuredSparsity)) }
        }
        return result
    }
}

/// SWAT's Top-K on a layer's input for its weight gradient (Raihan & Aamodt 2020, arXiv:2001.01969,
/// §3.3 and §3.3.3): over the whole mini-batch tensor (as in the authors' code), keeps the
/// K = round((1 − sparsity)·N) largest |a|
/// (ties: lower index) and stores the K-th largest |a| as the threshold when
/// `recomputeNext` is set or no threshold exists yet; otherwise keeps |a| >= the stored
/// threshold. Measures the fraction of zeros it leaves (natural zeros included).
public final class TopKActivationSparsifier: ActivationSparsifier {
    public var sparsity: Double
    /// Whether the next call recomputes the threshold (exact Top-K) or reuses it.
    public var recomputeNext = true
    public private(set) var threshold: Float?
    /// Fraction of zeros in the last sparsified tensor, natural zeros (ReLU) included.
    public private(set) var measuredSparsity = 0.0
    /// Elements of the last tensor.
    public private(set) var elementCount = 0
    private var scratch = SWATSelectionScratch()

    public init(sparsity: Double) { self.sparsity = sparsity }

    public func sparsifyActivations(_ values: UnsafeMutableBufferPointer<Float>) {
        let count = values.count
        elementCount = count
        let keep = MaskSelection.keepCount(count: count, sparsity: sparsity)
        var zeros = 0
        if keep >= count {
            threshold = 0
            for i in 0..<count where values[i] == 0 { zeros += 1 }
        } else if recomputeNext || threshold == nil {
            let (kth, greater) = keep == 0 ? (Float.infinity, 0)
                : swatKthLargestMagnitude(UnsafeBufferPointer(values), k: keep, scratch: &scratch)
            threshold = kth
            var ties = keep - greater  // elements equal to the threshold still to keep, lowest index first
            for i in 0..<count {
                let magnitude = abs(values[i])
                if magnitude > kth { continue }
                if magnitude == kth && ties > 0 {
                    ties -= 1
                    if magnitude == 0 { zeros += 1 }
                    continue
                }
                values[i] = 0
                zeros += 1
            }
        } else if let threshold {
            for i in 0..<count {
                if abs(values[i]) < threshold { values[i] = 0 }
                if values[i] == 0 { zeros += 1 }
            }
        }
        measuredSparsity = count == 0 ? 0 : Double(zeros) / Double(count)
    }
}

// MARK: Checkpoints

extension SWATMethod: StatefulSparsityMethod {
    public struct State: Codable {
        var step: Int
        var layerSparsities: [Double]
        var weightThresholds: [Float]
        var lastRecomputeStep: Int
        var activationsStale: Bool
        /// SWAT-M only.
        var momentum: [[Float]]?
        /// By prunable tensor, for those whose layer takes an activation Top-K.
        var activations: [Int: TopKActivationSparsifier.State]
    }

    public var state: State {
        var activations: [Int: TopKActivationSparsifier.State] = [:]
        for (l, sparsifier) in activationSparsifiers.enumerated() { activations[l] = sparsifier?.state }
        return State(step: step, layerSparsities: layerSparsities, weightThresholds: weightThresholds,
                     lastRecomputeStep: lastRecomputeStep, activationsStale: activationsStale,
                     momentum: variant == 2 ? momentum : nil, activations: activations)
    }

    public func restore(_ state: State, engine: SparsityEngine) throws {
        findLayers(engine)
        let layerCount = engine.prunable.count
        for (key, values) in [("layerSparsities", state.layerSparsities.count), ("weightThresholds", state.weightThresholds.count)]
        where values != layerCount {
            throw MethodCheckpointError(key: key, problem: "holds \(values) layers, expected \(layerCount)")
        }
        (step, layerSparsities, weightThresholds) = (state.step, state.layerSparsities, state.weightThresholds)
        (lastRecomputeStep, activationsStale) = (state.lastRecomputeStep, state.activationsStale)
        if variant == 2 {
            guard let saved = state.momentum else { throw MethodCheckpointError(key: "momentum", problem: "is missing (expected tensors)") }
            try MethodCheckpointError.check(saved, "momentum", counts: engine.prunable.map(\.count))
            momentum = saved
        }
        for (l, sparsifier) in activationSparsifiers.enumerated() {
            guard let sparsifier else { continue }
            guard let saved = state.activations[l] else {
                throw MethodCheckpointError(key: "activations.\(l)", problem: "is missing (expected an activation Top-K)")
            }
            sparsifier.restore(saved)
        }
        attachActivationSparsifiers()
    }
}

extension TopKActivationSparsifier {
    /// The stored threshold (reused between recomputations) and the last measurement;
    /// the sparsity comes from the method and `recomputeNext` is set before every use.
    public struct State: Codable {
        var threshold: Float?
        var measuredSparsity: Double
        var elementCount: Int
    }

    var state: State { State(threshold: threshold, measuredSparsity: measuredSparsity, elementCount: elementCount) }

    func restore(_ state: State) {
        (threshold, measuredSparsity, elementCount) = (state.threshold, state.measuredSparsity, state.elementCount)
    }
}

/// Reused buffers for `swatKthLargestMagnitude`.
fileprivate struct SWATSelectionScratch {
    var histogram = [Int32](repeating: 0, count: 1 << 16)
    var candidates: [Float] = []
}

/// The k-th largest |value| (1 <= k <= count; NaN counts as 0) and how many |values| are
/// strictly larger. A radix step first: the bit pattern of a non-negative Float orders
/// like its value, so one pass histograms the top 16 bits, the bucket holding the k-th
/// largest is found from the top, and a quickselect runs only on that bucket's members:
/// two branch-light passes instead of a quickselect over everything.
fileprivate func swatKthLargestMagnitude(_ values: UnsafeBufferPointer<Float>, k: Int,
                                         scratch: inout SWATSelectionScratch) -> (value: Float, greater: Int) {
    @inline(__always) func magnitudeBits(_ v: Float) -> UInt32 {
        let bits = v.bitPattern & 0x7FFF_FFFF
        return bits > 0x7F80_0000 ? 0 : bits  // NaN -> 0
    }
    let count = values.count
    let (bucket, above) = scratch.histogram.withUnsafeMutableBufferPointer { histogram -> (Int, Int) in
        // The histogram is all zeros between calls; only the occupied range is scanned and cleared.
        var lowest = UInt32.max, highest: UInt32 = 0
        for i in 0..<count {
            let key = magnitudeBits(values[i]) >> 16
            histogram[Int(key)] &+= 1
            lowest = min(lowest, key)
            highest = max(highest, key)
        }
        var bucket = Int(highest), above = 0
        while bucket > Int(lowest) && above + Int(histogram[bucket]) < k {
            above += Int(histogram[bucket])
            bucket -= 1
        }
        if count > 0 { histogram[Int(lowest)...Int(highest)].update(repeating: 0) }
        return (bucket, above)
    }
    scratch.candidates.removeAll(keepingCapacity: true)
    let prefix = UInt32(bucket)
    for i in 0..<count {
        let bits = magnitudeBits(values[i])
        if bits >> 16 == prefix { scratch.candidates.append(Float(bitPattern: bits)) }
    }
    // The k-th largest overall is the (k − above)-th largest of the bucket.
    let value = scratch.candidates.withUnsafeMutableBufferPointer { MaskSelection.kthLargest(inPlace: $0, k: k - above) }
    var greater = above
    for candidate in scratch.candidates where candidate > value { greater += 1 }
    return (value, greater)
}

