import Training

/// Accuracy density of a dense model and of its sparse version.
public struct AccuracyDensityComparison: Sendable, Equatable {
    public var dense: Double
    public var sparse: Double
}

/// Parameter efficiency (Hoefler et al. 2021, arXiv:2102.00554, §8.7).
public enum ParameterEfficiency {
    /// Accuracy density (Bianco et al. 2018, IEEE Access 6, arXiv:1810.00736; as defined in Hoefler et al.
    /// 2021, §8.7): validation accuracy in percent
    /// divided by the number of parameters in millions. For a sparse model pass its
    /// non-zero parameters. Infinite for zero parameters.
    public static func accuracyDensity(accuracyPercent: Double, parameterCount: Int) -> Double {
        accuracyPercent / (Double(parameterCount) / 1e6)
    }

    /// Dense: all parameters at the dense accuracy; sparse: the non-zero ones at the
    /// sparse accuracy.
    public static func accuracyDensity(denseAccuracyPercent: Double, parameterCount: Int,
                                       sparseAccuracyPercent: Double, nonzeroCount: Int) -> AccuracyDensityComparison {
        AccuracyDensityComparison(
            dense: accuracyDensity(accuracyPercent: denseAccuracyPercent, parameterCount: parameterCount),
            sparse: accuracyDensity(accuracyPercent: sparseAccuracyPercent, parameterCount: nonzeroCount))
    }

    /// All parameters (weights and biases) of a snapshot and the non-zero ones among them.
    public static func parameterCounts(_ layers: [LayerSnapshot]) -> (total: Int, nonzero: Int) {
        layers.reduce((0, 0)) { ($0.0 + $1.parameterCount, $0.1 + $1.nonzeroCount) }
    }
}
