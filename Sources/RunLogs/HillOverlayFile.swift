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
            // One hill per group, through its cells' means; a group is named by its values
            // alone when every group sets the same keys ("rigl"), else "method=rigl, lr=0.1".
            let sameKeys = Set(sweep.groups.map { $0.settings.map(\.key) }).count == 1
            func groupName(_ settings: [SweepSetting]) -> String {
                sameKeys ? settings.map(\.value).joined(separator: ",") : SweepSetting.label(settings)
            }
            points = sweep.groups.flatMap { group in
                group.cells.map {
                    HillPoint(sparsity: $0.sparsity.mean, accuracy: $0.accuracyAfterFineTuning.mean,
                              phase: $0.target == 0 ? .dense : .afterFineTuning,
                              runID: group.settings.isEmpty ? runID : groupName(group.settings),
                              spread: $0.accuracyAfterFineTuning.standardDeviation ?? 0)
                }
            }
            // The groups' dense runs are one baseline only when they agree.
            let baselines = Set(sweep.groups.compactMap(\.denseBaseline))
            baseline = baselines.count == 1 ? HillBaseline(accuracy: baselines.first!, source: .sweep(name: name)) : nil
            return
        }
        let log = try RunLog(lines: lines, path: path)
        guard !log.evaluations.isEmpty else {
            throw RunLogError(path: path, line: nil, problem: "neither a sweep table nor a run log with evaluations")
        }
        points = RunHill.points(log.hillEvaluations, runID: runID)
    }
}
