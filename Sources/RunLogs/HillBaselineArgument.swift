import Foundation
import Metrics
import Training

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
