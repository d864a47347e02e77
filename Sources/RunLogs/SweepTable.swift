import Foundation
import Metrics

/// The whole Occam's hill from a sweep: one run per point (grid cell and seed), each
/// summarised as the accuracy right after pruning and after fine-tuning; the runs of a
/// cell (same settings and final sparsity, several seeds) as mean, standard deviation and
/// count; and per group (same settings, every sparsity: one hill, e.g. one per method) the
/// A/B/C regions against that group's dense baseline, the knee and the parameter slack.
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
        /// Against its group's baseline.
        public var region: HillRegion?
        /// In its group's knee cell.
        public var isKnee: Bool
        /// The run's log, relative to the table.
        public var log: String
        /// The grid's settings other than the final sparsity and the seed; empty for a
        /// sweep of the final sparsity alone.
        public var settings: [SweepSetting] = []
        /// Nil when the point ran with the recipe's own seed.
        public var seed: UInt64?
    }

    /// The runs of one grid cell: same settings and final sparsity, one per seed.
    public struct Cell: Sendable, Equatable {
        public var settings: [SweepSetting]
        public var target: Double
        public var sparsity: SweepStatistic
        /// Over the runs that have one.
        public var accuracyAfterPruning: SweepStatistic?
        public var accuracyAfterFineTuning: SweepStatistic
        /// Of the mean, against the group's baseline.
        public var region: HillRegion?
        public var isKnee: Bool
    }

    /// One hill: the cells of the same settings at every final sparsity.
    public struct Group: Sendable, Equatable {
        public var settings: [SweepSetting]
        /// The mean final accuracy of the group's target-0 cell.
        public var denseBaseline: Double?
        public var knee: Double?
        public var slack: (zero: Double?, onePercent: Double?, fivePercent: Double?)
        public var cells: [Cell]

        public static func == (a: Group, b: Group) -> Bool {
            a.settings == b.settings && a.denseBaseline == b.denseBaseline && a.knee == b.knee && a.cells == b.cells
                && a.slack.zero == b.slack.zero && a.slack.onePercent == b.slack.onePercent && a.slack.fivePercent == b.slack.fivePercent
        }
    }

    public var rows: [Row]
    public var groups: [Group]
    /// The only group's (nil when the sweep has several groups: see `groups`).
    public var denseBaseline: Double?
    /// Parameter slack at 0%, 1% and 5% relative accuracy loss.
    public var slack: (zero: Double?, onePercent: Double?, fivePercent: Double?)
    public var knee: Double?

    public static func == (a: SweepTable, b: SweepTable) -> Bool { a.rows == b.rows && a.groups == b.groups }

    /// Builds the table from finished runs (target, log; `RunLog.result`: an unfinished
    /// run is left out). Accuracies are the pruned network's (`RunLog.finalHillAccuracy`:
    /// DropBack's with its untracked weights zeroed).
    public init(runs: [(target: Double, log: RunLog, logName: String)]) {
        self.init(runs: runs.map { ($0.target, $0.log, $0.logName, [], nil) })
    }

    public init(runs: [(target: Double, log: RunLog, logName: String, settings: [SweepSetting], seed: UInt64?)]) {
        let rows = runs.compactMap { run -> Row? in
            guard let result = run.log.result else { return nil }
            let afterPruning = run.target == 0 ? nil
                : run.log.hillEvaluations.first { abs($0.sparsity - result.sparsity) <= 0.005 }?.accuracy
            return Row(target: run.target, sparsity: result.sparsity, accuracyAfterPruning: afterPruning,
                       accuracyAfterFineTuning: result.hillAccuracy, region: nil, isKnee: false, log: run.logName,
                       settings: run.settings, seed: run.seed)
        }
        self.init(rows: rows)
    }

    /// Groups, cells, regions and knees from the rows alone (their region and knee are recomputed).
    /// The dense baseline of a group is the mean final accuracy of its target-0 runs, trained
    /// with the same recipe to the end; without them the group has no baseline, regions or knee.
    init(rows unsorted: [Row]) {
        var rows = unsorted.sorted { ($0.target, $0.seed ?? 0, $0.log) < ($1.target, $1.seed ?? 0, $1.log) }
        var settingsOrder: [[SweepSetting]] = []
        for row in rows where !settingsOrder.contains(row.settings) { settingsOrder.append(row.settings) }
        rows.sort {
            (settingsOrder.firstIndex(of: $0.settings)!, $0.target, $0.seed ?? 0, $0.log)
                < (settingsOrder.firstIndex(of: $1.settings)!, $1.target, $1.seed ?? 0, $1.log)
        }
        groups = settingsOrder.map { settings in
            let members = rows.filter { $0.settings == settings }
            var targets: [Double] = []
            for row in members where !targets.contains(row.target) { targets.append(row.target) }
            var cells = targets.map { target in
                let runs = members.filter { $0.target == target }
                return Cell(settings: settings, target: target, sparsity: SweepStatistic(runs.map(\.sparsity))!,
                            accuracyAfterPruning: SweepStatistic(runs.compactMap(\.accuracyAfterPruning)),
                            accuracyAfterFineTuning: SweepStatistic(runs.map(\.accuracyAfterFineTuning))!, region: nil, isKnee: false)
            }
            var hill = OccamsHill()
            if let dense = cells.first(where: { $0.target == 0 }) {
                let name = members.first { $0.target == 0 }!.log
                hill.baseline = HillBaseline(accuracy: dense.accuracyAfterFineTuning.mean, source: .sweep(name: name))
            }
            for (index, cell) in cells.enumerated() {
                hill.record(HillPoint(sparsity: cell.sparsity.mean, accuracy: cell.accuracyAfterFineTuning.mean,
                                      phase: cell.target == 0 ? .dense : .afterFineTuning, runID: String(index)))
            }
            let knee = hill.knee.flatMap { Int($0.runID) }
            for index in cells.indices {
                cells[index].region = hill.region(ofAccuracy: cells[index].accuracyAfterFineTuning.mean)
                cells[index].isKnee = index == knee
            }
            return Group(settings: settings, denseBaseline: hill.denseBaseline, knee: knee.map { cells[$0].sparsity.mean },
                         slack: hill.standardSlack, cells: cells)
        }
        for index in rows.indices {
            let group = groups.first { $0.settings == rows[index].settings }!
            var hill = OccamsHill()
            hill.baseline = group.denseBaseline.map { HillBaseline(accuracy: $0, source: .given) }
            rows[index].region = hill.region(ofAccuracy: rows[index].accuracyAfterFineTuning)
            rows[index].isKnee = group.cells.first { $0.target == rows[index].target }?.isKnee ?? false
        }
        self.rows = rows
        let only = groups.count == 1 ? groups.first : nil
        denseBaseline = only?.denseBaseline
        slack = only?.slack ?? (nil, nil, nil)
        knee = only?.knee
    }

    /// Reads back the table `prunetop sweep` wrote as JSONL; nil when the text has no
    /// `sweep_point` line (it is not a sweep).
    public init?(jsonLines text: String, path: String) throws {
        try self.init(lines: try RunLogLines(text: text, path: path))
    }

    /// The rows are read; groups, cells, regions and knees are recomputed from them.
    init?(lines: RunLogLines) throws {
        var rows: [Row] = []
        for line in lines.lines {
            guard case let .sweepPoint(point) = line.event else { continue }
            rows.append(Row(target: try line.fraction(required: point.target, "target"),
                            sparsity: try line.fraction(required: point.sparsity, "sparsity"),
                            accuracyAfterPruning: try line.fraction(point.accuracyAfterPruning, "accuracy_after_pruning"),
                            accuracyAfterFineTuning: try line.fraction(required: point.accuracyAfterFineTuning, "accuracy_after_fine_tuning"),
                            region: nil, isKnee: false, log: point.log ?? "", settings: point.settings ?? [], seed: point.seed))
        }
        if rows.isEmpty { return nil }
        self.init(rows: rows)
    }

    public static let csvHeader = "target,sparsity,accuracy_after_pruning,accuracy_after_fine_tuning,dense_baseline,region,knee,"
        + "parameter_slack_0,parameter_slack_1pct,parameter_slack_5pct,log,settings,seed"

    private static func number(_ value: Double?) -> String { value.map { String(format: "%.6g", $0) } ?? "" }

    /// One line per run; the baseline, knee and slack are its group's.
    public var csv: String {
        let number = Self.number
        let lines = rows.map { row in
            let group = groups.first { $0.settings == row.settings }
            return [number(row.target), number(row.sparsity), number(row.accuracyAfterPruning), number(row.accuracyAfterFineTuning),
                    number(group?.denseBaseline), row.region?.rawValue ?? "", row.isKnee ? "yes" : "no",
                    number(group?.slack.zero), number(group?.slack.onePercent), number(group?.slack.fivePercent), RunExport.field(row.log),
                    RunExport.field(SweepSetting.label(row.settings)), row.seed.map(String.init) ?? ""].joined(separator: ",")
        }
        return ([Self.csvHeader] + lines).joined(separator: "\n") + "\n"
    }

    public static let cellsCSVHeader = "settings,target,count,sparsity_mean,sparsity_std,accuracy_after_pruning_mean,"
        + "accuracy_after_pruning_std,accuracy_after_pruning_count,accuracy_after_fine_tuning_mean,accuracy_after_fine_tuning_std,"
        + "dense_baseline,region,knee"

    /// One line per cell: mean, sample standard deviation (empty for one run) and count.
    public var cellsCSV: String {
        let number = Self.number
        let lines = groups.flatMap { group in
            group.cells.map { cell in
                [RunExport.field(SweepSetting.label(cell.settings)), number(cell.target), String(cell.accuracyAfterFineTuning.count),
                 number(cell.sparsity.mean), number(cell.sparsity.standardDeviation), number(cell.accuracyAfterPruning?.mean),
                 number(cell.accuracyAfterPruning?.standardDeviation), cell.accuracyAfterPruning.map { String($0.count) } ?? "0",
                 number(cell.accuracyAfterFineTuning.mean), number(cell.accuracyAfterFineTuning.standardDeviation),
                 number(group.denseBaseline), cell.region?.rawValue ?? "", cell.isKnee ? "yes" : "no"].joined(separator: ",")
            }
        }
        return ([Self.cellsCSVHeader] + lines).joined(separator: "\n") + "\n"
    }

    /// One JSON object per row ("event": "sweep_point"), one per cell ("sweep_cell"), then
    /// one summary line per group ("sweep_summary"); numbers to 6 significant digits.
    public var jsonLines: String {
        func number(_ value: Double?) -> Double? { value.map { Double(String(format: "%.6g", $0)) ?? $0 } }
        var events: [RunLogEvent] = rows.map { row in
            let group = groups.first { $0.settings == row.settings }
            return .sweepPoint(SweepPointEvent(
                target: number(row.target), sparsity: number(row.sparsity), accuracyAfterPruning: number(row.accuracyAfterPruning),
                accuracyAfterFineTuning: number(row.accuracyAfterFineTuning), denseBaseline: number(group?.denseBaseline),
                region: row.region?.rawValue, knee: row.isKnee, log: row.log, settings: row.settings.nilIfEmpty, seed: row.seed))
        }
        for group in groups {
            events += group.cells.map { cell in
                .sweepCell(SweepCellEvent(
                    settings: cell.settings.nilIfEmpty, target: number(cell.target), count: cell.accuracyAfterFineTuning.count,
                    sparsityMean: number(cell.sparsity.mean), sparsityStd: number(cell.sparsity.standardDeviation),
                    accuracyAfterPruningMean: number(cell.accuracyAfterPruning?.mean),
                    accuracyAfterPruningStd: number(cell.accuracyAfterPruning?.standardDeviation),
                    accuracyAfterFineTuningMean: number(cell.accuracyAfterFineTuning.mean),
                    accuracyAfterFineTuningStd: number(cell.accuracyAfterFineTuning.standardDeviation),
                    region: cell.region?.rawValue, knee: cell.isKnee))
            }
        }
        events += groups.map { group in
            .sweepSummary(SweepSummaryEvent(
                denseBaseline: number(group.denseBaseline), knee: number(group.knee), parameterSlack0: number(group.slack.zero),
                parameterSlack1Percent: number(group.slack.onePercent), parameterSlack5Percent: number(group.slack.fivePercent),
                settings: group.settings.nilIfEmpty))
        }
        return events.map { RunLogEncoder.line($0) + "\n" }.joined()
    }
}

extension Array {
    var nilIfEmpty: Self? { isEmpty ? nil : self }
}
