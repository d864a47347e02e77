import Training

extension Trainer: DashboardSource, SteerableRun {
    public var controls: DashboardControls { .steering(self) }
    public func start(_ options: DashboardStartOptions) { start(pace: options.pace, onEvent: options.onEvent) }
    public func stop() { send(.stop) }
    public func figures(for snapshot: TrainingSnapshot) -> PanelFigures { .computedFromWeights }
}
