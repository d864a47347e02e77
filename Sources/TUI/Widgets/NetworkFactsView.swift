import DashboardModel
import Foundation
import Metrics
import Training

/// What the engine computes about the network and the method that no other panel shows,
/// in the Speedup panel's spare rows when it has them (the 160-column layout):
///
///     NETWORK
///       effective sparsity 98.3%
///       dead units 12 of 410
///       other ops 1.2M per sample
///       mask churn 1,204 weights at step 3,627
///       worst class 6: 61.0%
///       best class 1: 97.2%
///     DROPBACK
///       tracked 10,650, compression 25, entered 0
///
/// Effective sparsity counts weights that cannot reach an output (Hoefler et al. 2021,
/// arXiv:2102.00554, §2.4.1); dead units have no live weight in or out. Other ops are the
/// forward arithmetic the MAC counts leave out (batch norm, ReLU, pooling, residual and
/// bias adds), dense: masks do not remove them. Churn is the
/// engine's count of masks changed by the last update. The per-class line is there because
/// pruning can cost a few classes much while the mean barely moves (Hooker et al. 2019,
/// arXiv:1911.05248). The method's own statistics follow under its name.
public struct NetworkFactsView: Widget {
    public var frame: DashboardFrame
    public var snapshot: TrainingSnapshot

    public init(frame: DashboardFrame, snapshot: TrainingSnapshot) {
        self.frame = frame
        self.snapshot = snapshot
    }

    public static func lines(frame: DashboardFrame, snapshot: TrainingSnapshot, width: Int) -> [(text: String, isHeading: Bool)] {
        var result: [(String, Bool)] = [("NETWORK", true)]
        let percent = { (value: Double) in String(format: "%.1f%%", value * 100) }
        if let analysis = frame.analysis {
            result.append(("  effective sparsity \(percent(analysis.effectiveSparsity))", false))
            let units = analysis.layers.reduce(0) { $0 + $1.unitCount }
            result.append(("  dead units \(Format.grouped(analysis.deadUnitCount)) of \(Format.grouped(units))", false))
        }
        if frame.otherOperationsPerSample > 0 {
            result.append(("  other ops \(WidgetNumberFormat.macs(Double(frame.otherOperationsPerSample))) per sample", false))
        }
        if let step = snapshot.sparsity.lastUpdateStep {
            result.append(("  mask churn \(Format.grouped(snapshot.sparsity.lastMaskChurn)) at step \(Format.grouped(step))", false))
        }
        let classes = frame.classAccuracy.compactMap { entry in entry.accuracy.map { (entry.label, $0) } }
        if let worst = classes.min(by: { $0.1 < $1.1 }), let best = classes.max(by: { $0.1 < $1.1 }) {
            result.append(("  worst class \(worst.0): \(percent(worst.1))", false))
            result.append(("  best class \(best.0): \(percent(best.1))", false))
        }
        let statistics = snapshot.sparsity.statistics.map { "\($0.name) \(value($0.value))" }
        if !statistics.isEmpty {
            result.append((snapshot.sparsity.method.uppercased() + (snapshot.sparsity.variantLabel.map { ", \($0)" } ?? ""), true))
            var line = " "
            for item in statistics {
                if line.count > 1, line.count + item.count + 2 > width {
                    result.append((line, false))
                    line = " "
                }
                line += (line.count > 1 ? ", " : " ") + item
            }
            result.append((line, false))
        }
        return result
    }

    /// Draws the lines that fit into `rect`, from the top; nothing when even the
    /// heading and one fact do not.
    public func render(into screen: inout Screen, area rect: Rect, theme: Theme, glyphs: Glyphs) {
        let all = Self.lines(frame: frame, snapshot: snapshot, width: rect.width)
        guard rect.height >= 2, rect.width >= 12 else { return }
        for (row, line) in all.prefix(rect.height).enumerated() {
            screen.put(line.text, x: rect.x, y: rect.y + row, style: theme.style(line.isHeading ? .title : .foreground, bold: line.isHeading),
                       clip: rect)
        }
    }

    /// 1,204; 25; 0.37; inf.
    static func value(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "n/a" : "inf" }
        return value == value.rounded() && abs(value) < 1e15 ? Format.grouped(Int(value)) : String(format: "%.3g", value)
    }
}
