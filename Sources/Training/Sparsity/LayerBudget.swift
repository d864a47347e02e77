import Foundation

/// How an overall target sparsity is shared among the prunable tensors.
public struct LayerBudget: Sendable, Equatable, Codable {
    public enum Distribution: Sendable, Equatable, Codable {
        /// One threshold over all prunable tensors together.
        case global
        /// The same sparsity in every layer.
        case uniform
        /// Erdős–Rényi: density ∝ (in + out) / (in · out), channels only for a conv kernel.
        case erdosRenyi
        /// Erdős–Rényi-Kernel: density ∝ sum(shape) / prod(shape), kernel dims included.
        case erdosRenyiKernel
        /// Given sparsities by tensor name; unnamed tensors get the overall target.
        case manual([String: Double])
    }

    public var distribution: Distribution
    public var keepFirstDense = false
    public var keepLastDense = false
    /// No layer goes below this density (guards against layer collapse).
    public var minimumDensity = 0.0
    /// The overall target a `.manual` budget's sparsities are written for (a recipe's
    /// `schedule.final`). Any other target scales them, so a gradual schedule ramps every
    /// layer toward its own final sparsity instead of jumping to it, and a target turned
    /// live moves every layer: below it each sparsity scales by target / this, above it each
    /// density by (1 − target) / (1 − this). A split that meets this target then meets every
    /// target exactly. nil: the sparsities hold at every target (a method's own split).
    public var manualTarget: Double?

    public init(_ distribution: Distribution, keepFirstDense: Bool = false, keepLastDense: Bool = false,
                minimumDensity: Double = 0) {
        self.distribution = distribution
        self.keepFirstDense = keepFirstDense
        self.keepLastDense = keepLastDense
        self.minimumDensity = minimumDensity
    }

    public var name: String {
        switch distribution {
        case .global: "global"
        case .uniform: "uniform"
        case .erdosRenyi: "er"
        case .erdosRenyiKernel: "erk"
        case .manual: "manual"
        }
    }

    /// Indices of tensors this budget keeps dense whatever the target.
    public func denseLayers(count: Int) -> Set<Int> {
        var dense = Set<Int>()
        if keepFirstDense && count > 0 { dense.insert(0) }
        if keepLastDense && count > 0 { dense.insert(count - 1) }
        return dense
    }

    /// Per-tensor sparsities for an overall `target`, or nil for `.global` (whose split
    /// comes from the scores). Uniform applies the target to every tensor not kept dense
    /// (as SWAT-U does); ER and ERK keep the total non-zeros equal to the uniform
    /// budget over the tensors they sparsify, capping densities at 1 (RigL's algorithm).
    public func layerSparsities(shapes: [[Int]], target: Double) -> [Double]? {
        let dense = denseLayers(count: shapes.count)
        var result: [Double]
        switch distribution {
        case .global:
            return nil
        case .uniform:
            result = shapes.map { _ in target }
        case let .manual(byName):
            result = shapes.indices.map { _ in target }
            _ = byName  // resolved by name in `layerSparsities(names:shapes:target:)`
        case .erdosRenyi, .erdosRenyiKernel:
            result = Self.erdosRenyiSparsities(shapes: shapes, target: target, dense: dense,
                                               kernel: distribution == .erdosRenyiKernel)
        }
        for index in dense { result[index] = 0 }
        if minimumDensity > 0 { result = result.map { min($0, 1 - minimumDensity) } }
        return result
    }

    /// Like `layerSparsities(shapes:target:)`, resolving `.manual` entries by tensor name
    /// (and scaling them when `target` is not their `manualTarget`).
    public func layerSparsities(names: [String], shapes: [[Int]], target: Double) -> [Double]? {
        guard case let .manual(byName) = distribution else { return layerSparsities(shapes: shapes, target: target) }
        var result = names.map { name in
            guard let written = byName[name] else { return target }
            return manualTarget.map { Self.scale(written, from: $0, to: target) } ?? written
        }
        for index in denseLayers(count: names.count) { result[index] = 0 }
        if minimumDensity > 0 { result = result.map { min($0, 1 - minimumDensity) } }
        return result
    }

    /// A layer's sparsity written for overall target `reference`, at overall target `target`.
    static func scale(_ sparsity: Double, from reference: Double, to target: Double) -> Double {
        if target == reference { return sparsity }
        if target < reference { return reference > 0 ? sparsity * target / reference : 0 }
        return reference < 1 ? 1 - (1 - sparsity) * (1 - target) / (1 - reference) : sparsity
    }

    static func erdosRenyiSparsities(shapes: [[Int]], target: Double, dense initiallyDense: Set<Int>, kernel: Bool) -> [Double] {
        let sizes = shapes.map { Double($0.reduce(1, *)) }
        // ERK: sum(shape) / prod(shape). ER: (in + out) / (in * out) over the channel
        // dimensions only, as RigL computes it for a conv kernel too.
        let raw = shapes.map { shape -> Double in
            if kernel || shape.count < 2 { return Double(shape.reduce(0, +)) / Double(shape.reduce(1, *)) }
            let fanOut = Double(shape[0]), fanIn = Double(shape[1])
            return (fanIn + fanOut) / (fanIn * fanOut)
        }
        let density = 1 - target
        var dense = initiallyDense
        var epsilon = 0.0
        while true {
            var rhs = 0.0, divisor = 0.0
            for index in shapes.indices {
                if dense.contains(index) {
                    rhs -= initiallyDense.contains(index) ? 0 : (1 - density) * sizes[index]
                } else {
                    rhs += density * sizes[index]
                    divisor += raw[index] * sizes[index]
                }
            }
            guard divisor > 0 else { break }
            epsilon = rhs / divisor
            let candidates = shapes.indices.filter { !dense.contains($0) }
            guard let largest = candidates.max(by: { raw[$0] < raw[$1] }), epsilon * raw[largest] > 1 else { break }
            for index in candidates where raw[index] == raw[largest] { dense.insert(index) }
        }
        return shapes.indices.map { dense.contains($0) ? 0 : max(0, 1 - epsilon * raw[$0]) }
    }
}
