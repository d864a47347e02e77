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
        cheapestStorage = frame.cheapestStorage
        acceleratorEstimate = frame.acceleratorEstimate
        activationSparsity = frame.activationSparsity
    }

    /// Records an evaluation's panels, with `state` keeping the histogram ranges stable
    /// across the run as the dashboard does.
    public static func record(_ snapshot: TrainingSnapshot, state: inout DashboardFrameState) -> RecordedFrame {
        state.heatmapRows = heatmapRows
        state.heatmapColumns = heatmapColumns
        return RecordedFrame(DashboardFrame.make(snapshot, state: &state))
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(self)) ?? Data("null".utf8), as: UTF8.self)
    }

    public var dashboardFrame: DashboardFrame {
        DashboardFrame(analysis: nil, histograms: histograms, histogramsShowDistance: histogramsShowDistance, heatmaps: heatmaps,
                       inputMap: inputMap, churn: nil, storage: [cheapestStorage], cheapestStorage: cheapestStorage, flops: flops,
                       acceleratorEstimate: acceleratorEstimate, activationSparsity: activationSparsity, classAccuracy: [])
    }
}
