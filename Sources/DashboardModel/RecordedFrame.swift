import Metrics
import Foundation
import Training

/// What the dashboard's panels need from one evaluation, small enough to log: heatmap
/// grids at a fixed resolution, histograms, the input-pixel map, FLOPs, the speedup
/// estimate and storage. A run log carries one per evaluation, so `prunetop replay` draws
/// the same panels without the weights.
public struct RecordedFrame: Sendable, Equatable, Codable {
    public var heatmaps: [String: HeatmapGrid]
    public var histograms: [String: WeightHistogram]
    public var histogramsShowDistance: Bool
    public var inputMap: InputConnectionMap?
    public var flops: NetworkFLOPs
    /// The run's training MACs so far (absent from logs written before it was recorded).
    public var cumulativeFLOPs: NetworkFLOPs?
    public var cheapestStorage: StorageCost
    public var acceleratorEstimate: SpeedupEstimate
    public var activationSparsity: Double

    /// Grids are recorded at this size; the heatmap view pools or stretches them to fit.
    public static let heatmapRows = 24
    public static let heatmapColumns = 64

    public init(_ frame: DashboardFrame) {
        heatmaps = frame.heatmaps
        histograms = frame.histograms
        histogramsShowDistance = frame.histogramsShowDistance
        inputMap = frame.inputMap
        flops = frame.flops
        cumulativeFLOPs = frame.cumulativeFLOPs
        cheapestStorage = frame.cheapestStorage
        acceleratorEstimate = frame.acceleratorEstimate
        activationSparsity = frame.activationSparsity
    }

    /// Records an evaluation's panels, with `context` keeping the histogram ranges stable
    /// across the run as the dashboard does.
    public static func record(_ snapshot: TrainingSnapshot, context: inout DashboardFrameContext) -> RecordedFrame {
        context.heatmapRows = heatmapRows
        context.heatmapColumns = heatmapColumns
        return RecordedFrame(DashboardFrame.make(snapshot, context: &context))
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(self)) ?? Data("null".utf8), as: UTF8.self)
    }

    /// What is wrong with a frame read from a run log, or nil when the panels can draw it:
    /// every grid, histogram and input map holds as many values as its size says, counts are
    /// non-negative (and small enough to add up), sums and ratios finite and non-negative.
    public var consistencyProblem: String? {
        let largest = 1 << 40  // counts beyond this are not weights of a network trained here
        func cells(_ rows: Int, _ columns: Int) -> Int? {
            guard rows >= 0, columns >= 0 else { return nil }
            let (product, overflow) = rows.multipliedReportingOverflow(by: columns)
            return overflow || product > largest ? nil : product
        }
        func isCount(_ value: Int) -> Bool { (0...largest).contains(value) }
        func isAmount(_ value: Double) -> Bool { value.isFinite && value >= 0 }
        for (name, grid) in heatmaps.sorted(by: { $0.key < $1.key }) {
            guard let count = cells(grid.rows, grid.columns),
                  [grid.weightCount.count, grid.keptCount.count, grid.keptMagnitudeSum.count, grid.magnitudeSum.count]
                    .allSatisfy({ $0 == count })
            else { return "heatmap \(name): \(grid.rows)x\(grid.columns) cells do not match its values" }
            guard zip(grid.weightCount, grid.keptCount).allSatisfy({ isCount($0) && (0...$0).contains($1) }),
                  grid.keptMagnitudeSum.allSatisfy(isAmount), grid.magnitudeSum.allSatisfy(isAmount)
            else { return "heatmap \(name): expected counts from 0 to the cell's weights and finite magnitudes >= 0" }
        }
        for (name, histogram) in histograms.sorted(by: { $0.key < $1.key }) {
            guard !histogram.kept.isEmpty, histogram.kept.count == histogram.pruned.count else {
                return "histogram \(name): expected as many kept as pruned counts, at least one bin"
            }
            guard histogram.lowerBound.isFinite, histogram.upperBound.isFinite, histogram.lowerBound < histogram.upperBound,
                  (histogram.upperBound - histogram.lowerBound).isFinite
            else { return "histogram \(name): expected finite bounds, lower below upper" }
            guard (histogram.kept + histogram.pruned + [histogram.outOfRange, histogram.nonFinite]).allSatisfy(isCount) else {
                return "histogram \(name): expected counts >= 0"
            }
        }
        if let map = inputMap {
            guard let count = cells(map.rows, map.columns), map.counts.count == count,
                  map.counts.allSatisfy(isCount), isCount(map.maximum)
            else { return "input map: \(map.rows)x\(map.columns) pixels do not match its counts" }
        }
        let macs = [flops, cumulativeFLOPs].compactMap { $0 }.flatMap { [$0.dense, $0.sparse] + $0.layers.flatMap { [$0.dense, $0.sparse] } }
        guard macs.allSatisfy({ isAmount($0.forward) && isAmount($0.backwardInput) && isAmount($0.backwardWeight) }) else {
            return "flops: expected finite counts >= 0"
        }
        guard isCount(cheapestStorage.bits), isAmount(cheapestStorage.compressionRatio) else {
            return "cheapestStorage: expected finite sizes >= 0"
        }
        guard [acceleratorEstimate.forward, acceleratorEstimate.backward, acceleratorEstimate.training].allSatisfy(isAmount) else {
            return "acceleratorEstimate: expected finite speedups >= 0"
        }
        guard (0...1).contains(activationSparsity) else { return "activationSparsity: expected a number in [0, 1]" }
        return nil
    }

    public var dashboardFrame: DashboardFrame {
        DashboardFrame(analysis: nil, histograms: histograms, histogramsShowDistance: histogramsShowDistance, heatmaps: heatmaps,
                       inputMap: inputMap, churn: nil, storage: [cheapestStorage], cheapestStorage: cheapestStorage, flops: flops,
                       cumulativeFLOPs: cumulativeFLOPs ?? NetworkFLOPs(layers: [], dense: .zero, sparse: .zero),
                       acceleratorEstimate: acceleratorEstimate, activationSparsity: activationSparsity, classAccuracy: [])
    }
}
