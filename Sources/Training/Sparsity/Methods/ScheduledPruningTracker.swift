/// When a schedule-driven, score-accumulating method (Taylor, movement) should prune: at
/// the schedule's update steps and knob changes, and also whenever the scheduled target
/// differs from the one last installed (a constant schedule, or taking over mid-run),
/// since such methods cannot prune in `begin` before they have seen a gradient.
struct ScheduledPruningTracker {
    /// The target last pruned to (kept in checkpoints).
    var installed = 0.0

    mutating func begin(_ engine: SparsityEngine) { installed = engine.measuredSparsity }

    /// The target to prune to after this step, or nil. Call once per `afterStep`.
    mutating func dueTarget(_ engine: SparsityEngine) -> Double? {
        let due = engine.consumeUpdateDue()
        let target = engine.scheduledSparsity(at: engine.step)
        let total = engine.prunable.reduce(0) { $0 + $1.count }
        guard due || abs(target - installed) > 1 / Double(max(total, 1)) else { return nil }
        installed = target
        return target
    }
}
