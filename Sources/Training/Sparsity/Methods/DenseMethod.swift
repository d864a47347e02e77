/// No pruning: the baseline. Switching to it mid-run revives every weight (at its
/// current value, zero for pruned ones) and trains the dense network.
public final class DenseMethod: SparsityMethod {
    public static let descriptor = MethodDescriptor(
        name: "dense", summary: "no pruning; the baseline", make: { _ in DenseMethod() })

    public let name = "dense"

    public func begin(_ engine: SparsityEngine) {
        if engine.measuredSparsity > 0 { engine.setMasks(engine.masks.map { $0.map { _ in 1 } }) }
    }
}
