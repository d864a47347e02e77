import Training

/// Measured CPU inference time of an MLP on its current masks: the dense BLAS path against
/// the sparse plan, for the "measured here" figure the screen shows beside the accelerator
/// estimate (issue 4 item 8). Unstructured sparsity pays on a CPU only above a break-even
/// sparsity (Hoefler et al. 2021, arXiv:2102.00554: an 89% sparse AlexNet ran 25% slower than
/// dense, §7; a CPU sweet spot, §7.1; blocking lowers the break-even sparsity, §7.1.2),
/// hence the per-layer choice and the fallback to dense.
public struct SparseInferenceMeasurement: Sendable {
    public var batch: Int
    public var layerNames: [String]
    public var layerSparsities: [Double]
    /// Per layer: whether the plan runs it sparse (it was measured faster than BLAS).
    public var usesSparse: [Bool]
    /// Median seconds for one inference of `batch` samples: the dense path, the plan, and
    /// every layer forced sparse (the kernel alone, which locates the break-even sparsity).
    public var denseSeconds: Double
    public var sparseSeconds: Double
    /// Nil when not timed (`Settings.timesEveryLayerSparse` off).
    public var allSparseSeconds: Double?
    /// Seconds to build the CSR matrices for this mask (once per mask change).
    public var buildSeconds: Double

    /// Dense time / planned time. 1 exactly when the plan is all-dense (it is then the dense path).
    public var speedup: Double { denseSeconds / sparseSeconds }
    public var allSparseSpeedup: Double? { allSparseSeconds.map { denseSeconds / $0 } }
    /// The layers the plan runs sparse.
    public var sparseLayerNames: [String] { zip(layerNames, usesSparse).filter(\.1).map(\.0) }
    /// Weight sparsity over all layers, element-weighted.
    public var sparsity: Double
}

public enum SparseInferenceBenchmark {
    /// How long to time. Each variant runs its inference in a loop until `minimumSecondsPerRepeat`
    /// has passed, `repeats` times, and the median per-inference time is kept; variants are
    /// interleaved repeat by repeat so that a slow patch of the machine hits them all alike.
    public struct Settings: Sendable {
        public var repeats: Int
        public var minimumSecondsPerRepeat: Double
        /// Layers at least this sparse are timed with both kernels; the others run dense
        /// untimed. The networks of `SparseModelInference` only (an MLP times every layer).
        public var minimumSparsityTried: Double
        /// Whether to time every layer forced sparse too (the kernel alone, for the
        /// break-even sparsity); an MLP always does.
        public var timesEveryLayerSparse: Bool

        public init(repeats: Int, minimumSecondsPerRepeat: Double, minimumSparsityTried: Double = 0, timesEveryLayerSparse: Bool = true) {
            self.repeats = repeats
            self.minimumSecondsPerRepeat = minimumSecondsPerRepeat
            self.minimumSparsityTried = minimumSparsityTried
            self.timesEveryLayerSparse = timesEveryLayerSparse
        }

        /// For the dashboard. A call costs about (2 x layers + 3 variants) x 3 repeats x 2 ms
        /// of timing windows, plus warm-ups and building the CSR (1.4 ms for lenet300): ~60 ms
        /// of one core for lenet300, at either batch. Call it on a background thread when the
        /// mask changes or every few seconds (every 10 s: under 1% of one core), never per frame.
        ///
        /// A CNN (`SparseModelInference`) tries the sparse kernel only on layers at least 50%
        /// sparse (`prunetop bench --sparse` puts the zoo CNNs' break-even at 50-75% here; a
        /// denser layer is not worth its timing windows) and skips the all-sparse variant:
        /// resnet20 at batch 1 then costs about (2 x 22 layers + 2) x 3 repeats x 2 ms plus
        /// warm-ups, ~0.4 s of one core per mask change, at most every 10 s while it trains.
        public static let dashboard = Settings(repeats: 3, minimumSecondsPerRepeat: 0.002, minimumSparsityTried: 0.5,
                                               timesEveryLayerSparse: false)
        /// For `prunetop bench --sparse`.
        public static let benchmark = Settings(repeats: 7, minimumSecondsPerRepeat: 0.01)
    }

    /// Measures the network in `layers` (a snapshot's tensors, weights as the forward pass multiplies them) at
    /// `batch`. Builds the CSR matrices (timed), chooses per layer the faster of sparse and
    /// BLAS, times the whole plan against the dense path, and falls back to all-dense (speedup
    /// 1) when the plan as a whole is not faster. The input is a fixed pseudo-random batch in
    /// [0, 1): the kernels have no data-dependent branches, so the values do not change the time.
    public static func measure(layers: [LayerSnapshot], batch: Int,
                               settings: Settings = .dashboard) throws(SparseInferenceError) -> SparseInferenceMeasurement {
        measure(network: try SparseInferenceNetwork(layers: layers), batch: batch, settings: settings)
    }

    public static func measure(network: SparseInferenceNetwork, batch: Int,
                               settings: Settings = .dashboard) -> SparseInferenceMeasurement {
        precondition(batch >= 1 && settings.repeats >= 1)
        let input = (0..<(batch * network.inputCount)).map { Float(UInt32(truncatingIfNeeded: $0 &* 2_654_435_761) >> 8) / 16_777_216 }
        return input.withUnsafeBufferPointer { buffer in
            let x = buffer.baseAddress!
            let count = network.layers.count
            var choice = chooseLayers(network: network, batch: batch, settings: settings)
            let allSparse = [Bool](repeating: true, count: count)
            var variants: [() -> Void] = [{ _ = network.runDense(x, batch: batch) },
                                          { _ = network.runPlanned(x, batch: batch, useSparse: allSparse) }]
            if choice.contains(true) && choice != allSparse {
                variants.append { [choice] in _ = network.runPlanned(x, batch: batch, useSparse: choice) }
            }
            let times = medianSeconds(variants, settings: settings)
            let dense = times[0], forcedSparse = times[1]
            var planned = choice == allSparse ? forcedSparse : (choice.contains(true) ? times[2] : dense)
            if planned >= dense {
                choice = [Bool](repeating: false, count: count)
                planned = dense
            }
            let weights = network.layers.reduce(0) { $0 + $1.inputCount * $1.outputCount }
            let kept = network.layers.reduce(0) { $0 + $1.matrix.nonzeroCount }
            return SparseInferenceMeasurement(
                batch: batch, layerNames: network.layers.map(\.name), layerSparsities: network.layers.map(\.sparsity),
                usesSparse: choice, denseSeconds: dense, sparseSeconds: planned, allSparseSeconds: forcedSparse,
                buildSeconds: network.buildSeconds,
                sparsity: weights == 0 ? 0 : 1 - Double(kept) / Double(weights))
        }
    }

    /// Per layer, whether the sparse kernel beats BLAS on that layer's mask, each timed in the
    /// layout the plan runs it in.
    static func chooseLayers(network: SparseInferenceNetwork, batch: Int, settings: Settings) -> [Bool] {
        network.reserveScratch(batch: batch)
        let widest = batch * max(network.inputCount, network.layers.map(\.outputCount).max()!)
        let input = UnsafeMutablePointer<Float>.allocate(capacity: widest)
        let output = UnsafeMutablePointer<Float>.allocate(capacity: widest)
        defer { input.deallocate(); output.deallocate() }
        input.initialize(repeating: 0.5, count: widest)
        return network.layers.map { layer in
            let times = medianSeconds([
                { network.runLayer(layer, sparse: false, featureMajor: input, batch: batch, into: output) },
                { network.runLayer(layer, sparse: true, featureMajor: input, batch: batch, into: output) },
            ], settings: settings)
            return times[1] < times[0]
        }
    }

    static func medianSeconds(_ variants: [() -> Void], settings: Settings) -> [Double] {
        InterleavedTiming.medianSeconds(variants, repeats: settings.repeats, minimumSecondsPerRepeat: settings.minimumSecondsPerRepeat)
    }

    /// The sparsity from which the sparse kernel beats the dense path: after the last measured
    /// point with speedup below 1 (points sorted by sparsity; taking the last crossing, not the
    /// first, makes a noisy dip count against the kernel), the crossing of 1 located by linear
    /// interpolation with the next point. The lowest sparsity measured when every point is at
    /// or above 1; nil when the highest one is still below 1. A measured figure, not a model:
    /// it moves with the CPU, the BLAS kernel and the batch.
    public static func breakEvenSparsity(_ points: [(sparsity: Double, speedup: Double)]) -> Double? {
        let sorted = points.sorted { $0.sparsity < $1.sparsity }
        guard let first = sorted.first else { return nil }
        guard let lastSlow = sorted.lastIndex(where: { $0.speedup < 1 }) else { return first.sparsity }
        guard lastSlow + 1 < sorted.count else { return nil }
        let low = sorted[lastSlow], high = sorted[lastSlow + 1]
        let fraction = (1 - low.speedup) / (high.speedup - low.speedup)
        return low.sparsity + fraction * (high.sparsity - low.sparsity)
    }
}
