import Training

/// Global magnitude pruning of a snapshot, for benchmarks that need masks at a chosen
/// sparsity: one ranking of |w| over all prunable tensors, keeping the largest
/// round((1 - sparsity) x total) (ties to the lower position, as `MaskSelection` breaks them).
/// Magnitude pruning, global selection (Hoefler et al. 2021, arXiv:2102.00554, §3.2 and §3.9); one
/// threshold lets layers end at different sparsities (the wide first layer of lenet300, with
/// the smallest initial scale, is pruned hardest).
public enum GlobalMagnitudeMasks {
    /// `layers` with every prunable tensor's mask replaced and its non-zero count updated.
    /// Already-masked weights rank by their masked value (zero).
    public static func prune(_ layers: [LayerSnapshot], sparsity: Double) -> [LayerSnapshot] {
        let prunable = layers.indices.filter { layers[$0].isPrunable }
        let magnitudes = prunable.flatMap { index in
            let layer = layers[index]
            return layer.mask.map { mask in zip(layer.weights, mask).map { $1 != 0 ? abs($0) : 0 } } ?? layer.weights.map(abs)
        }
        let keep = MaskSelection.keepCount(count: magnitudes.count, sparsity: sparsity)
        let flatMask = MaskSelection.mask(scores: magnitudes, keep: keep)
        var result = layers
        var offset = 0
        for index in prunable {
            let count = layers[index].weights.count
            let mask = Array(flatMask[offset..<(offset + count)])
            offset += count
            // As the engine leaves a pruned tensor: masked weights at zero.
            result[index].mask = mask
            result[index].weights = zip(layers[index].weights, mask).map { $1 != 0 ? $0 : 0 }
            result[index].nonzeroCount = result[index].weights.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
            result[index].computedNonzeroCount = result[index].nonzeroCount
        }
        return result
    }
}
