/// One sparsification method (magnitude, RigL, SWAT...). The engine calls its hooks in
/// this order every training step:
///
///     beforeForward -> forward, loss, backward -> afterBackward -> optimizer step -> afterStep
///
/// `begin` runs once when the method takes over: at the start of a run, or mid-run
/// when the user switches to it (the current masks carry over).
public protocol SparsityMethod: AnyObject {
    var name: String { get }
    /// The settings the method fixes and how its masked weights are treated; the run's
    /// settings by default. Read by the engine at every use.
    var declaration: MethodDeclaration { get }
    /// Per prunable tensor, the fraction of non-zero elements in the input activation of
    /// the last weight-gradient GEMM, for methods that sparsify it (SWAT); nil when the
    /// activations are left dense.
    var activationDensities: [Double]? { get }
    func begin(_ engine: SparsityEngine)
    /// Before the forward pass, with the effective (masked) weights in place.
    func beforeForward(_ engine: SparsityEngine)
    /// After backward: gradients are dense (not yet masked).
    func afterBackward(_ engine: SparsityEngine)
    /// After the optimizer step; `engine.step` already counts this step.
    func afterStep(_ engine: SparsityEngine)
    /// Method state worth showing, e.g. [("dropped", 120), ("grown", 120)].
    var statistics: [MethodStatistic] { get }
    /// The method's own phase when the schedule's does not say it (IHT's `.sparse` and
    /// `.dense`, lottery's rounds); nil leaves it to the schedule.
    var phase: TrainingPhase? { get }
    /// Which form of the method runs, in the paper's words, when it has several
    /// ("SWAT-ERK", "rewind to θ₀"); the header shows it beside the name.
    var variantLabel: String? { get }
    /// The `rewind` knob; methods without a rewind throw a message saying so.
    func rewind(_ engine: SparsityEngine) throws
    /// Everything the method keeps from one step to the next, for a checkpoint. Empty by
    /// default; a `StatefulSparsityMethod` encodes its `State`.
    func saveState() -> MethodCheckpoint
    /// Puts back what `saveState` returned; see `StatefulSparsityMethod.restore`.
    func restoreState(_ state: MethodCheckpoint, engine: SparsityEngine) throws
}

extension SparsityMethod {
    public var declaration: MethodDeclaration { MethodDeclaration() }
    public var activationDensities: [Double]? { nil }
    public func begin(_ engine: SparsityEngine) {}
    public func beforeForward(_ engine: SparsityEngine) {}
    public func afterBackward(_ engine: SparsityEngine) {}
    public func afterStep(_ engine: SparsityEngine) {}
    public var statistics: [MethodStatistic] { [] }
    public var phase: TrainingPhase? { nil }
    public var variantLabel: String? { nil }
    public func rewind(_ engine: SparsityEngine) throws {
        throw SparsityError.unsupported("rewind applies to the lottery method; \(name) has nothing to rewind to")
    }
    public func saveState() -> MethodCheckpoint { MethodCheckpoint() }
    public func restoreState(_ state: MethodCheckpoint, engine: SparsityEngine) throws {}
}

public struct MethodStatistic: Sendable, Equatable {
    public var name: String
    public var value: Double

    public init(_ name: String, _ value: Double) {
        self.name = name
        self.value = value
    }
}
