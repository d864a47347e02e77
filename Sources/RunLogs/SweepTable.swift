import Foundation
import Metrics

/// The whole Occam's hill from a sweep: one run per final sparsity, each summarised as the
/// accuracy right after pruning and after fine-tuning, placed in the A/B/C regions
/// against the dense baseline, with the knee and the parameter slack.
public struct SweepTable: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// The final sparsity asked for, and the one measured at the end.
        public var target: Double
        public var sparsity: Double
        /// At the first evaluation where the measured sparsity reached the run's final
        /// value (before fine-tuning); nil when no evaluation fell there.
        public var accuracyAfterPruning: Double?
        /// At the end of the run.
        public var accuracyAfterFineTuning: Double
        public var region: HillRegion?
        public var isKnee: Bool
        /// The run's log, relative to the table.
        public var log: String
    }

    public var rows: [Row]
    public var denseBaseline: Double?
    /// Parameter slack at 0%, 1% and 5% relative accuracy loss.
    public var slack: (zero: Double?, onePercent: Double?, fivePercent: Double?)
    public var knee: Double?

    public static func == (a: SweepTable, b: SweepTable) -> Bool {
        a.rows == b.rows && a.denseBaseline == b.denseBaseline && a.knee == b.knee && a.slack.zero == b.slack.zero
            && a.slack.onePercent == b.slack.onePercent && a.slack.fivePercent == b.slack.fivePercent
    }

    /// Builds the table from finished runs (target, log; `RunLog.result`: an unfinished
    /// run is left out). The dense baseline is the final
    /// accuracy of the target-0 run, trained with the same recipe to the end; without one
    /// the table has no baseline, no regions and no knee. Accuracies are the pruned
    /// network's (`RunLog.finalHillAccuracy`: DropBack's with its untracked weights zeroed).
    public init(runs: [(target: Double, log: RunLog, logName: String)]) {
        var hill = OccamsHill()
        if let dense = runs.first(where: { $0.target == 0 }), let result = dense.log.result {
            hill.baseline = HillBaseline(accuracy: result.hillAccuracy, source: .sweep(name: dense.logName))
        }
        var rows: [Row] = []
        for (target, log, name) in runs.sorted(by: { $0.target < $1.target }) {
            guard let result = log.result else { continue }
            let (final, sparsity) = (result.hillAccuracy, result.sparsity)
            let afterPruning = target == 0 ? nil : log.hillEvaluations.first { abs($0.sparsity - sparsity) <= 0.005 }?.accuracy
            hill.record(HillPoint(sparsity: sparsity, accuracy: final, phase: target == 0 ? .dense : .afterFineTuning, runID: name))
            rows.append(Row(target: target, sparsity: sparsity, accuracyAfterPruning: afterPruning,
                            accuracyAfterFineTuning: final, region: nil, isKnee: false, log: name))
        }
        let knee = hill.knee
        for i in rows.indices {
            rows[i].region = hill.region(ofAccuracy: rows[i].accuracyAfterFineTuning)
            rows[i].isKnee = knee.map { $0.runID == rows[i].log } ?? false
        }
        self.rows = rows
        denseBaseline = hill.denseBaseline
        slack = hill.standardSlack
        self.knee = knee?.sparsity
    }

    /// Reads back the table `prunetop sweep` wrote as JSONL; nil when the text has no
    /// `sweep_point` line (it is not a sweep).
    public init?(jsonLines text: String, path: String) throws {
        try self.init(lines: try RunLogLines(text: text, path: path))
    }

    init?(lines: RunLogLines) throws {
        self.init(runs: [])
        var isSweep = false
        for line in lines.lines {
            switch line.event {
            case let .sweepPoint(point):
                isSweep = true
                rows.append(Row(target: try line.fraction(required: point.target, "target"),
                                sparsity: try line.fraction(required: point.sparsity, "sparsity"),
                                accuracyAfterPruning: try line.fraction(point.accuracyAfterPruning, "accuracy_after_pruning"),
                                accuracyAfterFineTuning: try line.fraction(required: point.accuracyAfterFineTuning, "accuracy_after_fine_tuning"),
                                region: point.region.flatMap(HillRegion.init(rawValue:)), isKnee: point.knee ?? false, log: point.log ?? ""))
                denseBaseline = try line.fraction(point.denseBaseline, "dense_baseline")
            case let .sweepSummary(summary):
                denseBaseline = try line.fraction(summary.denseBaseline, "dense_baseline")
                knee = try line.fraction(summary.knee, "knee")
                slack = (try line.fraction(summary.parameterSlack0, "parameter_slack_0"),
                         try line.fraction(summary.parameterSlack1Percent, "parameter_slack_1pct"),
                         try line.fraction(summary.parameterSlack5Percent, "parameter_slack_5pct"))
            default:
                continue
            }
        }
        if !isSweep { return nil }
    }

    public static let csvHeader = "target,sparsity,accuracy_after_pruning,accuracy_after_fine_tuning,dense_baseline,region,knee,"
        + "parameter_slack_0,parameter_slack_1pct,parameter_slack_5pct,log"

    public var csv: String {
        func number(_ value: Double?) -> String { value.map { String(format: "%.6g", $0) } ?? "" }
        let lines = rows.map { row in
            [number(row.target), number(row.sparsity), number(row.accuracyAfterPruning), number(row.accuracyAfterFineTuning),
             number(denseBaseline), row.region?.rawValue ?? "", row.isKnee ? "yes" : "no",
             number(slack.zero), number(slack.onePercent), number(slack.fivePercent), RunExport.field(row.log)].joined(separator: ",")
        }
        return ([Self.csvHeader] + lines).joined(separator: "\n") + "\n"
    }

    /// One JSON object per row ("event": "sweep_point"), then a summary line; numbers to 6
    /// significant digits.
    public var jsonLines: String {
        func number(_ value: Double?) -> Double? { value.map { Double(String(format: "%.6g", $0)) ?? $0 } }
        let points = rows.map { row in
            RunLogEvent.sweepPoint(SweepPointEvent(
                target: number(row.target), sparsity: number(row.sparsity), accuracyAfterPruning: number(row.accuracyAfterPruning),
                accuracyAfterFineTuning: number(row.accuracyAfterFineTuning), denseBaseline: number(denseBaseline),
                region: row.region?.rawValue, knee: row.isKnee, log: row.log))
        }
        let summary = RunLogEvent.sweepSummary(SweepSummaryEvent(
            denseBaseline: number(denseBaseline), knee: number(knee), parameterSlack0: number(slack.zero),
            parameterSlack1Percent: number(slack.onePercent), parameterSlack5Percent: number(slack.fivePercent)))
        return (points + [summary]).map { RunLogEncoder.line($0) + "\n" }.joined()
    }
}
