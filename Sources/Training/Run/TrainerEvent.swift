/// What a run reports as it goes, in order: `started`, then `evaluated` after each
/// evaluation, then exactly one of `finished`, `stopped`; `diverged` when the loss
/// stops being finite (the run pauses and waits for a command).
public enum TrainerEvent: Sendable {
    case started(TrainingSnapshot)
    case evaluated(TrainingSnapshot)
    case diverged(TrainingSnapshot)
    case finished(TrainingSnapshot)
    case stopped(TrainingSnapshot)
    /// A command was applied or refused; the message says which.
    case commandApplied(String, TrainingSnapshot)
    /// A checkpoint was written to `path` (on command or periodically).
    case checkpointSaved(path: String, TrainingSnapshot)
    /// Writing a checkpoint to `path` failed; `reason` says why. The run goes on, and a
    /// previous checkpoint at `path` is intact.
    case checkpointFailed(path: String, reason: String, TrainingSnapshot)
}
