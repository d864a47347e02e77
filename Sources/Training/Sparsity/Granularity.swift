/// What is pruned as a unit.
public enum Granularity: Sendable, Equatable, Codable {
    /// Single weights (unstructured).
    case weights
    /// Whole neurons of Dense layers (rows of the [out, in] weight) and whole filters of
    /// Conv2D layers (output channels), scored by the group's L1 or L2 norm of scores.
    case neurons
    /// In every group of `m` consecutive weights along the input dimension, keep `n`.
    case nOfM(n: Int, m: Int)

    public var name: String {
        switch self {
        case .weights: "weights"
        case .neurons: "neurons"
        case let .nOfM(n, m): "\(n):\(m)"
        }
    }

    public var validationError: String? {
        if case let .nOfM(n, m) = self {
            if m < 1 || n < 0 { return "N:M needs M >= 1 and N >= 0, got \(n):\(m)" }
            if n > m { return "N:M needs N <= M, got \(n):\(m)" }
        }
        return nil
    }
}
