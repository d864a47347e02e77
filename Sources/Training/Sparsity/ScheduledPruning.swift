/// A method that prunes by its own scores to the scheduled sparsity: when it takes over
/// (if the schedule or a carried-over mask calls for sparsity) and at every mask update
/// (schedule step or knob change). Magnitude, SNIP, SynFlow and structured work this way.
public protocol ScheduledPruning: SparsityMethod {
    func prune(_ engine: SparsityEngine, to sparsity: Double)
}

extension ScheduledPruning {
    public func begin(_ engine: SparsityEngine) {
        let sparsity = engine.scheduledSparsity(at: engine.step)
        if sparsity > 0 || engine.measuredSparsity > 0 { prune(engine, to: sparsity) }
    }

    public func afterStep(_ engine: SparsityEngine) {
        guard engine.consumeUpdateDue() else { return }
        prune(engine, to: engine.scheduledSparsity(at: engine.step))
    }
}
