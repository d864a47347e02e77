import Foundation
import Training

/// The dense model Occam's hill measures its regions against, and where it came from:
/// always a converged one, and always said.
public struct HillBaseline: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// A value the user gave (`--baseline 0.895`).
        case given
        /// The final accuracy of a dense run's log the user gave (`--baseline dense.jsonl`).
        case denseRunLog(name: String)
        /// The target-0 point of an overlaid sweep: the same recipe trained dense to the end.
        case sweep(name: String)
        /// This run's own dense model at the end of its dense phase, once its accuracy had
        /// stopped rising (see `RunHill.densePhaseBaseline`).
        case densePhase(epochs: Double)
        /// A run that was dense throughout, at its end.
        case denseRun(epochs: Double)
    }

    /// Fraction correct, 0...1.
    public var accuracy: Double
    public var source: Source

    public init(accuracy: Double, source: Source) {
        self.accuracy = accuracy
        self.source = source
    }

    /// A few words for captions: "dense 4ep", "sweep", "given", "dense.jsonl".
    public var label: String {
        switch source {
        case .given: "given"
        case let .denseRunLog(name): name
        case .sweep: "sweep"
        case let .densePhase(epochs): "dense \(Self.epochs(epochs))ep"
        case let .denseRun(epochs): "dense run \(Self.epochs(epochs))ep"
        }
    }

    /// Epochs to a tenth, without a trailing ".0": 3.998 -> "4", 2.5 -> "2.5".
    private static func epochs(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(format: "%.1f", tenths)
    }
}

public struct HillBaselineError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
