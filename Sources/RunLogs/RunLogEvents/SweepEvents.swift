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

    public init(target: Double? = nil, sparsity: Double? = nil, accuracyAfterPruning: Double? = nil,
                accuracyAfterFineTuning: Double? = nil, denseBaseline: Double? = nil, region: String? = nil, knee: Bool? = nil,
                log: String? = nil) {
        self.target = target
        self.sparsity = sparsity
        self.accuracyAfterPruning = accuracyAfterPruning
        self.accuracyAfterFineTuning = accuracyAfterFineTuning
        self.denseBaseline = denseBaseline
        self.region = region
        self.knee = knee
        self.log = log
    }

    enum CodingKeys: String, CodingKey {
        case target, sparsity
        case accuracyAfterPruning = "accuracy_after_pruning", accuracyAfterFineTuning = "accuracy_after_fine_tuning"
        case denseBaseline = "dense_baseline"
        case region, knee, log
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

    public init(denseBaseline: Double? = nil, knee: Double? = nil, parameterSlack0: Double? = nil, parameterSlack1Percent: Double? = nil,
                parameterSlack5Percent: Double? = nil) {
        self.denseBaseline = denseBaseline
        self.knee = knee
        self.parameterSlack0 = parameterSlack0
        self.parameterSlack1Percent = parameterSlack1Percent
        self.parameterSlack5Percent = parameterSlack5Percent
    }

    enum CodingKeys: String, CodingKey {
        case denseBaseline = "dense_baseline"
        case knee
        case parameterSlack0 = "parameter_slack_0"
        case parameterSlack1Percent = "parameter_slack_1pct"
        case parameterSlack5Percent = "parameter_slack_5pct"
    }
}
