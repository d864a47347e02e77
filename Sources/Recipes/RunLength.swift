import Training

/// A position or interval in a run, as a recipe writes it: a number of epochs (fractions
/// allowed: `1.5`) or a number of steps (`"1200 steps"`).
public enum RunLength: Sendable, Equatable, CustomStringConvertible {
    case epochs(Double)
    case steps(Int)

    /// In steps, for a data set and batch giving `stepsPerEpoch` steps an epoch (rounded to
    /// the nearest step). Epochs too many for an Int of steps (`1e300`) saturate at `Int.max`
    /// steps, past the end of any run, instead of trapping.
    public func steps(perEpoch stepsPerEpoch: Int) -> Int {
        switch self {
        case let .epochs(epochs):
            let steps = (epochs * Double(stepsPerEpoch)).rounded()
            if steps.isNaN { return 0 }
            return steps >= Double(Int.max) ? Int.max : steps <= Double(Int.min) ? Int.min : Int(steps)
        case let .steps(steps): return steps
        }
    }

    public var description: String {
        switch self {
        case let .epochs(epochs): "\(Format.plain(epochs)) epochs"
        case let .steps(steps): "\(steps) steps"
        }
    }

    /// "2", "0.25", "2 epochs", "1 epoch", "1200 steps", "1 step"; nil for anything else
    /// or a negative amount.
    public init?(text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        switch parts.count {
        case 1:
            guard let epochs = Double(parts[0]), epochs.isFinite, epochs >= 0 else { return nil }
            self = .epochs(epochs)
        case 2 where ["epoch", "epochs"].contains(parts[1]):
            guard let epochs = Double(parts[0]), epochs.isFinite, epochs >= 0 else { return nil }
            self = .epochs(epochs)
        case 2 where ["step", "steps"].contains(parts[1]):
            guard let steps = Int(parts[0]), steps >= 0 else { return nil }
            self = .steps(steps)
        default:
            return nil
        }
    }
}
