import Metrics
import Training

/// Everything the dashboard's panels show, computed from one snapshot.
public struct DashboardFrame {
    public var analysis: NetworkAnalysis?
    public var histograms: [String: WeightHistogram]
    /// The histograms bin DropBack's distance from initialisation |w - w0|, not w.
    public var histogramsShowDistance: Bool
    public var heatmaps: [String: HeatmapGrid]
    public var inputMap: InputConnectionMap?
    public var churn: MaskChurn?
    /// Whole-model storage cost of each format at 32-bit values, and the cheapest.
    public var storage: [StorageCost]
    public var cheapestStorage: StorageCost
    /// Multiply-adds of one training step and one inference, per sample, as the network
    /// computes them now (`FLOPModel.measuredDensities(_:snapshot:)`).
    public var flops: NetworkFLOPs
    /// Training multiply-adds of the whole run so far, dense-equivalent and actual.
    public var cumulativeFLOPs: NetworkFLOPs
    /// Labelled an estimate everywhere it is shown: SWAT's simulated accelerator (Table 6),
    /// skipping only the operands the method sparsifies.
    public var acceleratorEstimate: SpeedupEstimate
    public var activationSparsity: Double
    /// Per-class test accuracy at the last evaluation (empty before one).
    public var classAccuracy: [ClassAccuracy]
    /// Forward arithmetic per sample outside the multiply-accumulates: batch norm, ReLU,
    /// pooling, residual adds, bias adds (`NetworkDescription.LayerDescription.elementOperations`);
    /// the FLOP model counts MACs only, as SWAT's tables do.
    public var otherOperationsPerSample = 0

    public static func make(_ snapshot: TrainingSnapshot, context: inout DashboardFrameContext) -> DashboardFrame {
        let prunable = snapshot.layers.filter(\.isPrunable)
        var histograms: [String: WeightHistogram] = [:]
        var heatmaps: [String: HeatmapGrid] = [:]
        let showsDistance = snapshot.sparsity.maskedWeights == .heldAtInitialValues
        for layer in prunable {
            if showsDistance, let initial = context.initialWeights[layer.name], initial.count == layer.weights.count {
                let key = layer.name + " |w-w0|"
                var range = context.histogramRanges[key] ?? StableHistogramRange(layout: .nonNegative)
                histograms[layer.name] = WeightHistogram.distanceFromInitialisation(
                    of: layer, initial: initial, binCount: context.histogramBins, range: &range)
                context.histogramRanges[key] = range
            } else {
                var range = context.histogramRanges[layer.name] ?? StableHistogramRange()
                histograms[layer.name] = WeightHistogram.weights(of: layer, binCount: context.histogramBins, range: &range)
                context.histogramRanges[layer.name] = range
            }
            heatmaps[layer.name] = HeatmapGrid(layer: layer, rows: context.heatmapRows, columns: context.heatmapColumns)
        }
        let activations = snapshot.activationZeros.map {
            ActivationSparsity(name: $0.layer, elementCount: $0.elements, zeroCount: $0.zeros)
        }
        let flops = FLOPModel.network(context.shapes, densities: FLOPModel.measuredDensities(context.shapes, snapshot: snapshot))
        let computedWeights = prunable.reduce(0) { $0 + $1.computedNonzeroCount }, weightCount = prunable.reduce(0) { $0 + $1.parameterCount }
        let computedSparsity = weightCount == 0 ? 0 : 1 - Double(computedWeights) / Double(weightCount)
        let storage = StorageFormats.modelCosts(prunable.map(SparseTensorExtent.init), valueBits: 32)
        context.takeEvaluations(snapshot)
        let churn = context.previous.map { MaskChurn.network(MaskChurn.layers(from: $0.layers, to: snapshot.layers)) }
        context.previous = snapshot
        return DashboardFrame(
            analysis: try? NetworkAnalysis(layers: prunable, links: context.unitLinks),
            histograms: histograms,
            histogramsShowDistance: showsDistance,
            heatmaps: heatmaps,
            inputMap: prunable.first.flatMap { InputConnectionMap(firstLayer: $0, imageShape: context.imageShape) },
            churn: churn,
            storage: storage,
            cheapestStorage: StorageFormats.cheapest(storage),
            flops: flops,
            cumulativeFLOPs: FLOPModel.cumulative(context.shapes, ledger: snapshot.compute, names: prunable.map(\.name)),
            acceleratorEstimate: AcceleratorEstimate.estimate(
                .sparseAccelerator(sparsity: computedSparsity, operands: snapshot.sparsity.operands), flops: flops),
            activationSparsity: ActivationSparsity.networkAverage(activations),
            classAccuracy: snapshot.testPredictions.isEmpty ? [] : ClassAccuracy.perClass(
                labels: snapshot.testLabels.map(Int.init), predictions: snapshot.testPredictions.map(Int.init),
                classCount: Int(snapshot.testLabels.max() ?? 0) + 1),
            otherOperationsPerSample: context.network.elementOperations)
    }
}
