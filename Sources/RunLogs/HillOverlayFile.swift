import Foundation
import Metrics
import Training

extension HillOverlay {
    /// The overlay in a sweep table or a run log at `path`.
    public init(file path: String) throws {
        self.init()
        let text: String
        do { text = try RegularFile.readText(path) } catch {
            throw RunLogError(path: path, line: nil, problem: "cannot read the file: \(error.description)")
        }
        let name = (path as NSString).lastPathComponent
        let runID = "overlay:" + name
        let lines = try RunLogLines(text: text, path: path)
        if let line = lines.incompleteLastLine {
            warnings.append(incompleteLastLineWarning(path: path, line: line))
        }
        if let sweep = try SweepTable(lines: lines) {
            points = sweep.rows.map {
                HillPoint(sparsity: $0.sparsity, accuracy: $0.accuracyAfterFineTuning, phase: $0.target == 0 ? .dense : .afterFineTuning,
                          runID: runID)
            }
            baseline = sweep.rows.first { $0.target == 0 }.map { HillBaseline(accuracy: $0.accuracyAfterFineTuning, source: .sweep(name: name)) }
            return
        }
        let log = try RunLog(lines: lines, path: path)
        guard !log.evaluations.isEmpty else {
            throw RunLogError(path: path, line: nil, problem: "neither a sweep table nor a run log with evaluations")
        }
        points = RunHill.points(log.hillEvaluations, runID: runID)
    }
}
