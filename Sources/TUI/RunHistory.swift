import Training
import RunLogs

/// The series the Loss panel draws, gathered from successive snapshots: training loss
/// (mean since the previous snapshot), test accuracy at each evaluation, and the steps
/// at which masks changed (pruning events).
public struct RunHistory: Sendable, Equatable {
    public private(set) var loss: [PlotPoint] = []
    public private(set) var accuracy: [PlotPoint] = []
    public private(set) var maskUpdates: [Int] = []
    /// Each series is thinned (every other point dropped) beyond this many.
    public var capacity = 2000
    private var lastStep = -1
    private var lastEvaluationStep: Int?
    private var lastUpdateStep: Int?

    public init() {}

    /// A recorded run's curves: every moment of its timeline.
    public init(_ timeline: ReplayTimeline) {
        for moment in timeline.moments { record(moment.snapshot) }
    }

    public mutating func record(_ snapshot: TrainingSnapshot) {
        if snapshot.step > lastStep, snapshot.recentLoss.isFinite {
            loss.append(PlotPoint(step: snapshot.step, value: snapshot.recentLoss))
            Self.thin(&loss, capacity: capacity)
        }
        lastStep = max(lastStep, snapshot.step)
        if let step = snapshot.evaluationStep, step != lastEvaluationStep, let value = snapshot.testAccuracy {
            accuracy.append(PlotPoint(step: step, value: value))
            Self.thin(&accuracy, capacity: capacity)
            lastEvaluationStep = step
        }
        if let step = snapshot.sparsity.lastUpdateStep, step != lastUpdateStep, snapshot.sparsity.lastMaskChurn > 0 {
            maskUpdates.append(step)
            Self.thin(&maskUpdates, capacity: capacity)
            lastUpdateStep = step
        }
    }

    /// Keeps a series bounded on runs of any length: every other element goes once it is full.
    private static func thin<Element>(_ series: inout [Element], capacity: Int) {
        if series.count > capacity { series = series.enumerated().filter { $0.offset % 2 == 0 }.map(\.element) }
    }
}
