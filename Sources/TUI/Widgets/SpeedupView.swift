import Metrics

/// The Speedup panel: what sparsity would buy on an accelerator (an ESTIMATE, never a
/// measurement), the FLOP-ideal bound, what was measured on this CPU, the FLOP reduction
/// and the cheapest storage format.
///
/// Lines, top to bottom (long form, or a short form when the long one does not fit):
///
///     ESTIMATE accelerator: training 5.9×        est. train 5.9×
///       forward 5.6×  backward 6.3×              fwd 5.6× bwd 6.3×
///       ideal FLOP bound 10.0×                   ideal 10.0×
///     measured here (CPU): 1.8×                  CPU 1.8×
///     FLOPs −89.5% training, −90.0% inference    FLOPs -90%/-90%
///     storage CSR 1.2 MB, 8.3× smaller           CSR 1.2 MB 8.3×
///
/// In a short rect lines are dropped by importance, keeping their order: the estimated
/// training speedup first (it carries the ESTIMATE label), then the measured speedup, the
/// ideal bound, storage, FLOPs and the forward/backward split.
public enum SpeedupView {
    public static func draw(into screen: inout Screen, rect: Rect, estimate: SpeedupEstimate, flops: NetworkFLOPs,
                            measuredCPUSpeedup: Double?, storage: StorageCost, theme: Theme, glyphs: Glyphs) {
        let area = rect.intersection(screen.bounds)
        guard !area.isEmpty else { return }
        let chosen = lines(estimate: estimate, flops: flops, measuredCPUSpeedup: measuredCPUSpeedup, storage: storage, glyphs: glyphs)
            .enumerated().sorted { $0.element.priority < $1.element.priority }.prefix(area.height)
            .sorted { $0.offset < $1.offset }.map(\.element)
        for (row, line) in chosen.enumerated() {
            let text = line.long.count <= area.width ? line.long : line.short
            let style = theme.style(line.role, bold: line.priority == 0)
            screen.put(text, x: area.x, y: area.y + row, style: style, clip: area)
        }
    }

    /// One line of the panel: the lower the priority, the longer it survives.
    public struct Line: Sendable, Equatable {
        public var long: String
        public var short: String
        public var priority: Int
        public var role: Theme.Role
    }

    /// The panel's lines in display order.
    public static func lines(estimate: SpeedupEstimate, flops: NetworkFLOPs, measuredCPUSpeedup: Double?,
                             storage: StorageCost, glyphs: Glyphs) -> [Line] {
        func factor(_ value: Double) -> String { WidgetNumberFormat.factor(value, glyphs: glyphs) }
        let minus = glyphs.isUnicode ? "−" : "-"
        func cut(_ fraction: Double, digits: Int = 1) -> String {
            let text = WidgetNumberFormat.percent(abs(fraction), digits: digits)
            return (fraction > 0 ? minus : fraction < 0 ? "+" : "") + text
        }
        let measured = measuredCPUSpeedup.map(factor) ?? "n/a"
        let size = WidgetNumberFormat.bytes(bits: storage.bits)
        let format = storage.format.label
        let storageLong = storage.format == .dense ? "storage dense \(size)"
            : "storage \(format) \(size), \(factor(storage.compressionRatio)) smaller"
        let storageShort = storage.format == .dense ? "dense \(size)" : "\(format) \(size) \(factor(storage.compressionRatio))"
        return [
            Line(long: "ESTIMATE accelerator: training \(factor(estimate.training))",
                 short: "est. train \(factor(estimate.training))", priority: 0, role: .estimate),
            Line(long: "  forward \(factor(estimate.forward))  backward \(factor(estimate.backward))",
                 short: "fwd \(factor(estimate.forward)) bwd \(factor(estimate.backward))", priority: 5, role: .estimate),
            Line(long: "  ideal FLOP bound \(factor(flops.idealTrainingSpeedup))",
                 short: "ideal \(factor(flops.idealTrainingSpeedup))", priority: 2, role: .estimate),
            Line(long: "measured here (CPU): \(measured)", short: "CPU \(measured)", priority: 1, role: .measured),
            Line(long: "FLOPs \(cut(flops.trainingReduction)) training, \(cut(flops.inferenceReduction)) inference",
                 short: "FLOPs \(cut(flops.trainingReduction, digits: 0))/\(cut(flops.inferenceReduction, digits: 0))",
                 priority: 4, role: .foreground),
            Line(long: storageLong, short: storageShort, priority: 3, role: .foreground),
        ]
    }
}
