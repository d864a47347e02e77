import Training

/// Parameter counts of one prunable tensor.
public struct LayerStatistics: Sendable, Equatable {
    public var name: String
    public var parameterCount: Int
    public var nonzeroCount: Int

    /// Fraction of the tensor's weights that are exactly zero.
    public var sparsity: Double {
        parameterCount == 0 ? 0 : 1 - Double(nonzeroCount) / Double(parameterCount)
    }
}

public enum SparsityStatistics {
    /// Statistics of the prunable tensors (weights of Dense and Conv2D), in network order.
    public static func prunableLayers(of layers: [LayerSnapshot]) -> [LayerStatistics] {
        layers.filter(\.isPrunable).map {
            LayerStatistics(name: $0.name, parameterCount: $0.parameterCount, nonzeroCount: $0.nonzeroCount)
        }
    }

    /// Measured sparsity over all prunable weights, element-weighted.
    public static func overallSparsity(_ layers: [LayerStatistics]) -> Double {
        let total = layers.reduce(0) { $0 + $1.parameterCount }
        let nonzero = layers.reduce(0) { $0 + $1.nonzeroCount }
        return total == 0 ? 0 : 1 - Double(nonzero) / Double(total)
    }

    /// Total / non-zero prunable weights (infinite when every weight is zero).
    public static func compression(_ layers: [LayerStatistics]) -> Double {
        let total = layers.reduce(0) { $0 + $1.parameterCount }
        let nonzero = layers.reduce(0) { $0 + $1.nonzeroCount }
        return nonzero == 0 ? .infinity : Double(total) / Double(nonzero)
    }
}
