import Training

/// What persists from one dashboard frame to the next: the network's layer shapes,
/// stable histogram ranges, the Occam's hill points, and the previous snapshot (for mask
/// churn).
public struct DashboardFrameState {
    public let shapes: [LayerShape]
    /// The network the frames describe.
    public let network: NetworkDescription
    /// How the prunable layers feed one another (residual sums included).
    public let unitLinks: [NetworkDescription.UnitLink]
    public let imageShape: [Int]
    public var histogramRanges: [String: StableHistogramRange] = [:]
    /// The live run's evaluations, in order: its points on Occam's hill.
    public private(set) var hillEvaluations: [HillEvaluation] = []
    public private(set) var runFinished = false
    /// Sweeps or earlier runs drawn under the live run, and the baseline a sweep gives.
    public var overlay = HillOverlay()
    /// A baseline the user gave (`--baseline`); it takes precedence over every other.
    public var givenBaseline: HillBaseline?
    public var previous: TrainingSnapshot?
    public var heatmapRows = 16
    public var heatmapColumns = 48
    public var histogramBins = 41
    /// Each prunable tensor's initial weights w0, for DropBack's |w - w0| histogram
    /// (taken from a freshly initialised model of the run's seed).
    public let initialWeights: [String: [Float]]

    /// For the network `network`, whose prunable tensors started at `initialWeights` (by
    /// name; empty for a replay, whose recorded frames carry their histograms).
    public init(network: NetworkDescription, initialWeights: [String: [Float]] = [:]) {
        self.network = network
        shapes = LayerShape.shapes(of: network)
        unitLinks = network.unitLinks
        self.initialWeights = initialWeights
        imageShape = network.inputShape
    }

    /// For a live run of `model`, freshly initialised from the run's seed.
    public init(model: Model) {
        self.init(network: model.description,
                  initialWeights: Dictionary(model.prunableParameters.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }))
    }

    /// Takes the run's evaluations from `snapshot`: all of them, however many happened
    /// since the last frame.
    public mutating func takeEvaluations(_ snapshot: TrainingSnapshot) {
        runFinished = snapshot.state == .finished
        guard snapshot.evaluations.count != hillEvaluations.count || snapshot.evaluations.last?.step != hillEvaluations.last?.step
        else { return }
        let stepsPerEpoch = Double(max(snapshot.stepsPerEpoch, 1))
        hillEvaluations = snapshot.evaluations.map {
            HillEvaluation(step: $0.step, epoch: Double($0.step) / stepsPerEpoch, sparsity: $0.sparsity,
                           accuracy: HillEvaluation.hillAccuracy(testAccuracy: $0.accuracy, prunedAccuracy: $0.prunedAccuracy),
                           phase: $0.phase)
        }
    }

    /// The hill as it stands: the live run's points and the overlay's, against the given
    /// baseline, else the overlaid sweep's dense run, else the run's own converged dense phase.
    public var hill: OccamsHill {
        let own = RunHill.densePhaseBaseline(hillEvaluations, finished: runFinished)
        let baseline = givenBaseline ?? overlay.baseline ?? own.baseline
        let reason: String? = switch own {
        case .none: "no dense phase (--baseline)"
        case .pending: "dense phase under way"
        case let .notConverged(why): why
        case .converged: nil
        }
        return OccamsHill(points: overlay.points + RunHill.points(hillEvaluations, runID: Self.liveRunID),
                          baseline: baseline, missingBaselineReason: baseline == nil ? reason : nil)
    }

    public static let liveRunID = "live"
}

/// Everything the dashboard's panels show, computed from one snapshot.
public struct DashboardFrame {
    public var analysis: NetworkAnalysis?
    public var histograms: [String: WeightHistogram]
    /// The histograms bin DropBack's distance from initialisation |w - w0|, not w.
    public var histogramsShowDistance: Bool
    public var heatmaps: [String: HeatmapGrid]
    public var inputMap: InputConnectionMap?
    public var churn: MaskChurn?
    /// Whole-model storage cost of each format at 32-bit values, and the cheapest.
    public var storage: [StorageCost]
    public var cheapestStorage: StorageCost
    /// Multiply-adds of one training step and one inference, per sample, as the network
    /// computes them now (`FLOPModel.measuredDensities(_:snapshot:)`).
    public var flops: NetworkFLOPs
    /// Training multiply-adds of the whole run so far, dense-equivalent and actual.
    public var cumulativeFLOPs: NetworkFLOPs
    /// Labelled an estimate everywhere it is shown: SWAT's simulated accelerator (Table 6),
    /// skipping only the operands the method sparsifies.
    public var acceleratorEstimate: SpeedupEstimate
    public var activationSparsity: Double
    /// Per-class test accuracy at the last evaluation (empty before one).
    public var classAccuracy: [ClassAccuracy]
    /// Forward arithmetic per sample outside the multiply-accumulates: batch norm, ReLU,
    /// pooling, residual adds, bias adds (`NetworkDescription.LayerDescription.elementOperations`);
    /// the FLOP model counts MACs only, as SWAT's tables do.
    public var otherOperationsPerSample = 0

    public static func make(_ snapshot: TrainingSnapshot, state: inout DashboardFrameState) -> DashboardFrame {
        let prunable = snapshot.layers.filter(\.isPrunable)
        var histograms: [String: WeightHistogram] = [:]
        var heatmaps: [String: HeatmapGrid] = [:]
        let showsDistance = snapshot.sparsity.maskedWeights == .heldAtInitialValues
        for layer in prunable {
            if showsDistance, let initial = state.initialWeights[layer.name], initial.count == layer.weights.count {
                let key = layer.name + " |w-w0|"
                var range = state.histogramRanges[key] ?? StableHistogramRange(layout: .nonNegative)
                histograms[layer.name] = WeightHistogram.distanceFromInitialisation(
                    of: layer, initial: initial, binCount: state.histogramBins, range: &range)
                state.histogramRanges[key] = range
            } else {
                var range = state.histogramRanges[layer.name] ?? StableHistogramRange()
                histograms[layer.name] = WeightHistogram.weights(of: layer, binCount: state.histogramBins, range: &range)
                state.histogramRanges[layer.name] = range
            }
            heatmaps[layer.name] = HeatmapGrid(layer: layer, rows: state.heatmapRows, columns: state.heatmapColumns)
        }
        let activations = snapshot.activationZeros.map {
            ActivationSparsity(name: $0.layer, elementCount: $0.elements, zeroCount: $0.zeros)
        }
        let flops = FLOPModel.network(state.shapes, densities: FLOPModel.measuredDensities(state.shapes, snapshot: snapshot))
        let computedWeights = prunable.reduce(0) { $0 + $1.computedNonzeroCount }, weightCount = prunable.reduce(0) { $0 + $1.parameterCount }
        let computedSparsity = weightCount == 0 ? 0 : 1 - Double(computedWeights) / Double(weightCount)
        let storage = StorageFormats.modelCosts(prunable.map(SparseTensorExtent.init), valueBits: 32)
        state.takeEvaluations(snapshot)
        let churn = state.previous.map { MaskChurn.network(MaskChurn.layers(from: $0.layers, to: snapshot.layers)) }
        state.previous = snapshot
        return DashboardFrame(
            analysis: try? NetworkAnalysis(layers: prunable, links: state.unitLinks),
            histograms: histograms,
            histogramsShowDistance: showsDistance,
            heatmaps: heatmaps,
            inputMap: prunable.first.flatMap { InputConnectionMap(firstLayer: $0, imageShape: state.imageShape) },
            churn: churn,
            storage: storage,
            cheapestStorage: StorageFormats.cheapest(storage),
            flops: flops,
            cumulativeFLOPs: FLOPModel.cumulative(state.shapes, ledger: snapshot.compute, names: prunable.map(\.name)),
            acceleratorEstimate: AcceleratorEstimate.estimate(
                .sparseAccelerator(sparsity: computedSparsity, operands: snapshot.sparsity.operands), flops: flops),
            activationSparsity: ActivationSparsity.networkAverage(activations),
            classAccuracy: snapshot.testPredictions.isEmpty ? [] : ClassAccuracy.perClass(
                labels: snapshot.testLabels.map(Int.init), predictions: snapshot.testPredictions.map(Int.init),
                classCount: Int(snapshot.testLabels.max() ?? 0) + 1),
            otherOperationsPerSample: state.network.elementOperations)
    }
}
