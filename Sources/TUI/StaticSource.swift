import Foundation
import Training

/// One snapshot shown as it is (`prunetop inspect --tui`): nothing runs, so the keys that
/// would steer a run or work a recording's clock do nothing; the panels compute their
/// figures from the snapshot's weights.
public final class StaticSource: DashboardSource {
    private let snapshot: TrainingSnapshot

    public init(snapshot: TrainingSnapshot) { self.snapshot = snapshot }

    public var latestSnapshot: TrainingSnapshot? { snapshot }
    public var controls: DashboardControls { .inspection }
    public func start(_ options: DashboardStartOptions) {}
    public func stop() {}
    public func waitUntilFinished(timeout seconds: Double) -> Bool { true }
    public func figures(for snapshot: TrainingSnapshot) -> PanelFigures { .computedFromWeights }
}
