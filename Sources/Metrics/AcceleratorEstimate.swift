import Foundation
import Training

/// Estimated speedups of one iteration over dense execution. Estimates, never
/// measurements: see `AcceleratorEstimate` for where each number comes from.
public struct SpeedupEstimate: Sendable, Equatable, Codable {
    public var forward: Double
    public var backward: Double
    /// Forward plus backward.
    public var training: Double
    /// What the estimate lets the accelerator skip: the method's sparsified operands
    /// (nil for the profiles that do not depend on them; absent from older run logs).
    public var operands: SparsifiedOperands?
    /// True when the sparsity is beyond the last row of the data the estimate interpolates
    /// (SWAT Table 6 stops at 90%): the figures are held at that row, a lower bound, not
    /// extrapolated past it. (The name is the run logs' key.)
    public var extrapolated: Bool?

    public init(forward: Double, backward: Double, training: Double, operands: SparsifiedOperands? = nil,
                extrapolated: Bool? = nil) {
        self.forward = forward
        self.backward = backward
        self.training = training
        self.operands = operands
        self.extrapolated = extrapolated
    }

    public static let none = SpeedupEstimate(forward: 1, backward: 1, training: 1)
}


/// Hardware classes whose realisable speedup differs for the same FLOP count (the project's
/// estimate, built on the hardware discussion of Hoefler et al. 2021, arXiv:2102.00554, §7).
public enum HardwareProfile: Sendable, Equatable {
    /// The SWAT paper's simulated sparse training accelerator, at the Top-K sparsity of
    /// the sparsified layers (the abscissa of Table 6), skipping only what the method
    /// sparsifies: `operands` decides which GEMMs speed up (see `estimate`).
    case sparseAccelerator(sparsity: Double, operands: SparsifiedOperands)
    /// Whole channels, filters or neurons removed: dense kernels on a smaller network run
    /// at the FLOP ratio (Hoefler et al. 2021, arXiv:2102.00554, §7: such sparsity runs on dense kernels).
    case structured
    /// N:M 2:4 sparse tensor cores on an Ampere-class GPU: at most twice the dense math throughput
    /// (Mishra et al. 2021, arXiv:2104.08378, abstract; the format: Hoefler et al. 2021, arXiv:2102.00554, §7.1.1).
    case ampereTwoFour(everyLayerCompliant: Bool)
    /// Unstructured sparse kernels on a CPU, slower per non-zero than dense BLAS per
    /// element; `breakEvenSparsity` is where the two cost the same, as the caller measured
    /// it (e.g. `prunetop bench --sparse`). Below it sparse kernels gain nothing or lose: an 89% sparse
    /// AlexNet ran 25% slower than dense on CPU (Hoefler et al. 2021, arXiv:2102.00554, §7).
    case cpuUnstructured(breakEvenSparsity: Double)
}

/// Accelerator speedup estimates, built on the FLOP model.
///
/// The sparse-accelerator numbers interpolate the only data the SWAT paper gives, Table 6
/// (Raihan & Aamodt 2020, arXiv:2001.01969, §4.4 Table 6: SWAT-U on ResNet-50/ImageNet, simulated cycles of
/// a Bit-Tactical-based accelerator): 0% -> 1x/1x, 80% -> 3.3x/3.4x, 90% -> 5.6x/6.3x
/// forward/backward. Between points, log-speedup is linear in log(1/density): an ideal
/// machine is a straight line of slope 1 there (speedup = 1/density), so the table reads
/// as an efficiency exponent per segment (0.74 and 0.76 up to 80%, 0.76 and 0.89 from 80
/// to 90%). Beyond 90% `simulatedSpeedupEstimate` continues the 80–90% segment's exponent,
/// a power law that stays below the ideal line; `estimate` does not use it there: it holds
/// the 90% figures as a lower bound (`SpeedupEstimate.extrapolated`). Every value is
/// capped at the network's FLOP-ideal speedup
/// for that pass (a dense first layer, e.g., bounds what the other layers' sparsity buys).
public enum AcceleratorEstimate {
    /// One row of SWAT Table 6 (Raihan & Aamodt 2020, arXiv:2001.01969, §4.4).
    public struct SimulatedPoint: Sendable, Equatable {
        public var sparsity: Double
        public var forward: Double
        public var backward: Double
    }

    public static let table6: [SimulatedPoint] = [
        SimulatedPoint(sparsity: 0, forward: 1, backward: 1),
        SimulatedPoint(sparsity: 0.8, forward: 3.3, backward: 3.4),
        SimulatedPoint(sparsity: 0.9, forward: 5.6, backward: 6.3),
    ]

    /// Table 6 forward and backward speedups at `sparsity` (interpolated and extrapolated
    /// as described above, not capped), with their harmonic-mean training speedup.
    public static func simulatedSpeedupEstimate(sparsity: Double) -> SpeedupEstimate {
        let forward = interpolate(sparsity, \.forward), backward = interpolate(sparsity, \.backward)
        return SpeedupEstimate(forward: forward, backward: backward,
                               training: trainingSpeedup(forward: forward, backward: backward))
    }

    /// A whole iteration's speedup from its passes' speedups by their equal-weight
    /// harmonic mean, i.e. dense forward and backward taking equal time. This is the reading
    /// that reproduces the paper's 3.3x at 80% (abstract, §4.4) and 5.9x at 90% (§1) from Table 6
    /// (Raihan & Aamodt 2020, arXiv:2001.01969); the paper does not state the rule.
    public static func trainingSpeedup(forward: Double, backward: Double) -> Double {
        2 / (1 / forward + 1 / backward)
    }

    /// The estimate of `profile` for a network whose dense and sparse MACs are `flops`.
    /// Every value is at most the FLOP-ideal one of its pass (`NetworkFLOPs.ideal...`).
    public static func estimate(_ profile: HardwareProfile, flops: NetworkFLOPs) -> SpeedupEstimate {
        let ideal = SpeedupEstimate(forward: flops.idealForwardSpeedup, backward: flops.idealBackwardSpeedup,
                                    training: flops.idealTrainingSpeedup)
        switch profile {
        case let .sparseAccelerator(sparsity, operands):
            // Past the table's last point the figure is held there: a zero-skipping
            // accelerator is taken to be no slower with more zeros, so it is a lower bound
            // (`extrapolated` says so), never the power law's guess.
            let table = simulatedSpeedupEstimate(sparsity: min(sparsity, table6.last!.sparsity))
            // Table 6 is SWAT-U: sparse weights forward (Eq. 1) and in the input gradient
            // (Eq. 2), sparse activations in the weight gradient (Eq. 3). A method that
            // sparsifies fewer operands gets the table's speedup on the GEMMs it does
            // sparsify and none on the others: the input gradient multiplies the same sparse
            // weights as the forward pass, so it takes the forward column; the weight
            // gradient alone takes the backward column.
            let (forwardGEMM, inputGradientGEMM, weightGradientGEMM): (Double, Double, Double) = switch operands {
            case .weightsAndActivations: (table.forward, table.backward, table.backward)
            case .weights: (table.forward, table.forward, 1)
            case .activations: (1, 1, table.backward)
            case .none: (1, 1, 1)
            }
            let backwardTime = flops.dense.backwardInput / inputGradientGEMM + flops.dense.backwardWeight / weightGradientGEMM
            let forward = min(forwardGEMM, ideal.forward)
            let backward = min(ratio(flops.dense.backward, backwardTime), ideal.backward)
            // The equal weighting can exceed the FLOP ideal when the backward pass (about
            // twice the forward's MACs) gains less than the forward, so cap it too.
            return SpeedupEstimate(forward: forward, backward: backward,
                                   training: min(trainingSpeedup(forward: forward, backward: backward), ideal.training),
                                   operands: operands, extrapolated: operands != .none && sparsity > table6.last!.sparsity)
        case .structured:
            return ideal
        case let .ampereTwoFour(everyLayerCompliant):
            guard everyLayerCompliant else { return .none }
            // Only the forward GEMM runs with the 2:4 operand on the reduction dimension:
            // Eq. 2 uses the transposed weight, which is not 2:4 along its own reduction
            // dimension in general, and Eq. 3 produces a dense weight gradient.
            let forwardTime = max(flops.sparse.forward, flops.dense.forward / 2)
            return SpeedupEstimate(forward: ratio(flops.dense.forward, forwardTime), backward: 1,
                                   training: ratio(flops.dense.training, forwardTime + flops.dense.backward))
        case let .cpuUnstructured(breakEvenSparsity):
            // At the break-even density a sparse kernel costs what the dense one does, so its
            // cost per non-zero is 1/breakEvenDensity dense MACs. Each GEMM of each layer
            // takes the cheaper kernel; the same break-even is assumed for the backward GEMMs.
            let breakEvenDensity = 1 - breakEvenSparsity
            func cost(_ dense: Double, _ sparse: Double) -> Double {
                breakEvenDensity <= 0 ? dense : min(dense, sparse / breakEvenDensity)
            }
            var realised = MACBreakdown.zero
            for layer in flops.layers {
                realised = realised + MACBreakdown(
                    forward: cost(layer.dense.forward, layer.sparse.forward),
                    backwardInput: cost(layer.dense.backwardInput, layer.sparse.backwardInput),
                    backwardWeight: cost(layer.dense.backwardWeight, layer.sparse.backwardWeight))
            }
            return SpeedupEstimate(forward: ratio(flops.dense.forward, realised.forward),
                                   backward: ratio(flops.dense.backward, realised.backward),
                                   training: ratio(flops.dense.training, realised.training))
        }
    }

    /// Whether a weight tensor's mask is 2:4 as the `nm` method groups it: in every group
    /// of four consecutive weights along the input dimension, at most two are kept. For a
    /// Dense weight [out, in] that is along each row; for a Conv2D weight [out, in, kh, kw]
    /// it is along the input channels at each (output channel, kernel position), the
    /// reduction dimension a sparse tensor core sees. A last group of fewer than four is
    /// taken as zero-padded.
    public static func isTwoFourCompliant(mask: [Float], shape: [Int]) -> Bool {
        precondition(shape.count >= 2 && mask.count == shape.reduce(1, *), "mask of \(mask.count) does not fill shape \(shape)")
        let outputs = shape[0], inputs = shape[1], positions = shape.dropFirst(2).reduce(1, *)
        for o in 0..<outputs {
            for position in 0..<positions {
                for groupStart in stride(from: 0, to: inputs, by: 4) {
                    var kept = 0
                    for i in groupStart..<min(groupStart + 4, inputs) where mask[(o * inputs + i) * positions + position] != 0 { kept += 1 }
                    if kept > 2 { return false }
                }
            }
        }
        return true
    }

    private static func ratio(_ dense: Double, _ sparse: Double) -> Double {
        sparse == 0 ? (dense == 0 ? 1 : .infinity) : dense / sparse
    }

    /// Piecewise-linear in (log(1/density), log(speedup)) through the Table 6 points; the
    /// last segment's slope continues beyond the last point.
    private static func interpolate(_ sparsity: Double, _ value: KeyPath<SimulatedPoint, Double>) -> Double {
        guard sparsity > 0 else { return 1 }
        guard sparsity < 1 else { return .infinity }
        if let point = table6.first(where: { $0.sparsity == sparsity }) { return point[keyPath: value] }
        let x = -log(1 - sparsity)
        let points = table6.map { (x: -log(1 - $0.sparsity), y: log($0[keyPath: value])) }
        let upper = points.firstIndex { $0.x >= x } ?? points.count - 1
        let (a, b) = (points[max(upper - 1, 0)], points[max(upper, 1)])
        return exp(a.y + (x - a.x) * (b.y - a.y) / (b.x - a.x))
    }
}
