/// Helpers shared by the score-based methods of the pruning-at-initialisation family
/// (SNIP, SynFlow, lottery, Taylor).
enum PruningScoreTiers {
    /// Scores for a re-selection in which a pruned weight never outranks a kept one.
    /// Kept weights score `kept` (which must be >= 0); pruned weights score strictly below
    /// zero, ordered by `revival` (higher revives first; -1/r, or -infinity for r = 0 or
    /// no revival score). So raising the target only removes kept weights, and lowering
    /// it revives the pruned weights with the highest revival scores.
    static func tiered(kept: [[Float]], masks: [[Float]], revival: [[Float]]? = nil) -> [[Float]] {
        kept.indices.map { l in
            let mask = masks[l]
            return [Float](unsafeUninitializedCapacity: kept[l].count) { out, initialized in
                kept[l].withUnsafeBufferPointer { score in
                    for i in 0..<score.count {
                        if mask[i] != 0 {
                            out[i] = score[i]
                        } else if let revival, revival[l][i] > 0 {
                            out[i] = -1 / revival[l][i]
                        } else {
                            out[i] = -.infinity
                        }
                    }
                }
                initialized = kept[l].count
            }
        }
    }

    /// |a * b| elementwise, tensor by tensor.
    static func absoluteProducts(_ a: [[Float]], _ b: [[Float]]) -> [[Float]] {
        zip(a, b).map { x, y in
            precondition(x.count == y.count)
            return [Float](unsafeUninitializedCapacity: x.count) { out, initialized in
                x.withUnsafeBufferPointer { x in
                    y.withUnsafeBufferPointer { y in
                        for i in 0..<x.count { out[i] = abs(x[i] * y[i]) }
                    }
                }
                initialized = x.count
            }
        }
    }

    /// The current weights of every prunable tensor, as the forward pass sees them.
    static func effectiveWeights(_ engine: SparsityEngine) -> [[Float]] {
        engine.prunable.indices.map { engine.effectiveWeights($0) }
    }
}
