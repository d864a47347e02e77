import Training

/// Where an evaluation was taken in a sparsification schedule. Only settled points lie on
/// the hill: the knee and the slack read them alone (`OccamsHill`).
public enum EvaluationPhase: String, Sendable, Equatable, CaseIterable {
    /// The dense model (sparsity 0 by construction).
    case dense
    /// Taken while the sparsity is still moving: during gradual pruning, right after a
    /// one-shot prune or a new lottery round, before any fine-tuning at that sparsity.
    case afterPruning = "after pruning"
    /// Settled: fine-tuned at a fixed sparsity (the sparsity has not changed since the
    /// previous evaluation and the schedule is not pruning), or a sweep's final point.
    case afterFineTuning = "after fine-tuning"

    /// Reads the engine's phase (SparsitySnapshot.phase): dense (or lottery's first
    /// round) with no measured sparsity is dense; fine-tune and frozen are after
    /// fine-tuning; anything else (pruning, sparse, a later round, the ticket, a
    /// re-densified IHT/DSD phase with sparsity left, a phase this build does not know...)
    /// counts as after pruning.
    public init(snapshotPhase: TrainingPhase, measuredSparsity: Double) {
        switch snapshotPhase {
        case .dense where measuredSparsity == 0: self = .dense
        // Lottery's first round trains the dense network towards its first prune.
        case .round(1, of: _) where measuredSparsity == 0: self = .dense
        case .fineTune, .frozen: self = .afterFineTuning
        default: self = .afterPruning
        }
    }
}

/// One evaluated (sparsity, test accuracy) pair.
public struct HillPoint: Sendable, Equatable {
    public var sparsity: Double
    /// Fraction correct, 0...1.
    public var accuracy: Double
    public var phase: EvaluationPhase
    /// Which run (or sweep member) it came from.
    public var runID: String
    public var step: Int?
    /// A sweep cell's mean over its seeds: the sample standard deviation of the accuracy
    /// (0 for one seed); nil for a single run's evaluation. Such points are drawn as a
    /// hill (joined, with error bars).
    public var spread: Double?

    public init(sparsity: Double, accuracy: Double, phase: EvaluationPhase, runID: String, step: Int? = nil, spread: Double? = nil) {
        self.sparsity = sparsity
        self.accuracy = accuracy
        self.phase = phase
        self.runID = runID
        self.step = step
        self.spread = spread
    }

    /// Test error, the survey's y-axis (Hoefler et al. 2021, arXiv:2102.00554, §2.1, Fig. 4 caption).
    public var error: Double { 1 - accuracy }
}

/// The parts A, B and C of Occam's hill (Hoefler et al. 2021, arXiv:2102.00554, §2.1, Fig. 4).
public enum HillRegion: String, Sendable, Equatable {
    /// Better than dense by more than the noise margin: sparsity acting as a regulariser.
    case a = "A"
    /// Not better than that, and no worse than the relative loss budget: the plateau.
    case b = "B"
    /// Relative loss beyond the budget: degradation.
    case c = "C"
}

/// Accuracy-versus-sparsity points from evaluations and sweeps, with the dense baseline,
/// the A/B/C regions, the knee and the parameter slack.
///
/// The baseline is never derived from whatever dense evaluations happen to be on the
/// hill (an undertrained dense model would make every later point look like A): it is
/// set explicitly to a converged dense model (`HillBaseline`), and until it is, no region,
/// knee or slack is given. The knee and the slack count settled points only (dense and
/// after fine-tuning): a point taken while the mask is still moving is not on the hill.
///
/// The survey gives no numeric region rule; this is the project's rule. With baseline accuracy a0, a point of
/// accuracy a is in
/// - A if a > a0 + noiseMargin (absolute accuracy, e.g. 0.005 = half a point),
/// - C if (a0 - a) / a0 > budget (relative, default 1%: the MLPerf ImageNet limit quoted by the survey, §8.7, Fig. 26),
/// - B otherwise.
/// Regions depend on accuracy only, not on sparsity, so a noisy curve can go B, C, B.
///
/// Parameter slack at a relative loss L (Hoefler et al. 2021, arXiv:2102.00554, §8.7, Fig. 26): the largest
/// sparsity among recorded points with (a0 - a) / a0 <= L, over every phase and run; 0%
/// means "at least as accurate as dense". Points need not be contiguous: slack is what has
/// been achieved, not a curve fit.
///
/// The knee (the project's definition: the largest sparsity still in B, which equals the parameter
/// slack at the budget): the point of largest sparsity among those within the budget, i.e. labelled A
/// or B (an A point beyond every B point is still within budget, so leaving it out would
/// break the stated equality with the slack); ties go to the more accurate point. Its
/// sparsity is `parameterSlack(relativeLoss: budget)`.
public struct OccamsHill: Sendable, Equatable {
    public private(set) var points: [HillPoint] = []
    /// Relative accuracy loss allowed in B.
    public var budget: Double
    /// Absolute accuracy a point must beat the baseline by to count as A.
    public var noiseMargin: Double
    /// The converged dense model the regions are measured against; nil: none yet.
    public var baseline: HillBaseline?
    /// Why there is no baseline yet, for the caption ("dense phase still rising").
    public var missingBaselineReason: String?

    public init(budget: Double = 0.01, noiseMargin: Double = 0.005, baseline: HillBaseline? = nil) {
        self.budget = budget
        self.noiseMargin = noiseMargin
        self.baseline = baseline
    }

    public init(points: [HillPoint], baseline: HillBaseline?, missingBaselineReason: String? = nil) {
        self.init(baseline: baseline)
        self.points = points
        self.missingBaselineReason = missingBaselineReason
    }

    public mutating func record(_ point: HillPoint) { points.append(point) }

    /// Two standard errors of an accuracy measured on `sampleCount` test samples
    /// (binomial): a data-driven noise margin, e.g. 0.0065 at 88% on 10,000 samples.
    public static func binomialNoiseMargin(accuracy: Double, sampleCount: Int, standardErrors: Double = 2) -> Double {
        guard sampleCount > 0 else { return 0 }
        return standardErrors * (accuracy * (1 - accuracy) / Double(sampleCount)).squareRoot()
    }

    /// The baseline's accuracy; nil until one is set.
    public var denseBaseline: Double? { baseline?.accuracy }

    /// (a0 - a) / a0: positive is a loss, negative an improvement; nil without a positive baseline.
    public func relativeLoss(_ accuracy: Double) -> Double? {
        guard let baseline = denseBaseline, baseline > 0 else { return nil }
        return (baseline - accuracy) / baseline
    }

    public func region(ofAccuracy accuracy: Double) -> HillRegion? {
        guard let baseline = denseBaseline, let loss = relativeLoss(accuracy) else { return nil }
        if accuracy > baseline + noiseMargin { return .a }
        return loss > budget + Self.tolerance ? .c : .b
    }

    public func region(of point: HillPoint) -> HillRegion? { region(ofAccuracy: point.accuracy) }

    /// Largest sparsity reached by a settled point with at most `relativeLoss` (0.01 = 1%)
    /// relative accuracy loss; nil without a baseline or without such a point.
    public func parameterSlack(relativeLoss limit: Double) -> Double? {
        withinLoss(limit).map(\.sparsity).max()
    }

    /// Slack at the survey's three markers: 0%, 1% and 5% relative loss.
    public var standardSlack: (zero: Double?, onePercent: Double?, fivePercent: Double?) {
        (parameterSlack(relativeLoss: 0), parameterSlack(relativeLoss: 0.01), parameterSlack(relativeLoss: 0.05))
    }

    public var knee: HillPoint? {
        withinLoss(budget).max { ($0.sparsity, $0.accuracy) < ($1.sparsity, $1.accuracy) }
    }

    /// Points of one run, in sparsity order (ties in record order): a curve to draw.
    public func curve(run runID: String) -> [HillPoint] {
        points.enumerated().filter { $0.element.runID == runID }
            .sorted { ($0.element.sparsity, $0.offset) < ($1.element.sparsity, $1.offset) }.map(\.element)
    }

    private func withinLoss(_ limit: Double) -> [HillPoint] {
        points.filter { point in
            point.phase != .afterPruning && (relativeLoss(point.accuracy).map { $0 <= limit + Self.tolerance } ?? false)
        }
    }

    /// Accuracies are ratios of counts; this keeps 0.891 vs a 1% budget on 0.9 from
    /// flipping on the last bit of a Double.
    private static let tolerance = 1e-12
}
