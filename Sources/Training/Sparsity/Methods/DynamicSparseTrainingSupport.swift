/// Machinery shared by the drop-and-grow methods (SET, RigL): setting up the sparse
/// mask, and one layer's drop-by-magnitude / grow-by-score update with a constant
/// number of active weights.
enum DynamicSparseTraining {
    /// Number of active (mask 1) weights of each prunable tensor.
    static func activeCounts(_ engine: SparsityEngine) -> [Int] {
        engine.masks.map { mask in mask.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
    }

    /// Brings the masks to `sparsity` under the current budget.
    ///
    /// At the start of a run (step 0, dense masks) the mask is random within each layer's
    /// budget, as both SET and RigL start from a random sparse network. Otherwise (a live
    /// switch to the method, or a changed target or budget) the active weights with the
    /// largest |w| are kept first, and if the new budget needs more weights, inactive ones
    /// are added at random (at zero, as masked weights already are). A mask that already
    /// meets the budget is left alone.
    static func establish(_ engine: SparsityEngine, sparsity: Double) {
        let fresh = engine.step == 0 && engine.masks.allSatisfy { $0.allSatisfy { $0 != 0 } }
        let scores: [[Float]]
        if fresh {
            scores = engine.masks.map { mask in mask.map { _ in engine.generator.nextUnitFloat() } }
        } else {
            // Active weights score in [1, 2) ordered by |w|, inactive ones in [0, 1) at random.
            let largest = engine.prunable.indices.reduce(Float(0)) { result, l in
                zip(engine.prunable[l].value, engine.masks[l]).reduce(result) { $1.1 != 0 ? max($0, abs($1.0)) : $0 }
            }
            let scale: Float = largest > 0 && largest.isFinite ? 1 / (largest * 1.0001) : 0
            scores = engine.prunable.indices.map { l in
                let weights = engine.prunable[l].value
                return engine.masks[l].indices.map { i in
                    engine.masks[l][i] != 0 ? 1 + min(abs(weights[i]) * scale, 0x1.fffffep-1)
                                            : engine.generator.nextUnitFloat()
                }
            }
        }
        let masks = engine.masks(forScores: scores, sparsity: sparsity)
        if masks != engine.masks { engine.setMasks(masks) }
    }

    /// Indices of the `count` active weights of smallest |w| (ties: lower index first).
    static func smallestActive(mask: [Float], weights: [Float], count: Int) -> [Int] {
        guard count > 0 else { return [] }
        var positions: [Int] = []
        var scores: [Float] = []
        for i in mask.indices where mask[i] != 0 {
            positions.append(i)
            scores.append(-abs(weights[i]))
        }
        return MaskSelection.topIndices(scores, keep: count).map { positions[$0] }
    }

    /// Positions whose mask is 0 in `mask` apart from `dropped`, i.e. inactive once the
    /// drop is done: the candidates for growth (a weight dropped in this update is one).
    static func growthCandidates(mask: [Float], dropped: [Int]) -> [Int] {
        var kept = mask
        for i in dropped { kept[i] = 0 }
        return kept.indices.filter { kept[$0] == 0 }
    }
}
