import Training

/// The series the Loss panel draws, gathered from successive snapshots: training loss
/// (mean since the previous snapshot), test accuracy at each evaluation, and the steps
/// at which masks changed (pruning events).
public struct RunHistory: Sendable, Equatable {
    public private(set) var loss: [PlotPoint] = []
    public private(set) var accuracy: [PlotPoint] = []
    public private(set) var maskUpdates: [Int] = []
    /// Older points are thinned (every other one dropped) beyond this many.
    public var capacity = 2000
    private var lastStep = -1
    private var lastEvaluationStep: Int?
    private var lastUpdateStep: Int?

    public init() {}

    public mutating func record(_ snapshot: TrainingSnapshot) {
        if snapshot.step > lastStep, snapshot.recentLoss.isFinite {
            loss.append(PlotPoint(step: snapshot.step, value: snapshot.recentLoss))
            if loss.count > capacity { loss = loss.enumerated().filter { $0.offset % 2 == 0 }.map(\.element) }
        }
        lastStep = max(lastStep, snapshot.step)
        if let step = snapshot.evaluationStep, step != lastEvaluationStep, let value = snapshot.testAccuracy {
            accuracy.append(PlotPoint(step: step, value: value))
            lastEvaluationStep = step
        }
        if let step = snapshot.sparsity.lastUpdateStep, step != lastUpdateStep, snapshot.sparsity.lastMaskChurn > 0 {
            maskUpdates.append(step)
            lastUpdateStep = step
        }
    }
}
