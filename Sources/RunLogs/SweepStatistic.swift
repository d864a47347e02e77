/// The mean of a few runs' values, their sample standard deviation (n - 1 in the
/// denominator: the seeds are a sample of the seeds one could have run) and their count.
public struct SweepStatistic: Sendable, Equatable {
    public var mean: Double
    /// Nil for a single value.
    public var standardDeviation: Double?
    public var count: Int

    /// Nil for no values.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        count = values.count
        // Equal values (a sparsity every seed reached exactly) have no spread, not a rounding error's.
        if values.allSatisfy({ $0 == values[0] }) {
            (mean, standardDeviation) = (values[0], count < 2 ? nil : 0)
            return
        }
        mean = values.reduce(0, +) / Double(count)
        let mean = mean
        standardDeviation = count < 2 ? nil : (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count - 1)).squareRoot()
    }
}
