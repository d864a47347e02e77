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

extension HillBaseline {
    /// The baseline a user gives on the command line: a fraction ("0.895"), a percentage
    /// ("89.5%"), a finished dense run's log (its final accuracy) or a sweep table (its
    /// target-0 run). Throws with what was expected and found.
    public static func parse(_ argument: String) throws -> HillBaseline { try parse(argument, warn: { _ in }) }

    /// `parse`, telling `warn` what a user should know about the file read (its last line
    /// cut off, the final evaluation standing for a lost `done` line).
    public static func parse(_ argument: String, warn: (String) -> Void) throws -> HillBaseline {
        let text = argument.trimmingCharacters(in: .whitespaces)
        let isPercent = text.hasSuffix("%")
        if let number = Double(isPercent ? String(text.dropLast()) : text) {
            let fraction = isPercent ? number / 100 : number
            guard fraction.isFinite, fraction > 0, fraction <= 1 else {
                throw HillBaselineError("expected an accuracy as a fraction in (0, 1] such as 0.895, or a percentage such as 89.5%, "
                                        + "or a dense run's log, found \(argument)")
            }
            return HillBaseline(accuracy: fraction, source: .given)
        }
        let contents: String
        do { contents = try RegularFile.readText(text) } catch {
            throw HillBaselineError("\(text): cannot read the file: \(error.description) (expected a number, a dense run's log or a sweep.jsonl)")
        }
        let name = (text as NSString).lastPathComponent
        if let sweep = try SweepTable(jsonLines: contents, path: text) {
            guard let dense = sweep.rows.first(where: { $0.target == 0 }) else {
                throw HillBaselineError("\(text): the sweep has no target-0 (dense) run to take the baseline from")
            }
            return HillBaseline(accuracy: dense.accuracyAfterFineTuning, source: .sweep(name: name))
        }
        let log = try RunLog(text: contents, path: text)
        if let line = log.incompleteLastLine { warn(incompleteLastLineWarning(path: text, line: line)) }
        guard let result = log.result else {
            throw HillBaselineError("\(text): expected a finished run, but \(log.unfinishedReason ?? "it did not finish")")
        }
        let accuracy = result.hillAccuracy
        let sparsest = ([result.sparsity] + log.evaluations.map(\.sparsity)).max() ?? 0
        guard sparsest == 0 else {
            throw HillBaselineError("\(text): expected a dense run, found one that reached \(String(format: "%.1f", 100 * sparsest))% sparsity")
        }
        return HillBaseline(accuracy: accuracy, source: .denseRunLog(name: name))
    }
}

public struct HillBaselineError: Error, CustomStringConvertible, Equatable {
    public var description: String
    init(_ description: String) { self.description = description }
}
