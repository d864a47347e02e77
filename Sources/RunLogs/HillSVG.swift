import Foundation
import Metrics

/// Occam's hill as a standalone SVG 1.1 document for papers and slides, drawn with the
/// dashboard's conventions (OccamsHillView) so the two match:
/// - x is logarithmic in density, log10(1 / (1 - sparsity)), ticks at 0%, 90%, 99% (and
///   99.9%, 99.99% when a point needs them);
/// - y is test accuracy, fitted to the points, the dense baseline and the region edges;
/// - regions A/B/C depend on accuracy only, so they are horizontal bands, lightly shaded,
///   lettered in the right margin; the baseline is a dashed line; the knee is ringed.
///
/// Colours are the light theme's. The output depends on the input only (fixed layout,
/// coordinates with one decimal), so the same log gives the same bytes.
public struct HillSVG: Sendable {
    /// Points drawn as markers of one colour, with a legend entry.
    public struct Series: Sendable {
        public var label: String
        /// "#RRGGBB".
        public var color: String
        public var points: [HillPoint]
        /// A line through the points in their order.
        public var isJoined: Bool
        /// Per point, the half-height of an error bar (a standard deviation); empty, or nil
        /// for a point, draws none.
        public var spreads: [Double?]
        /// The markers' shape, on the hill and in the legend.
        public var mark: Mark = .circle
        /// Pixels the series is moved right (or left), so the error bars of groups measured
        /// at the same sparsity sit side by side instead of on top of each other.
        public var dodge = 0.0

        public init(label: String, color: String, points: [HillPoint], isJoined: Bool, spreads: [Double?] = []) {
            self.label = label
            self.color = color
            self.points = points
            self.isJoined = isJoined
            self.spreads = spreads
        }
    }

    /// A marker's shape: a grid's groups differ by shape as well as colour, so a print in
    /// grey tells them apart (the dashboard's overlay does the same with ◆ ■ ▲ ▼).
    public enum Mark: Sendable, CaseIterable {
        case circle, square, triangle, diamond, invertedTriangle

        /// The element of a marker of radius about 4 at (x, y), with `attributes` inside its tag.
        func element(x: Double, y: Double, attributes: String, content: String = "") -> String {
            let f = HillSVG.format
            let shape: String
            switch self {
            case .circle: return "<circle cx=\(HillSVG.q(x)) cy=\(HillSVG.q(y)) r=\"4\" \(attributes)>\(content)</circle>"
            case .square: shape = "M\(f(x - 3.5)) \(f(y - 3.5))h7v7h-7Z"
            case .triangle: shape = "M\(f(x)) \(f(y - 5))L\(f(x + 4.5)) \(f(y + 3.5))H\(f(x - 4.5))Z"
            case .diamond: shape = "M\(f(x)) \(f(y - 5))L\(f(x + 5)) \(f(y))L\(f(x)) \(f(y + 5))L\(f(x - 5)) \(f(y))Z"
            case .invertedTriangle: shape = "M\(f(x)) \(f(y + 5))L\(f(x + 4.5)) \(f(y - 3.5))H\(f(x - 4.5))Z"
            }
            return "<path d=\"\(shape)\" \(attributes)>\(content)</path>"
        }
    }

    public var title: String
    public var series: [Series]
    /// A thin grey line under the markers: a run's evaluations in step order.
    public var trajectory: [HillPoint]
    public var baseline: Double?
    public var knee: HillPoint?
    /// The region rule, as in OccamsHill.
    public var budget: Double
    public var noiseMargin: Double

    public init(title: String, series: [Series], trajectory: [HillPoint] = [], baseline: Double?, knee: HillPoint?,
                budget: Double = OccamsHill().budget, noiseMargin: Double = OccamsHill().noiseMargin) {
        self.title = title
        self.series = series
        self.trajectory = trajectory
        self.baseline = baseline
        self.knee = knee
        self.budget = budget
        self.noiseMargin = noiseMargin
    }

    /// A run's evaluations, coloured by phase (dense, moving, settled) and joined in step
    /// order; the baseline (the run's converged dense phase) and the knee are computed as on
    /// the dashboard (`RunHill`), or `baseline` when given.
    public static func run(_ log: RunLog, baseline given: HillBaseline? = nil) -> HillSVG {
        let evaluations = log.hillEvaluations
        let hill = OccamsHill(points: RunHill.points(evaluations, runID: log.path),
                              baseline: given ?? RunHill.densePhaseBaseline(evaluations, finished: log.outcome == "done").baseline)
        let series = EvaluationPhase.allCases.map { phase in
            Series(label: phase.rawValue, color: color(of: phase), points: hill.points.filter { $0.phase == phase }, isJoined: false)
        }.filter { !$0.points.isEmpty }
        let name = (log.path as NSString).lastPathComponent
        return HillSVG(title: "Occam's hill: " + [log.method, name].compactMap { $0 }.joined(separator: ", "),
                       series: series, trajectory: hill.points, baseline: hill.denseBaseline, knee: hill.knee,
                       budget: hill.budget, noiseMargin: hill.noiseMargin)
    }

    /// A sweep's points after fine-tuning (the dense run included) and, where the table has
    /// them, right after pruning, each joined in sparsity order; the knee is the table's.
    /// A sweep with seeds or several groups (`--grid`): one hill per group instead, its cells'
    /// means after fine-tuning joined, with error bars of ± one sample standard deviation.
    public static func sweep(_ table: SweepTable, name: String, method: String?) -> HillSVG {
        if table.groups.count > 1 || table.groups.contains(where: { $0.cells.contains { $0.accuracyAfterFineTuning.count > 1 } }) {
            return grouped(table, name: name, method: method)
        }
        let rows = table.rows.sorted { $0.sparsity < $1.sparsity }
        let fineTuned = rows.map {
            HillPoint(sparsity: $0.sparsity, accuracy: $0.accuracyAfterFineTuning, phase: $0.target == 0 ? .dense : .afterFineTuning,
                      runID: $0.log)
        }
        let pruned = rows.compactMap { row in
            row.accuracyAfterPruning.map { HillPoint(sparsity: row.sparsity, accuracy: $0, phase: .afterPruning, runID: row.log) }
        }
        let series = [Series(label: "after fine-tuning", color: color(of: .afterFineTuning), points: fineTuned, isJoined: true),
                      Series(label: "after pruning", color: color(of: .afterPruning), points: pruned, isJoined: true)]
        let knee = rows.firstIndex(where: \.isKnee).map { fineTuned[$0] }
        return HillSVG(title: "Occam's hill: " + [method, name].compactMap { $0 }.joined(separator: ", "),
                       series: series.filter { !$0.points.isEmpty }, baseline: table.denseBaseline, knee: knee)
    }

    /// Colours of the groups' hills, in order (then again).
    static let groupColors = ["#1565c0", "#e65100", "#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#4e342e", "#ad1457"]

    /// Pixels group `index` of `count` is moved sideways: 6 apart, centred on the true sparsity.
    static func dodge(_ index: Int, of count: Int) -> Double { (Double(index) - Double(count - 1) / 2) * 6 }

    private static func grouped(_ table: SweepTable, name: String, method: String?) -> HillSVG {
        let series = table.groups.enumerated().map { index, group in
            let cells = group.cells.sorted { $0.sparsity.mean < $1.sparsity.mean }
            var series = Series(label: group.settings.isEmpty ? "after fine-tuning" : SweepSetting.label(group.settings),
                          color: groupColors[index % groupColors.count],
                          points: cells.map {
                              HillPoint(sparsity: $0.sparsity.mean, accuracy: $0.accuracyAfterFineTuning.mean,
                                        phase: $0.target == 0 ? .dense : .afterFineTuning, runID: SweepSetting.label(group.settings))
                          },
                          isJoined: true, spreads: cells.map(\.accuracyAfterFineTuning.standardDeviation))
            series.mark = Mark.allCases[index % Mark.allCases.count]
            series.dodge = dodge(index, of: table.groups.count)
            return series
        }
        let knee = table.groups.count == 1 ? series.first?.points.first { $0.sparsity == table.knee } : nil
        let seeds = table.groups.flatMap(\.cells).map(\.accuracyAfterFineTuning.count).max() ?? 1
        let title = "Occam's hill: " + [table.groups.count == 1 ? method : nil, name].compactMap { $0 }.joined(separator: ", ")
            + (seeds > 1 ? " (mean ± sd of \(seeds) seeds)" : "")
        return HillSVG(title: title, series: series, baseline: table.denseBaseline, knee: knee)
    }

    static func color(of phase: EvaluationPhase) -> String {
        switch phase {
        case .dense: "#616161"
        case .afterPruning: "#8e24aa"
        case .afterFineTuning: "#1565c0"
        }
    }

    // MARK: - Layout

    static let width = 720, height = 480
    static let plotLeft = 78.0, plotRight = 690.0, plotTop = 70.0, plotBottom = 410.0

    /// The axes' extent, fitted once to what is drawn.
    struct Frame {
        /// Decades of density on the x axis: 2 (to 99%), more when points go further, at most 4.
        var decades: Int
        var accuracyRange: ClosedRange<Double>

        func x(sparsity: Double) -> Double {
            plotLeft + SparsityAxis.position(sparsity: sparsity, decades: decades) * (plotRight - plotLeft)
        }

        func y(accuracy: Double) -> Double {
            let span = accuracyRange.upperBound - accuracyRange.lowerBound
            return plotBottom - (accuracy - accuracyRange.lowerBound) / span * (plotBottom - plotTop)
        }

        /// Accuracy ticks at a round step giving at most eight of them.
        var accuracyTicks: (values: [Double], step: Double) {
            let (low, high) = (accuracyRange.lowerBound, accuracyRange.upperBound)
            let step = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2].first { (high - low) / $0 <= 8 } ?? 0.25
            let first = Int((low / step - 1e-9).rounded(.up)), last = Int((high / step + 1e-9).rounded(.down))
            return (first <= last ? (first...last).map { Double($0) * step } : [], step)
        }
    }

    var frame: Frame {
        let points = series.flatMap(\.points) + trajectory + (knee.map { [$0] } ?? [])
        // Every point, the baseline and the region edges, padded by a tenth (at least half a point).
        var values = points.map(\.accuracy).filter(\.isFinite)
        for series in series {
            for (point, spread) in zip(series.points, series.spreads) {
                if let spread { values += [point.accuracy - spread, point.accuracy + spread].filter(\.isFinite) }
            }
        }
        if let baseline { values += [baseline, baseline + noiseMargin, baseline * (1 - budget)] }
        var range = 0.0...1.0
        if let low = values.min(), let high = values.max() {
            let pad = max((high - low) * 0.1, 0.005)
            range = max(low - pad, 0)...min(high + pad, 1)
        }
        return Frame(decades: SparsityAxis.decades(for: points.map(\.sparsity)), accuracyRange: range)
    }

    // MARK: - Document

    public var document: String {
        let frame = frame
        let size = "width=\"\(Self.width)\" height=\"\(Self.height)\" viewBox=\"0 0 \(Self.width) \(Self.height)\""
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" \(size) font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">",
            "<title>\(Self.escaped(title))</title>",
            "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(Self.width)\" height=\"\(Self.height)\" fill=\"#ffffff\"/>",
            "<text class=\"title\" x=\(Self.q(Self.plotLeft)) y=\"28\" font-size=\"16\" font-weight=\"bold\">\(Self.escaped(title))</text>",
        ]
        lines += regionBands(frame) + grid(frame) + axes(frame) + baselineLine(frame) + seriesLines(frame) + kneeMark(frame) + legend
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    private func regionBands(_ frame: Frame) -> [String] {
        guard let baseline else { return [] }
        let (aFloor, cCeiling) = (baseline + noiseMargin, baseline * (1 - budget))
        let bands: [(region: HillRegion, low: Double, high: Double, color: String)] = [
            (.a, aFloor, 1, "#2e7d32"), (.b, cCeiling, aFloor, "#f9a825"), (.c, 0, cCeiling, "#c62828"),
        ]
        var lines = ["<g class=\"regions\">"]
        for band in bands {
            let low = max(band.low, frame.accuracyRange.lowerBound), high = min(band.high, frame.accuracyRange.upperBound)
            guard high > low else { continue }
            let top = frame.y(accuracy: high), bottom = frame.y(accuracy: low)
            lines.append("<rect class=\"region\" x=\(Self.q(Self.plotLeft)) y=\(Self.q(top)) width=\(Self.q(Self.plotRight - Self.plotLeft)) "
                         + "height=\(Self.q(bottom - top)) fill=\"\(band.color)\" fill-opacity=\"0.10\"/>")
            lines.append("<text class=\"region-label\" x=\(Self.q(Self.plotRight + 14)) y=\(Self.q((top + bottom) / 2 + 5)) "
                         + "text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\" fill=\"\(band.color)\">\(band.region.rawValue)</text>")
        }
        return lines + ["</g>"]
    }

    private func grid(_ frame: Frame) -> [String] {
        var lines = ["<g class=\"grid\" stroke=\"#e0e0e0\" stroke-width=\"1\">"]
        for decade in 1...frame.decades {
            let x = frame.x(sparsity: 1 - pow(10, -Double(decade)))
            lines.append("<line x1=\(Self.q(x)) y1=\(Self.q(Self.plotTop)) x2=\(Self.q(x)) y2=\(Self.q(Self.plotBottom))/>")
        }
        for tick in frame.accuracyTicks.values {
            let y = frame.y(accuracy: tick)
            lines.append("<line x1=\(Self.q(Self.plotLeft)) y1=\(Self.q(y)) x2=\(Self.q(Self.plotRight)) y2=\(Self.q(y))/>")
        }
        return lines + ["</g>"]
    }

    private func axes(_ frame: Frame) -> [String] {
        let (left, right, top, bottom) = (Self.plotLeft, Self.plotRight, Self.plotTop, Self.plotBottom)
        var lines = [
            "<g class=\"axes\" stroke=\"#212121\" stroke-width=\"1\">",
            "<line x1=\(Self.q(left)) y1=\(Self.q(bottom)) x2=\(Self.q(right)) y2=\(Self.q(bottom))/>",
            "<line x1=\(Self.q(left)) y1=\(Self.q(top)) x2=\(Self.q(left)) y2=\(Self.q(bottom))/>",
        ]
        var labels: [String] = []
        for decade in 0...frame.decades {
            let sparsity = 1 - pow(10, -Double(decade)), x = frame.x(sparsity: sparsity)
            lines.append("<line x1=\(Self.q(x)) y1=\(Self.q(bottom)) x2=\(Self.q(x)) y2=\(Self.q(bottom + 5))/>")
            let label = Self.percent(sparsity, digits: max(decade - 2, 0))
            labels.append("<text class=\"tick-label\" x=\(Self.q(x)) y=\(Self.q(bottom + 20)) text-anchor=\"middle\">\(label)</text>")
        }
        let ticks = frame.accuracyTicks
        for tick in ticks.values {
            let y = frame.y(accuracy: tick)
            lines.append("<line x1=\(Self.q(left - 5)) y1=\(Self.q(y)) x2=\(Self.q(left)) y2=\(Self.q(y))/>")
            labels.append("<text class=\"tick-label\" x=\(Self.q(left - 8)) y=\(Self.q(y + 4)) text-anchor=\"end\">"
                          + "\(Self.percent(tick, digits: ticks.step < 0.01 - 1e-12 ? 1 : 0))</text>")
        }
        lines.append("</g>")
        lines += ["<g class=\"tick-labels\" fill=\"#424242\">"] + labels + ["</g>"]
        lines.append("<text class=\"axis-title\" x=\(Self.q((left + right) / 2)) y=\(Self.q(bottom + 46)) text-anchor=\"middle\" "
                     + "font-size=\"14\">sparsity</text>")
        lines.append("<text class=\"axis-title\" x=\"0\" y=\"0\" transform=\"translate(24 \(Self.format((top + bottom) / 2))) rotate(-90)\" "
                     + "text-anchor=\"middle\" font-size=\"14\">test accuracy</text>")
        return lines
    }

    private func baselineLine(_ frame: Frame) -> [String] {
        guard let baseline else {
            return ["<text class=\"baseline-label\" x=\(Self.q(Self.plotLeft + 8)) y=\(Self.q(Self.plotTop + 16)) fill=\"#757575\">"
                    + "no dense baseline</text>"]
        }
        let y = frame.y(accuracy: baseline)
        return [
            "<g class=\"baseline\">",
            "<line x1=\(Self.q(Self.plotLeft)) y1=\(Self.q(y)) x2=\(Self.q(Self.plotRight)) y2=\(Self.q(y)) "
                + "stroke=\"#757575\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>",
            "<text class=\"baseline-label\" x=\(Self.q(Self.plotRight - 6)) y=\(Self.q(y - 6)) text-anchor=\"end\" fill=\"#616161\">"
                + "dense baseline \(Self.percent(baseline, digits: 1))</text>",
            "</g>",
        ]
    }

    private func seriesLines(_ frame: Frame) -> [String] {
        func polyline(_ points: [HillPoint], dodge: Double = 0) -> String {
            points.map { Self.format(frame.x(sparsity: $0.sparsity) + dodge) + "," + Self.format(frame.y(accuracy: $0.accuracy)) }
                .joined(separator: " ")
        }
        var lines: [String] = []
        if trajectory.count > 1 {
            lines.append("<polyline class=\"trajectory\" points=\"\(polyline(trajectory))\" fill=\"none\" stroke=\"#9e9e9e\" stroke-width=\"1.2\"/>")
        }
        for series in series {
            lines.append("<g class=\"series\" fill=\"\(series.color)\">")
            if series.isJoined && series.points.count > 1 {
                lines.append("<polyline points=\"\(polyline(series.points, dodge: series.dodge))\" fill=\"none\" stroke=\"\(series.color)\" stroke-width=\"1.5\"/>")
            }
            for (point, spread) in zip(series.points, series.spreads) {
                guard let spread, spread > 0 else { continue }
                let x = frame.x(sparsity: point.sparsity) + series.dodge
                let top = frame.y(accuracy: point.accuracy + spread), bottom = frame.y(accuracy: point.accuracy - spread)
                lines.append("<path class=\"error-bar\" d=\"M\(Self.format(x)) \(Self.format(top))V\(Self.format(bottom))"
                             + "M\(Self.format(x - 4)) \(Self.format(top))H\(Self.format(x + 4))M\(Self.format(x - 4)) \(Self.format(bottom))"
                             + "H\(Self.format(x + 4))\" stroke=\"\(series.color)\" stroke-width=\"1.2\" fill=\"none\"/>")
            }
            for point in series.points {
                let step = point.step.map { "step \($0): " } ?? ""
                let tooltip = step + Self.percent(point.sparsity, digits: 1) + " sparsity, " + Self.percent(point.accuracy, digits: 2)
                lines.append(series.mark.element(x: frame.x(sparsity: point.sparsity) + series.dodge, y: frame.y(accuracy: point.accuracy),
                                                 attributes: "class=\"point\" stroke=\"#ffffff\" stroke-width=\"1\"",
                                                 content: "<title>\(tooltip)</title>"))
            }
            lines.append("</g>")
        }
        return lines
    }

    private func kneeMark(_ frame: Frame) -> [String] {
        guard let knee else { return [] }
        let x = frame.x(sparsity: knee.sparsity), y = frame.y(accuracy: knee.accuracy)
        // The label goes on the side with more room, and stays below the legend.
        let onRight = x < (Self.plotLeft + Self.plotRight) / 2
        let label = "knee: " + Self.percent(knee.sparsity, digits: Self.sparsityDigits(knee.sparsity)) + " sparsity, "
            + Self.percent(knee.accuracy, digits: 1)
        return [
            "<g class=\"knee\">",
            "<circle cx=\(Self.q(x)) cy=\(Self.q(y)) r=\"8\" fill=\"none\" stroke=\"#d84315\" stroke-width=\"2\"/>",
            "<text class=\"knee-label\" x=\(Self.q(onRight ? x + 12 : x - 12)) y=\(Self.q(max(y - 12, Self.plotTop + 12))) "
                + "text-anchor=\"\(onRight ? "start" : "end")\" fill=\"#d84315\" font-weight=\"bold\">\(label)</text>",
            "</g>",
        ]
    }

    private var legend: [String] {
        var lines = ["<g class=\"legend\">"]
        var x = Self.plotLeft
        for series in series {
            lines.append(series.mark.element(x: x + 5, y: 50, attributes: "class=\"legend-marker\" fill=\"\(series.color)\""))
            lines.append("<text x=\(Self.q(x + 14)) y=\"54\" fill=\"#424242\">\(Self.escaped(series.label))</text>")
            // Helvetica at 12 px averages under 7 px a character.
            x += 14 + Double(series.label.count) * 7 + 24
        }
        return lines + ["</g>"]
    }

    // MARK: - Formatting

    /// Enough decimals to tell 99.9% from 99.99%: one, more beyond 99.9%.
    static func sparsityDigits(_ sparsity: Double) -> Int {
        max(1, Int((-log10(max(1 - sparsity, 1e-6)) - 1e-9).rounded(.up)) - 2)
    }

    static func percent(_ fraction: Double, digits: Int) -> String {
        String(format: "%.\(digits)f%%", fraction * 100)
    }

    /// A coordinate with one decimal.
    static func format(_ value: Double) -> String {
        let text = String(format: "%.1f", value)
        return text == "-0.0" ? "0.0" : text
    }

    /// A coordinate as a quoted attribute value.
    private static func q(_ value: Double) -> String { "\"" + format(value) + "\"" }

    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
