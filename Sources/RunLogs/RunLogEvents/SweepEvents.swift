import Metrics

/// `sweep_point`: one row of a sweep's table (`sweep.jsonl`, `SweepTable`): a run's final
/// sparsity asked for and measured, its accuracy right after pruning and at its end, and
/// the table's baseline, region and knee.
public struct SweepPointEvent: Sendable, Equatable, Codable {
    public var target: Double?
    public var sparsity: Double?
    public var accuracyAfterPruning: Double?
    public var accuracyAfterFineTuning: Double?
    public var denseBaseline: Double?
    /// `HillRegion`'s raw value ("A", "B", "C").
    public var region: String?
    public var knee: Bool?
    /// The run's log, relative to the table.
    public var log: String?
    /// The grid's settings other than the final sparsity and the seed (absent: none).
    public var settings: [SweepSetting]?
    /// Absent when the point ran with the recipe's own seed.
    public var seed: UInt64?

    public init(target: Double? = nil, sparsity: Double? = nil, accuracyAfterPruning: Double? = nil,
                accuracyAfterFineTuning: Double? = nil, denseBaseline: Double? = nil, region: String? = nil, knee: Bool? = nil,
                log: String? = nil, settings: [SweepSetting]? = nil, seed: UInt64? = nil) {
        self.settings = settings
        self.seed = seed
        self.target = target
        self.sparsity = sparsity
        self.accuracyAfterPruning = accuracyAfterPruning
        self.accuracyAfterFineTuning = accuracyAfterFineTuning
        self.denseBaseline = denseBaseline
        self.region = region
        self.knee = knee
        self.log = log
    }

    enum CodingKeys: String, RunLogOmittedKeys {
        static let omittedWhenAbsent: Set<String> = ["settings", "seed"]
        case target, sparsity
        case accuracyAfterPruning = "accuracy_after_pruning", accuracyAfterFineTuning = "accuracy_after_fine_tuning"
        case denseBaseline = "dense_baseline"
        case region, knee, log, settings, seed
    }
}

/// `sweep_cell`: the runs of one grid cell (same settings and final sparsity, one per
/// seed): the mean, sample standard deviation (absent for one run) and count.
public struct SweepCellEvent: Sendable, Equatable, Codable {
    public var settings: [SweepSetting]?
    public var target: Double?
    public var count: Int?
    public var sparsityMean: Double?
    public var sparsityStd: Double?
    public var accuracyAfterPruningMean: Double?
    public var accuracyAfterPruningStd: Double?
    public var accuracyAfterFineTuningMean: Double?
    public var accuracyAfterFineTuningStd: Double?
    public var region: String?
    public var knee: Bool?

    public init(settings: [SweepSetting]?, target: Double?, count: Int?, sparsityMean: Double?, sparsityStd: Double?,
                accuracyAfterPruningMean: Double?, accuracyAfterPruningStd: Double?, accuracyAfterFineTuningMean: Double?,
                accuracyAfterFineTuningStd: Double?, region: String?, knee: Bool?) {
        self.settings = settings
        self.target = target
        self.count = count
        self.sparsityMean = sparsityMean
        self.sparsityStd = sparsityStd
        self.accuracyAfterPruningMean = accuracyAfterPruningMean
        self.accuracyAfterPruningStd = accuracyAfterPruningStd
        self.accuracyAfterFineTuningMean = accuracyAfterFineTuningMean
        self.accuracyAfterFineTuningStd = accuracyAfterFineTuningStd
        self.region = region
        self.knee = knee
    }

    enum CodingKeys: String, RunLogOmittedKeys {
        static let omittedWhenAbsent: Set<String> = ["settings"]
        case settings, target, count
        case sparsityMean = "sparsity_mean", sparsityStd = "sparsity_std"
        case accuracyAfterPruningMean = "accuracy_after_pruning_mean", accuracyAfterPruningStd = "accuracy_after_pruning_std"
        case accuracyAfterFineTuningMean = "accuracy_after_fine_tuning_mean", accuracyAfterFineTuningStd = "accuracy_after_fine_tuning_std"
        case region, knee
    }
}

/// `sweep_summary`: the table's last line: its baseline, knee and parameter slack at 0%,
/// 1% and 5% relative accuracy loss.
public struct SweepSummaryEvent: Sendable, Equatable, Codable {
    public var denseBaseline: Double?
    public var knee: Double?
    public var parameterSlack0: Double?
    public var parameterSlack1Percent: Double?
    public var parameterSlack5Percent: Double?
    /// The group's settings (absent for a sweep of the final sparsity alone).
    public var settings: [SweepSetting]?

    public init(denseBaseline: Double? = nil, knee: Double? = nil, parameterSlack0: Double? = nil, parameterSlack1Percent: Double? = nil,
                parameterSlack5Percent: Double? = nil, settings: [SweepSetting]? = nil) {
        self.settings = settings
        self.denseBaseline = denseBaseline
        self.knee = knee
        self.parameterSlack0 = parameterSlack0
        self.parameterSlack1Percent = parameterSlack1Percent
        self.parameterSlack5Percent = parameterSlack5Percent
    }

    enum CodingKeys: String, RunLogOmittedKeys {
        static let omittedWhenAbsent: Set<String> = ["settings"]
        case denseBaseline = "dense_baseline"
        case knee
        case parameterSlack0 = "parameter_slack_0"
        case parameterSlack1Percent = "parameter_slack_1pct"
        case parameterSlack5Percent = "parameter_slack_5pct"
        case settings
    }
}
