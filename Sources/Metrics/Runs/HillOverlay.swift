import Foundation

/// Points to draw under a live run on Occam's hill: a sweep's table (`sweep.jsonl`, one
/// point per final sparsity, after fine-tuning) or an earlier run's log (its evaluations).
public enum HillOverlay {
    public static func points(fromFile path: String) throws -> [HillPoint] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RunLogError(path: path, line: nil, problem: "cannot read the file")
        }
        let runID = "overlay:" + (path as NSString).lastPathComponent
        if let sweep = try SweepTable(jsonLines: text, path: path) {
            return sweep.rows.map {
                HillPoint(sparsity: $0.sparsity, accuracy: $0.accuracyAfterFineTuning, phase: $0.target == 0 ? .dense : .afterFineTuning,
                          runID: runID)
            }
        }
        let log = try RunLog(text: text, path: path)
        guard !log.evaluations.isEmpty else {
            throw RunLogError(path: path, line: nil, problem: "neither a sweep table nor a run log with evaluations")
        }
        return log.evaluations.compactMap { evaluation in
            evaluation.testAccuracy.map {
                HillPoint(sparsity: evaluation.sparsity, accuracy: $0,
                          phase: EvaluationPhase(snapshotPhase: evaluation.phase, measuredSparsity: evaluation.sparsity),
                          runID: runID, step: evaluation.step)
            }
        }
    }
}
