/// What a `SparsityEngine` holds between two steps, apart from its settings (which a
/// checkpoint keeps in the run's config): enough to continue exactly where it was.
///
/// There is no dense shadow in it: the engine swaps effective weights in only within a
/// step (from `beforeForward` to `afterBackward`), so between steps the parameters hold
/// the dense weights of dense-shadow methods such as SWAT.
public struct SparsityEngineCheckpoint: Sendable {
    public var step: Int
    public var masks: [[Float]]
    /// The state of `SparsityEngine.generator`.
    public var generatorState: UInt64
    /// A knob change waiting for the next step's mask update.
    public var updateRequested: Bool
    public var lastUpdateStep: Int?
    public var lastMaskChurn: Int
    public var method: MethodCheckpoint
    /// `SparsityEngine.valuesAtPruning`; nil from checkpoints before format 3 (all zero).
    public var valuesAtPruning: [[Float]]?

    public init(step: Int, masks: [[Float]], generatorState: UInt64, updateRequested: Bool,
                lastUpdateStep: Int?, lastMaskChurn: Int, method: MethodCheckpoint, valuesAtPruning: [[Float]]? = nil) {
        self.step = step
        self.masks = masks
        self.generatorState = generatorState
        self.updateRequested = updateRequested
        self.lastUpdateStep = lastUpdateStep
        self.lastMaskChurn = lastMaskChurn
        self.method = method
        self.valuesAtPruning = valuesAtPruning
    }
}
