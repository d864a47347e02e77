/// N:M structured sparsity (2:4 by default, NVIDIA Ampere's pattern: Mishra et al. 2021,
/// arXiv:2104.08378; block-balanced sparsity in Hoefler et al. 2021, arXiv:2102.00554,
/// §7.1.1): in every group of M consecutive weights along the input
/// dimension (a Dense row; the input channels of a Conv2D weight at each kernel position)
/// the N largest |w| are kept. Pruned weights are removed (held at zero).
///
/// Schedule: NVIDIA's recipe (ASP) is train dense, prune to N:M once by magnitude, then
/// retrain. Within one run the default is dense for the first half, the one-shot N:M
/// prune at step totalSteps/2, then fine-tuning for the second half. Another one-shot
/// step (`--schedule oneshot:STEP`) or `constant` (N:M from the first step) can be given.
///
/// Target: N:M fixes the sparsity, whatever --sparsity says. The method declares as its
/// target the sparsity the pattern realises on this model, 1 − kept/total, where a
/// group of g weights keeps min(N, g). That is exactly 1 − N/M when every input dimension
/// is a multiple of M (all of lenet300 at 2:4); a shorter last group keeps more. LeNet-5's
/// conv1 has one input channel: every group has one weight and keeps it, so conv1 stays
/// dense (and conv2, with 6 input channels, keeps 2 of 4 + 2 of 2). The measured sparsity
/// after the prune therefore equals the target shown. Layers the budget keeps dense
/// (--keep-first-dense) count as kept. When the tensors' realised sparsities differ
/// (LeNet-5: conv1 0, conv2 1/3, the rest 1/2) it declares a `manual` budget with them,
/// so the per-layer targets shown are right too.
///
/// Options `n` and `m` define the pattern and the method declares the N:M granularity
/// to match; a later live change of the granularity to another N:M is followed, a change to a
/// non-N:M granularity is undone. N > M is refused when the options are validated.
public final class NMMethod: SparsityMethod {
    public static let descriptor = MethodDescriptor(
        name: "nm",
        summary: "N:M structured sparsity (2:4 by default): dense, one-shot N:M at half the run, fine-tune",
        options: [
            MethodOption("n", default: 2, range: 1...64, integer: true, "weights kept in every group (N)"),
            MethodOption("m", default: 4, range: 1...64, integer: true, "consecutive weights per group along the input dimension (M)"),
        ],
        defaultBudget: LayerBudget(.uniform),
        defaultGranularity: .nOfM(n: 2, m: 4),
        defaultSchedule: { total, _ in .oneShot(atStep: total / 2) },
        validate: { options in
            let (n, m) = (options.integer("n"), options.integer("m"))
            return n > m ? ["n: N:M needs N <= M, got \(n):\(m)"] : []
        },
        make: { NMMethod(options: $0) })

    public let name = "nm"
    private let optionPattern: (n: Int, m: Int)
    /// The pattern in force.
    public private(set) var n: Int
    public private(set) var m: Int
    /// Fraction of groups of every prunable tensor holding at most N non-zeros, at the last update.
    public private(set) var compliance = 0.0
    /// The pattern's granularity and target, and its per-layer split when the run's budget gives another.
    public private(set) var declaration = MethodDeclaration()

    init(options: MethodOptions) {
        let m = options.integer("m")
        optionPattern = (min(options.integer("n"), m), m)
        (n, self.m) = optionPattern
    }

    public func begin(_ engine: SparsityEngine) {
        (n, m) = optionPattern
        declare(engine)
        update(engine)
    }

    public func afterStep(_ engine: SparsityEngine) {
        guard engine.consumeUpdateDue() else { return }
        // The engine records the declared granularity in its settings: another one there was set live.
        if case let .nOfM(n, m)? = engine.config.granularity, n <= m, n >= 1 { (self.n, self.m) = (n, m) }
        declare(engine)
        update(engine)
    }

    /// Declares the pattern's granularity and the sparsity it realises; and, when the
    /// run's budget would show other per-layer targets than the pattern realises (an input
    /// dimension that is not a multiple of M, e.g. LeNet-5's convs), a manual budget with them.
    private func declare(_ engine: SparsityEngine) {
        let asked = engine.config.budget ?? engine.descriptor.defaultBudget
        let dense = asked.denseLayers(count: engine.shapes.count)
        let target = Self.realisedSparsity(shapes: engine.shapes, n: n, m: m, dense: dense)
        let perLayer = engine.shapes.indices.map { l in
            dense.contains(l) ? 0 : Self.realisedSparsity(shapes: [engine.shapes[l]], n: n, m: m)
        }
        var budget: LayerBudget?
        let askedSplit = asked.layerSparsities(names: engine.names, shapes: engine.shapes, target: target)
        if (askedSplit ?? engine.measuredLayerSparsities) != perLayer {
            var manual = asked
            manual.distribution = .manual(Dictionary(uniqueKeysWithValues: zip(engine.names, perLayer)))
            manual.minimumDensity = 0
            budget = manual
        }
        declaration = MethodDeclaration(target: target, budget: budget, granularity: .nOfM(n: n, m: m))
    }

    private func denseLayers(_ engine: SparsityEngine) -> Set<Int> {
        engine.budget.denseLayers(count: engine.shapes.count)
    }

    private func update(_ engine: SparsityEngine) {
        if engine.scheduledSparsity(at: engine.step) > 0 {
            engine.prune(byScores: engine.magnitudes, to: engine.target)
        } else if engine.measuredSparsity > 0 {
            engine.setMasks(PhasedMethodSupport.allActive(engine))
        }
        compliance = Self.compliance(masks: engine.masks, shapes: engine.shapes, n: n, m: m, skipping: denseLayers(engine))
    }

    /// 1 − kept/total for N:M on these shapes: a group of g weights keeps min(N, g);
    /// tensors in `dense` keep everything.
    public static func realisedSparsity(shapes: [[Int]], n: Int, m: Int, dense: Set<Int> = []) -> Double {
        var total = 0, kept = 0
        for (l, shape) in shapes.enumerated() {
            let count = shape.reduce(1, *)
            total += count
            guard !dense.contains(l), shape.count >= 2 else {
                kept += count
                continue
            }
            let inputs = shape[1], lanes = count / inputs  // lanes: (output, kernel position) pairs
            let keptPerLane = (inputs / m) * min(n, m) + min(n, inputs % m)
            kept += lanes * keptPerLane
        }
        return total == 0 ? 0 : 1 - Double(kept) / Double(total)
    }

    /// Fraction of groups (over all tensors but `skipping`) with at most N of their M weights kept.
    public static func compliance(masks: [[Float]], shapes: [[Int]], n: Int, m: Int, skipping: Set<Int> = []) -> Double {
        var groups = 0, good = 0
        for (l, (mask, shape)) in zip(masks, shapes).enumerated() where shape.count >= 2 && !skipping.contains(l) {
            let outputs = shape[0], inputs = shape[1], stride = shape.dropFirst(2).reduce(1, *)
            for o in 0..<outputs {
                for offset in 0..<stride {
                    var start = 0
                    while start < inputs {
                        let end = min(start + m, inputs)
                        var active = 0
                        for i in start..<end where mask[(o * inputs + i) * stride + offset] != 0 { active += 1 }
                        groups += 1
                        if active <= n { good += 1 }
                        start = end
                    }
                }
            }
        }
        return groups == 0 ? 1 : Double(good) / Double(groups)
    }

    public var statistics: [MethodStatistic] {
        [MethodStatistic("N", Double(n)), MethodStatistic("M", Double(m)), MethodStatistic("N:M groups ok", compliance)]
    }
}

// MARK: Checkpoints

extension NMMethod: StatefulSparsityMethod {
    public struct State: Codable {
        var n: Int
        var m: Int
        var compliance: Double
    }

    public var state: State { State(n: n, m: m, compliance: compliance) }

    public func restore(_ state: State, engine: SparsityEngine) throws {
        (n, m, compliance) = (state.n, state.m, state.compliance)
        declare(engine)
    }
}
