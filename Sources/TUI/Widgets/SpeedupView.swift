import Metrics
import Training

/// The Speedup panel: what sparsity would buy on an accelerator (an ESTIMATE, never a
/// measurement), the FLOP-ideal bound, what was measured on this CPU, the FLOP reduction
/// of a step and of the run so far, and the cheapest storage format.
///
/// Lines, top to bottom (long form, or a short form when the long one does not fit):
///
///     ESTIMATE accelerator (weights only): training 1.9×   est. train 1.9×
///       forward 5.6×  backward 1.4×                        fwd 5.6× bwd 1.4×
///       ideal FLOP bound 1.5×                              ideal 1.5×
///     measured here (CPU): 1.8× at step 4,680              CPU 1.8× @4,680
///       batch 1, sparse kernel on 19 of 22 layers          b1 sparse 19/22
///     FLOPs per step −31.2% training, −90.0% inference     step -31%/-90%
///     run so far −27.0%: 1.2 T of 1.6 T training MACs      run -27% of 1.6T
///     storage CSR 1.2 MB, 8.3× smaller                     CSR 1.2 MB 8.3×
///
/// A panel too narrow for the long forms but tall enough stacks each line over a few rows
/// in words ("ESTIMATE, sparse accelerator / skips weights only / training 1.9×").
///
/// The estimate names what it lets the accelerator skip (the method's sparsified operands);
/// past Table 6's last row it reads "≥" that row's figures and says where the table ends. In a short rect lines are dropped by
/// importance, keeping their order: the estimated training speedup first (it carries the
/// ESTIMATE label), then the measured speedup, the ideal bound, storage, the FLOPs of a
/// step, the forward/backward split, the run's total and what the measurement ran.
public struct SpeedupView: Widget {
    public var estimate: SpeedupEstimate
    public var flops: NetworkFLOPs
    public var cumulative: NetworkFLOPs?
    public var measuredCPU: CPUSpeedupReading?
    public var measuredCPUGap: String?
    public var storage: StorageCost

    public init(estimate: SpeedupEstimate, flops: NetworkFLOPs, cumulative: NetworkFLOPs? = nil, measuredCPU: CPUSpeedupReading?,
                measuredCPUGap: String? = nil, storage: StorageCost) {
        self.estimate = estimate
        self.flops = flops
        self.cumulative = cumulative
        self.measuredCPU = measuredCPU
        self.measuredCPUGap = measuredCPUGap
        self.storage = storage
    }

    public func render(into screen: inout Screen, area rect: Rect, theme: Theme, glyphs: Glyphs) {
        let area = rect.intersection(screen.bounds)
        for (row, line) in rows(in: area, glyphs: glyphs).enumerated() {
            screen.put(line.text, x: area.x, y: area.y + row, style: theme.style(line.role, bold: line.bold), clip: area)
        }
    }

    /// The rows it draws in `area`, from the top (the rest of the panel is free).
    public func rowsUsed(in area: Rect, glyphs: Glyphs) -> Int { rows(in: area, glyphs: glyphs).count }

    private func rows(in area: Rect, glyphs: Glyphs) -> [(text: String, role: Theme.Role, bold: Bool)] {
        guard !area.isEmpty else { return [] }
        let all = Self.lines(estimate: estimate, flops: flops, cumulative: cumulative, measuredCPU: measuredCPU,
                             measuredCPUGap: measuredCPUGap, storage: storage, glyphs: glyphs)
        // Tall and narrow (the 160-column layout): every line in its stacked form, in words.
        if all.contains(where: { $0.long.count > area.width }), all.reduce(0, { $0 + $1.stacked.count }) <= area.height,
           all.allSatisfy({ $0.stacked.allSatisfy { $0.count <= area.width } }) {
            return all.flatMap { line in
                line.stacked.enumerated().map { index, text in (text, line.role, line.priority == 0 && index == 0) }
            }
        }
        let chosen = all.enumerated().sorted { $0.element.priority < $1.element.priority }.prefix(area.height)
            .sorted { $0.offset < $1.offset }.map(\.element)
        return chosen.map { line in (line.long.count <= area.width ? line.long : line.short, line.role, line.priority == 0) }
    }

    /// One line of the panel: the lower the priority, the longer it survives.
    public struct Line: Sendable, Equatable {
        public var long: String
        public var short: String
        public var priority: Int
        public var role: Theme.Role
        /// The long form over several rows, for a tall narrow panel.
        public var stacked: [String]
    }

    /// The panel's lines in display order.
    public static func lines(estimate: SpeedupEstimate, flops: NetworkFLOPs, cumulative: NetworkFLOPs? = nil,
                             measuredCPU: CPUSpeedupReading?, measuredCPUGap: String? = nil, storage: StorageCost,
                             glyphs: Glyphs) -> [Line] {
        func factor(_ value: Double) -> String { WidgetNumberFormat.factor(value, glyphs: glyphs) }
        let minus = glyphs.isUnicode ? "−" : "-"
        func cut(_ fraction: Double, digits: Int = 1) -> String {
            let text = WidgetNumberFormat.percent(abs(fraction), digits: digits)
            return (fraction > 0 ? minus : fraction < 0 ? "+" : "") + text
        }
        let measured = measuredCPU.map { factor($0.speedup) } ?? (measuredCPUGap.map { "n/a (\($0))" } ?? "n/a")
        let when = measuredCPU.map { " at step \(Format.grouped($0.step))" } ?? ""
        let whenShort = measuredCPU.map { " @\(Format.grouped($0.step))" } ?? ""
        let size = WidgetNumberFormat.bytes(bits: storage.bits)
        let format = storage.format.label
        let storageLong = storage.format == .dense ? "storage dense \(size)"
            : "storage \(format) \(size), \(factor(storage.compressionRatio)) smaller"
        let storageShort = storage.format == .dense ? "dense \(size)" : "\(format) \(size) \(factor(storage.compressionRatio))"
        let basis = estimate.operands.map { " (\(operandLabel($0)))" } ?? ""
        let basisShort = estimate.operands.map { " " + operandShortLabel($0) } ?? ""
        // Past Table 6 the figures are its last row's: at least that much.
        let beyond = estimate.extrapolated == true
        let atLeast = beyond ? (glyphs.isUnicode ? "≥" : ">=") : ""
        let past = beyond ? " (Table 6 ends at \(Int(100 * AcceleratorEstimate.table6.last!.sparsity))%)" : ""
        let basisWords = estimate.operands.map { $0 == .none ? "  skips nothing" : "  skips \(operandLabel($0))" }
        var result = [
            Line(long: "ESTIMATE accelerator\(basis): training \(atLeast)\(factor(estimate.training))\(past)",
                 short: "est. train \(atLeast)\(factor(estimate.training))\(basisShort)", priority: 0, role: .estimate,
                 stacked: ["ESTIMATE, sparse accelerator"] + (basisWords.map { [$0] } ?? [])
                    + ["  training \(atLeast)\(factor(estimate.training))"]
                    + (beyond ? ["  (Table 6 ends at \(Int(100 * AcceleratorEstimate.table6.last!.sparsity))%)"] : [])),
            Line(long: "  forward \(atLeast)\(factor(estimate.forward))  backward \(atLeast)\(factor(estimate.backward))",
                 short: "fwd \(atLeast)\(factor(estimate.forward)) bwd \(atLeast)\(factor(estimate.backward))", priority: 5, role: .estimate,
                 stacked: ["  forward \(atLeast)\(factor(estimate.forward))  backward \(atLeast)\(factor(estimate.backward))"]),
            Line(long: "  ideal FLOP bound \(factor(flops.idealTrainingSpeedup))",
                 short: "ideal \(factor(flops.idealTrainingSpeedup))", priority: 2, role: .estimate,
                 stacked: ["  ideal FLOP bound \(factor(flops.idealTrainingSpeedup))"]),
            Line(long: "measured here (CPU): \(measured)\(when)", short: "CPU \(measured)\(whenShort)", priority: 1, role: .measured,
                 stacked: ["MEASURED here (CPU)", "  sparse inference \(measured)"] + (measuredCPU.map { ["  on the masks of step \(Format.grouped($0.step))"] } ?? [])),
        ]
        if let measuredCPU {
            // What the figure ran: the batch, and how many layers the plan ran sparse.
            let layers = "\(measuredCPU.sparseLayers) of \(measuredCPU.layers) layers"
            result.append(Line(long: "  batch \(measuredCPU.batch), sparse kernel on \(layers)",
                               short: "b\(measuredCPU.batch) sparse \(measuredCPU.sparseLayers)/\(measuredCPU.layers)", priority: 7, role: .measured,
                               stacked: ["  batch \(measuredCPU.batch), \(measuredCPU.sparseLayers)/\(measuredCPU.layers) layers sparse"]))
        }
        result += [
            Line(long: "FLOPs per step \(cut(flops.trainingReduction)) training, \(cut(flops.inferenceReduction)) inference",
                 short: "step \(cut(flops.trainingReduction, digits: 0))/\(cut(flops.inferenceReduction, digits: 0))",
                 priority: 4, role: .foreground,
                 stacked: ["FLOPs per step", "  training \(cut(flops.trainingReduction))", "  inference \(cut(flops.inferenceReduction))"]),
        ]
        if let cumulative, cumulative.dense.training > 0 {
            let done = WidgetNumberFormat.macs(cumulative.sparse.training), dense = WidgetNumberFormat.macs(cumulative.dense.training)
            result.append(Line(long: "run so far \(cut(cumulative.trainingReduction)): \(done) of \(dense) training MACs",
                               short: "run \(cut(cumulative.trainingReduction, digits: 0)) of \(dense)", priority: 6, role: .foreground,
                               stacked: ["run so far \(cut(cumulative.trainingReduction)) FLOPs", "  \(done) of \(dense) training MACs"]))
        }
        result.append(Line(long: storageLong, short: storageShort, priority: 3, role: .foreground,
                           stacked: storage.format == .dense ? ["storage dense \(size)"]
                               : ["storage \(format) \(size)", "  \(factor(storage.compressionRatio)) smaller than dense"]))
        return result
    }

    /// The same in a few letters: "W", "W+A", "A", "none skipped".
    static func operandShortLabel(_ operands: SparsifiedOperands) -> String {
        switch operands {
        case .weights: "W"
        case .weightsAndActivations: "W+A"
        case .activations: "A"
        case .none: "none skipped"
        }
    }

    /// What the estimate lets the accelerator skip, in the panel's words.
    static func operandLabel(_ operands: SparsifiedOperands) -> String {
        switch operands {
        case .weights: "weights only"
        case .weightsAndActivations: "weights+activations"
        case .activations: "activations only"
        case .none: "nothing skipped"
        }
    }
}
