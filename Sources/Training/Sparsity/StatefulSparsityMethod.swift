/// A method that keeps something from one step to the next (counters, scores, flags):
/// all of it in one `Codable` value, which a checkpoint stores (`MethodCheckpointCoding`).
/// `BitwiseResumeTests` catches a method that keeps more than its state holds.
public protocol StatefulSparsityMethod: SparsityMethod {
    associatedtype State: Codable
    /// The method's state now. Read between steps.
    var state: State { get }
    /// Puts `state` back, instead of `begin`, on a new instance made with the same
    /// options. The engine (config, masks, step, generator) and the weights are already
    /// restored; the method must not change them, only itself (and what it derives from
    /// the engine, such as its declaration or SWAT's activation hooks). Throws when the
    /// state does not fit the engine's tensors.
    func restore(_ state: State, engine: SparsityEngine) throws
}

extension StatefulSparsityMethod {
    public func saveState() -> MethodCheckpoint { MethodCheckpointCoding.encode(state) }

    public func restoreState(_ saved: MethodCheckpoint, engine: SparsityEngine) throws {
        try restore(MethodCheckpointCoding.decode(State.self, from: saved), engine: engine)
    }
}
