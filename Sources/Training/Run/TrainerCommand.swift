/// A request from the UI (or a script) to the running trainer, applied between steps.
public enum TrainerCommand: Sendable, Equatable {
    case pause
    /// Continue; a diverged run first rolls back to its last evaluation before the
    /// divergence (or to where it started), keeping the learning rate set since.
    case resume
    /// Run this many steps, then pause again (from a paused state).
    case step(count: Int)
    case stop
    /// Set the base learning rate that the schedule scales.
    case setLearningRate(Float)
    /// Switch sparsification method; the current masks carry over.
    case setMethod(String)
    /// Work out what switching to this method would do to the masks at once, without
    /// switching (`TrainingSnapshot.methodSwitchPreview`).
    case previewMethodSwitch(String)
    /// Back to just before the last method switch: its step, weights, masks, method and
    /// progress (the steps trained since are dropped).
    case undoMethodSwitch
    /// Set the final target sparsity, in [0, 1); masks follow at the next step.
    case setTargetSparsity(Double)
    case setSparsitySchedule(SparsitySchedule)
    case setLayerBudget(LayerBudget)
    case setGranularity(Granularity)
    /// Rewind weights (and the learning rate) as the active method defines it (lottery).
    case rewind
    /// Cap the steps per second and choose whether to pause at phase changes (`RunPace`).
    case setPace(RunPace)
    /// Write a checkpoint of the run as it is now to `path`.
    case saveCheckpoint(path: String)
}

public enum RunStatus: String, Sendable {
    case running, paused, diverged, finished, stopped

    public var isTerminal: Bool { self == .finished || self == .stopped }
}
