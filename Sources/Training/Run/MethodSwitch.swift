/// What switching the method would do to the masks at once, worked out by the trainer on
/// the run as it is (switched, measured, restored bitwise), before the user commits.
public struct MethodSwitchPreview: Sendable, Equatable {
    public var from: String
    public var to: String
    public var step: Int
    /// Prunable weights whose mask the switch itself changes (its `begin`); later updates
    /// follow the new method's schedule.
    public var changedMasks: Int
    public var prunableWeights: Int
    public var sparsityBefore: Double
    public var sparsityAfter: Double

    public init(from: String, to: String, step: Int, changedMasks: Int, prunableWeights: Int,
                sparsityBefore: Double, sparsityAfter: Double) {
        self.from = from
        self.to = to
        self.step = step
        self.changedMasks = changedMasks
        self.prunableWeights = prunableWeights
        self.sparsityBefore = sparsityBefore
        self.sparsityAfter = sparsityAfter
    }
}

/// The last method switch, which `TrainerCommand.undoMethodSwitch` can take back while no
/// other switch has come since.
public struct UndoableMethodSwitch: Sendable, Equatable {
    public var from: String
    public var to: String
    public var step: Int

    public init(from: String, to: String, step: Int) {
        self.from = from
        self.to = to
        self.step = step
    }
}
