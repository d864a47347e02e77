/// Turns scores into masks: keep the highest-scoring weights (or groups of weights),
/// exactly `round(density x count)` of them, ties broken by lower index so results are
/// deterministic.
public enum MaskSelection {
    /// Indices of the `keep` largest values (ties: lower index first; NaN ranks lowest),
    /// in O(n) average.
    public static func topIndices(_ values: [Float], keep: Int) -> [Int] {
        let count = values.count
        guard keep > 0 else { return [] }
        guard keep < count else { return Array(0..<count) }
        let ranked = values.contains(where: \.isNaN) ? values.map { $0.isNaN ? -Float.infinity : $0 } : values
        let threshold = kthLargest(ranked, k: keep)
        var result: [Int] = []
        result.reserveCapacity(keep)
        for i in 0..<count where ranked[i] > threshold { result.append(i) }
        for i in 0..<count where result.count < keep && ranked[i] == threshold { result.append(i) }
        return result
    }

    /// A 0/1 mask keeping the `keep` highest values.
    public static func mask(scores: [Float], keep: Int) -> [Float] {
        var mask = [Float](repeating: 0, count: scores.count)
        for i in topIndices(scores, keep: keep) { mask[i] = 1 }
        return mask
    }

    /// The k-th largest value (k >= 1), by quickselect on a copy. NaN scores count as lowest.
    public static func kthLargest(_ values: [Float], k: Int) -> Float {
        var a = values.contains(where: \.isNaN) ? values.map { $0.isNaN ? -Float.infinity : $0 } : values
        return a.withUnsafeMutableBufferPointer { kthLargest(inPlace: $0, k: k) }
    }

    /// The k-th largest of `a` (k >= 1; no NaNs), reordering it in place: Hoare
    /// quickselect with a fixed pseudo-random pivot sequence, O(n) on average.
    public static func kthLargest(inPlace a: UnsafeMutableBufferPointer<Float>, k: Int) -> Float {
        var low = 0, high = a.count - 1
        let target = k - 1  // position in descending order
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        while low < high {
            state = CounterRandom.mix(state)
            let pivot = a[low + Int(state % UInt64(high - low + 1))]
            var i = low, j = high
            while i <= j {
                while a[i] > pivot { i += 1 }
                while a[j] < pivot { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if target <= j { high = j } else if target >= i { low = i } else { return a[target] }
        }
        return a[target]
    }

    /// Number of elements kept at `sparsity` out of `count`: at least one of a non-empty
    /// tensor (or of its rows), whatever the target. A layer with no weight left cuts the
    /// network in two: every output becomes the same constant, accuracy falls to chance,
    /// and no gradient reaches the layers before it, so lowering the target again could
    /// never bring it back. The papers set targets well below this (at most 99.9%).
    public static func keepCount(count: Int, sparsity: Double) -> Int {
        count == 0 ? 0 : min(count, max(1, Int((Double(count) * (1 - sparsity)).rounded())))
    }

    /// Masks for every tensor. `layerSparsities` nil means one global ranking over all
    /// tensors not in `dense` (each keeping at least `minimumDensity`). `unitLinks` says
    /// which tensors' output units each tensor reads (`NetworkDescription.unitLinks`), for
    /// `.neurons`: the engine always passes its network's; nil (bare shapes, no network)
    /// reads the tensors as a chain (`NetworkDescription.UnitLink.chain(shapes:)`).
    public static func masks(scores: [[Float]], shapes: [[Int]], granularity: Granularity,
                             layerSparsities: [Double]?, target: Double,
                             dense: Set<Int>, minimumDensity: Double,
                             unitLinks: [NetworkDescription.UnitLink]? = nil) -> [[Float]] {
        switch granularity {
        case .weights:
            if let layerSparsities {
                return scores.indices.map { l in
                    dense.contains(l) ? ones(scores[l].count)
                        : mask(scores: scores[l], keep: keepCount(count: scores[l].count, sparsity: layerSparsities[l]))
                }
            }
            return globalMasks(scores: scores, target: target, dense: dense, minimumDensity: minimumDensity)
        case .neurons:
            let sparsities = layerSparsities ?? scores.map { _ in target }
            let rows = scores.indices.map { l in
                // The last layer's outputs are the classes: never remove them.
                dense.contains(l) || l == scores.count - 1 ? ones(scores[l].count)
                    : groupMask(scores: scores[l], groups: shapes[l][0], sparsity: sparsities[l])
            }
            return removingInputsOfRemovedUnits(rows, shapes: shapes, links: unitLinks ?? NetworkDescription.UnitLink.chain(shapes: shapes))
        case let .nOfM(n, m):
            return scores.indices.map { l in
                dense.contains(l) ? ones(scores[l].count) : nOfMMask(scores: scores[l], shape: shapes[l], n: n, m: m)
            }
        }
    }

    static func ones(_ count: Int) -> [Float] { [Float](repeating: 1, count: count) }

    /// A unit removed with its row (a neuron, or a filter and so its feature map) takes its
    /// outgoing weights with it, as removing it from the network does: the inputs it feeds
    /// in the tensors that read it are masked too, so sparsity, storage and FLOPs count the
    /// smaller network. `links[c]` says whose output units tensor c's input units are: for
    /// each unit o of its sources, a block of `inputsPerSourceUnit` consecutive inputs (1,
    /// or a Conv2D's feature map flattened channel-major into a Dense). When several
    /// sources feed c through a residual sum, a channel of the sum is gone only when every
    /// one of them removed unit o; until then the others still feed it, and c keeps
    /// reading it (each feeding tensor's removed filter still saves its own computation).
    /// Which units are removed is read from `masks` as given (the rows chosen), so the
    /// order of the tensors does not matter; c's own rows are untouched.
    /// The removed unit's bias is not prunable; with its outgoing weights gone, its
    /// constant output ReLU(b) no longer reaches the next layer, as when the bias is
    /// removed with the filter (Li et al. 2017, "Pruning Filters for Efficient ConvNets",
    /// arXiv:1608.08710, §3.1). Likewise a removed filter's batch norm still outputs its
    /// shift β, a per-channel constant, which reaches the readers of a residual sum only
    /// while the channel lives (then it acts as a bias of the sum).
    static func removingInputsOfRemovedUnits(_ masks: [[Float]], shapes: [[Int]],
                                             links: [NetworkDescription.UnitLink]) -> [[Float]] {
        precondition(links.count == masks.count, "\(links.count) unit links for \(masks.count) tensors")
        let removed: [[Bool]] = masks.indices.map { l in
            let units = shapes[l].first ?? 0
            guard units > 0 else { return [] }
            let rowSize = masks[l].count / units
            return masks[l].withUnsafeBufferPointer { m in
                (0..<units).map { unit in !m[(unit * rowSize)..<((unit + 1) * rowSize)].contains(1) }
            }
        }
        var result = masks
        for (c, link) in links.enumerated() where !link.sources.isEmpty {
            let shape = shapes[c]
            let units = shapes[link.sources[0]].first ?? 0, block = link.inputsPerSourceUnit
            guard shape.count >= 2, units > 0, link.sources.allSatisfy({ shapes[$0].first == units }),
                  units * block == shape[1] else {
                assertionFailure("tensor \(c) \(shape) does not read \(units) units x \(block) of tensors \(link.sources)")
                continue
            }
            let positions = shape.dropFirst(2).reduce(1, *), inputs = shape[1]
            for unit in 0..<units where link.sources.allSatisfy({ removed[$0][unit] }) {
                for output in 0..<shape[0] {
                    let start = (output * inputs + unit * block) * positions
                    for i in start..<(start + block * positions) { result[c][i] = 0 }
                }
            }
        }
        return result
    }

    static func globalMasks(scores: [[Float]], target: Double, dense: Set<Int>, minimumDensity: Double) -> [[Float]] {
        var masks = scores.map { [Float](repeating: 0, count: $0.count) }
        let ranked = scores.indices.filter { !dense.contains($0) }
        for l in dense { masks[l] = ones(scores[l].count) }
        let total = ranked.reduce(0) { $0 + scores[$1].count }
        var remaining = keepCount(count: total, sparsity: target)
        // First each layer's guaranteed minimum (at least one weight: see keepCount), then
        // one ranking for the rest.
        for l in ranked {
            let floor = max(1, Int((Double(scores[l].count) * minimumDensity).rounded(.up)))
            for i in topIndices(scores[l], keep: floor) { masks[l][i] = 1 }
            remaining -= min(floor, scores[l].count)
        }
        var pool: [Float] = []
        var owners: [(layer: Int, index: Int)] = []
        for l in ranked {
            for i in scores[l].indices where masks[l][i] == 0 {
                pool.append(scores[l][i])
                owners.append((l, i))
            }
        }
        for p in topIndices(pool, keep: max(0, remaining)) { masks[owners[p].layer][owners[p].index] = 1 }
        return masks
    }

    /// Keeps whole rows (output neurons / filters): row score = sum of element scores.
    static func groupMask(scores: [Float], groups: Int, sparsity: Double) -> [Float] {
        let size = scores.count / groups
        let groupScores = (0..<groups).map { g in scores[(g * size)..<((g + 1) * size)].reduce(0, +) }
        var mask = [Float](repeating: 0, count: scores.count)
        for g in topIndices(groupScores, keep: keepCount(count: groups, sparsity: sparsity)) {
            for i in (g * size)..<((g + 1) * size) { mask[i] = 1 }
        }
        return mask
    }

    /// N of every M consecutive weights along the input dimension: along each row of a
    /// Dense weight [out, in], along the input channels of a Conv2D weight [out, in, kh, kw].
    static func nOfMMask(scores: [Float], shape: [Int], n: Int, m: Int) -> [Float] {
        var mask = [Float](repeating: 0, count: scores.count)
        let outputs = shape[0], inputs = shape[1]
        let stride = shape.dropFirst(2).reduce(1, *)  // 1 for Dense, kh*kw for Conv2D
        for o in 0..<outputs {
            for offset in 0..<stride {
                var start = 0
                while start < inputs {
                    let end = min(start + m, inputs)
                    let members = (start..<end).map { (o * inputs + $0) * stride + offset }
                    let keep = min(n, members.count)
                    for k in topIndices(members.map { scores[$0] }, keep: keep) { mask[members[k]] = 1 }
                    start = end
                }
            }
        }
        return mask
    }
}

extension NetworkDescription.UnitLink {
    /// The links of a plain chain, for tensors known only by their shapes: each reads the
    /// one before it when its inputs are as many as that one's output units, or a whole
    /// multiple of them (a Conv2D flattened channel-major into a Dense: each channel feeds
    /// a block of inputs); the first, and any that fits neither, reads nothing prunable.
    public static func chain(shapes: [[Int]]) -> [NetworkDescription.UnitLink] {
        shapes.indices.map { l in
            guard l > 0, shapes[l].count >= 2, let units = shapes[l - 1].first, units > 0, shapes[l][1] % units == 0 else {
                return NetworkDescription.UnitLink(sources: [], inputsPerSourceUnit: 1)
            }
            return NetworkDescription.UnitLink(sources: [l - 1], inputsPerSourceUnit: shapes[l][1] / units)
        }
    }
}
