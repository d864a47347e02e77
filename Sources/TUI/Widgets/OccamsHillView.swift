import DashboardModel
import Foundation
import Metrics

/// Test accuracy (or error) against sparsity: Occam's hill.
///
/// X axis: logarithmic in density, x = log10(1 / (1 - sparsity)) over `decades` decades,
/// so 0%, 90%, 99% (and 99.9% when a point needs it) are evenly spaced: the interesting
/// part of a pruning curve, 90% to 99%, gets as much room as 0% to 90%. Two decades by
/// default, up to four when points go beyond 99%; ticks are labelled at each decade.
///
/// Y axis: accuracy (error with `showsError`), fitted to the points, the dense baseline
/// and the region boundaries, labelled top and bottom on the left.
///
/// Regions depend on accuracy only, so they are horizontal bands: each plot row gets the
/// region of the accuracy at its centre, shown as a band of letters A/B/C (in the
/// `.regionA/B/C` colours) left of the plot and, in colour themes, a faint tint of that
/// colour behind the row; there are no bands, knee or slack until the hill has a converged
/// baseline (`OccamsHill.baseline`). The dense baseline is a horizontal line in `.baseline`;
/// this run's settled points (dense, or fine-tuned at a fixed sparsity) are `●` and its
/// points taken while the mask was still moving `○`, joined in step order by a braille
/// line in `.accuracy`; other runs' points (sweeps, earlier runs) are `◆` in `.highlight`
/// (several runs: `◆ ■ ▲ ▼ ★`, named in the legend), a sweep's cell means joined per
/// group by a braille line with a vertical error bar of ± one standard deviation;
/// the knee is `◉` in `.warning`, bold. ASCII: `*`, `o`, `+`, `@`. The caption gives the
/// baseline and where it came from, or why there is none yet, and the knee's sparsity; a
/// tall panel names the marks and the x axis in a legend on its last row.
public struct OccamsHillView: Widget {
    public var hill: OccamsHill
    public var showsError: Bool

    public init(hill: OccamsHill, showsError: Bool = false) {
        self.hill = hill
        self.showsError = showsError
    }

    public static let liveRunID = DashboardFrameContext.liveRunID

    public func render(into screen: inout Screen, area rect: Rect, theme: Theme, glyphs: Glyphs) {
        let area = rect.intersection(screen.bounds)
        guard !area.isEmpty else { return }
        screen.put(Self.caption(hill: hill, showsError: showsError, width: area.width), x: area.x, y: area.y, style: theme.style(.title),
                   clip: area)
        let tickRows = area.height >= 4 ? 1 : 0
        // A tall panel (the 160-column layout) keeps its last row for a legend of the marks.
        let legendRows = area.height >= Self.legendMinimumHeight ? 1 : 0
        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1 - tickRows - legendRows)
        guard !body.isEmpty else { return }
        if legendRows == 1 {
            Self.drawLegend(into: &screen, row: Rect(x: area.x, y: area.maxY - 1, width: area.width, height: 1), hill: hill,
                            theme: theme, glyphs: glyphs)
        }

        func shown(_ accuracy: Double) -> Double { showsError ? 1 - accuracy : accuracy }
        let range = Self.valueRange(hill: hill, showsError: showsError)
        let top = WidgetNumberFormat.percent(range.upperBound), bottom = WidgetNumberFormat.percent(range.lowerBound)
        let labelWidth = max(top.count, bottom.count)
        let showsLabels = body.width >= labelWidth + 7 && body.height >= 2
        let bandX = showsLabels ? body.x + labelWidth + 1 : body.x
        let plot = Rect(x: bandX + 1, y: body.y, width: body.maxX - bandX - 1, height: body.height)
        if showsLabels {
            let style = theme.style(.inactive)
            screen.put(top, x: bandX - 1 - top.count, y: body.y, style: style, clip: body)
            if body.height >= 2 { screen.put(bottom, x: bandX - 1 - bottom.count, y: body.maxY - 1, style: style, clip: body) }
        }

        // Region bands.
        let span = range.upperBound - range.lowerBound
        func value(atRow row: Int) -> Double { range.upperBound - (Double(row) + 0.5) / Double(body.height) * span }
        for row in 0..<body.height {
            guard let region = hill.region(ofAccuracy: shown(value(atRow: row))) else { continue }
            let role = Self.regionRole(region)
            screen[bandX, body.y + row] = Cell(Character(region.rawValue), style: theme.style(role, bold: true))
            if let tint = theme.color(role), !plot.isEmpty {
                let background = (theme.color(.background) ?? Color(0, 0, 0)).mixed(with: tint, 0.15)
                screen.style(Rect(x: plot.x, y: body.y + row, width: plot.width, height: 1)) { $0.background = background }
            }
        }
        guard !plot.isEmpty else { return }

        let decades = SparsityAxis.decades(for: hill.points.map(\.sparsity))
        if tickRows == 1 {
            Self.drawTicks(into: &screen, y: area.maxY - 1 - legendRows, plot: plot, clip: area, decades: decades, theme: theme)
        }

        var canvas = BrailleCanvas(width: plot.width, height: plot.height)
        func pixel(_ point: HillPoint) -> (x: Int, y: Int) {
            (Int((SparsityAxis.position(sparsity: point.sparsity, decades: decades) * Double(canvas.pixelWidth - 1)).rounded()),
             Int(((range.upperBound - shown(point.accuracy)) / span * Double(canvas.pixelHeight - 1)).rounded()))
        }
        if let baseline = hill.denseBaseline {
            let y = plot.y + Int(((range.upperBound - shown(baseline)) / span * Double(canvas.pixelHeight - 1)).rounded()) / 4
            for x in plot.x..<plot.maxX {
                var style = screen[x, y].style
                style.foreground = theme.color(.baseline)
                style.dim = theme.isMonochrome
                screen[x, y] = Cell(glyphs.horizontal, style: style)
            }
        }
        let live = hill.curve(run: Self.liveRunID)
        for (from, to) in zip(live, live.dropFirst()) { canvas.line(from: pixel(from), to: pixel(to), color: theme.color(.accuracy)) }
        // A sweep's cells (means over seeds): each group's hill joined, each mean with an
        // error bar of ± one standard deviation.
        let others = Self.otherRuns(hill)
        for run in others {
            let curve = hill.curve(run: run).filter { $0.spread != nil }
            for (from, to) in zip(curve, curve.dropFirst()) { canvas.line(from: pixel(from), to: pixel(to), color: theme.color(.highlight)) }
            for point in curve {
                guard let spread = point.spread, spread > 0 else { continue }
                var high = point, low = point
                (high.accuracy, low.accuracy) = (point.accuracy + spread, point.accuracy - spread)
                canvas.line(from: pixel(high), to: pixel(low), color: theme.color(.highlight))
            }
        }
        canvas.draw(into: &screen, x: plot.x, y: plot.y, clip: plot, glyphs: glyphs)

        func mark(_ point: HillPoint, _ symbol: Character, _ role: Theme.Role, bold: Bool = false) {
            let p = pixel(point), (x, y) = (plot.x + p.x / 2, plot.y + p.y / 4)
            guard plot.contains(x: x, y: y) else { return }
            var style = screen[x, y].style
            style.foreground = theme.color(role)
            style.bold = bold
            screen[x, y] = Cell(symbol, style: style)
        }
        for point in hill.points where point.runID != Self.liveRunID {
            mark(point, Self.otherRunMark(others.firstIndex(of: point.runID) ?? 0, glyphs: glyphs), .highlight)
        }
        for point in live {
            let settled = point.phase != .afterPruning
            mark(point, settled ? (glyphs.isUnicode ? "●" : "*") : (glyphs.isUnicode ? "○" : "o"), .accuracy)
        }
        if let knee = hill.knee { mark(knee, glyphs.isUnicode ? "◉" : "@", .warning, bold: true) }
    }

    /// The other runs (overlaid sweeps' groups, earlier runs), in the order of their first point.
    static func otherRuns(_ hill: OccamsHill) -> [String] {
        var runs: [String] = []
        for point in hill.points where point.runID != liveRunID && !runs.contains(point.runID) { runs.append(point.runID) }
        return runs
    }

    /// Each other run's mark: ◆ ■ ▲ ▼ ★ (ASCII + # ^ v %), then again.
    static func otherRunMark(_ index: Int, glyphs: Glyphs) -> Character {
        let marks: [Character] = glyphs.isUnicode ? ["◆", "■", "▲", "▼", "★"] : ["+", "#", "^", "v", "%"]
        return marks[index % marks.count]
    }

    /// From this many rows the panel has a legend row.
    static let legendMinimumHeight = 14

    /// "● settled ○ moving ◉ knee ◆ other runs  x: sparsity (log density)", each mark in its
    /// colour, the knee and other runs only when shown; with several other runs (a grid
    /// sweep's groups) their marks and names come first; the axis note when it fits.
    static func drawLegend(into screen: inout Screen, row: Rect, hill: OccamsHill, theme: Theme, glyphs: Glyphs) {
        let u = glyphs.isUnicode
        var entries: [(String, Theme.Role)] = [("\(u ? "●" : "*") settled", .accuracy), ("\(u ? "○" : "o") moving", .accuracy)]
        if hill.knee != nil { entries.append(("\(u ? "◉" : "@") knee", .warning)) }
        let others = otherRuns(hill)
        if others.count == 1 { entries.append(("\(u ? "◆" : "+") other runs", .highlight)) }
        if others.count > 1 {
            entries = others.enumerated().map { ("\(otherRunMark($0.offset, glyphs: glyphs)) \($0.element)", .highlight) } + entries
        }
        var x = row.x
        for (text, role) in entries where x + text.count <= row.maxX {
            x = screen.put(text, x: x, y: row.y, style: theme.style(role), clip: row) + 1
        }
        for note in ["  x: sparsity, log density", "  x: log density"] where x + note.count <= row.maxX {
            screen.put(note, x: x - 1, y: row.y, style: theme.style(.inactive), clip: row)
            break
        }
    }

    /// "acc  base 89.1% dense 4ep  knee 93.2%" (or "err ..."); without a baseline, why:
    /// "acc  no baseline: dense phase under way". In `width` columns the longest form that
    /// fits: the baseline's source goes first, then the gaps and decimals.
    public static func caption(hill: OccamsHill, showsError: Bool, width: Int = .max) -> String {
        let axis = showsError ? "err" : "acc"
        guard let baseline = hill.baseline else {
            let reason = hill.missingBaselineReason ?? "none given (--baseline)"
            // Never cut: the reason without its parenthesis, then no reason.
            let plain = reason.components(separatedBy: " (").first ?? reason
            let forms = [axis + "  no baseline: " + reason, axis + " no base: " + reason, axis + " no base: " + plain,
                         axis + "  no baseline yet"]
            return forms.first { $0.count <= width } ?? forms.last!
        }
        let base = WidgetNumberFormat.percent(showsError ? 1 - baseline.accuracy : baseline.accuracy)
        let knee = hill.knee.map { WidgetNumberFormat.percent($0.sparsity) }
        let kneeShort = hill.knee.map { WidgetNumberFormat.percent($0.sparsity, digits: 0) }
        let forms = [
            "\(axis)  base \(base) \(baseline.label)" + (knee.map { "  knee \($0)" } ?? ""),
            "\(axis) base \(base) \(baseline.label)" + (knee.map { " knee \($0)" } ?? ""),
            "\(axis)  base \(base)" + (knee.map { "  knee \($0)" } ?? ""),
            "\(axis) base \(base)" + (kneeShort.map { " knee \($0)" } ?? ""),
            "base \(base)" + (kneeShort.map { " knee \($0)" } ?? ""),
        ]
        return forms.first { $0.count <= width } ?? forms.last!
    }

    /// The y range: every point, the baseline and the region boundaries, padded by a tenth.
    static func valueRange(hill: OccamsHill, showsError: Bool) -> ClosedRange<Double> {
        var values = hill.points.flatMap { point in [point.accuracy] + (point.spread.map { [point.accuracy - $0, point.accuracy + $0] } ?? []) }
            .filter(\.isFinite)
        if let baseline = hill.denseBaseline {
            values += [baseline, baseline + hill.noiseMargin, baseline * (1 - hill.budget)]
        }
        if showsError { values = values.map { 1 - $0 } }
        guard let low = values.min(), let high = values.max() else { return 0...1 }
        let pad = max((high - low) * 0.1, 0.005)
        return max(low - pad, 0)...min(high + pad, 1)
    }

    private static func regionRole(_ region: HillRegion) -> Theme.Role {
        switch region {
        case .a: .regionA
        case .b: .regionB
        case .c: .regionC
        }
    }

    private static func drawTicks(into screen: inout Screen, y: Int, plot: Rect, clip: Rect, decades: Int, theme: Theme) {
        let style = theme.style(.inactive)
        var free = plot.x
        for decade in 0...decades {
            let label = decade == 0 ? "0" : WidgetNumberFormat.percent(1 - pow(10, -Double(decade)), digits: max(decade - 2, 0))
            let at = plot.x + Int((Double(decade) / Double(decades) * Double(plot.width - 1)).rounded())
            let start = min(max(at - label.count / 2, free), plot.maxX - label.count)
            guard start >= free else { continue }
            free = screen.put(label, x: start, y: y, style: style, clip: clip) + 1
        }
    }
}
