import Metrics
import Training

/// What persists from one dashboard frame to the next: the network's layer shapes,
/// stable histogram ranges, the Occam's hill points, and the previous snapshot (for mask
/// churn).
public struct DashboardFrameContext {
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
        hillEvaluations = Self.hillEvaluations(of: snapshot)
    }

    /// The run's evaluations in `snapshot` as points of Occam's hill.
    public static func hillEvaluations(of snapshot: TrainingSnapshot) -> [HillEvaluation] {
        let stepsPerEpoch = Double(max(snapshot.stepsPerEpoch, 1))
        return snapshot.evaluations.map {
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
