/// A random mask at the same budget: the control every criterion should beat. Pruned
/// at initialisation by default; on a gradual schedule each update removes further
/// random weights among those still kept.
public final class RandomMethod: SparsityMethod {
    public static let descriptor = MethodDescriptor(
        name: "random", summary: "random mask at the same budget (the control)",
        defaultBudget: LayerBudget(.uniform), make: { _ in RandomMethod() })

    public let name = "random"

    public func begin(_ engine: SparsityEngine) { prune(engine) }

    public func afterStep(_ engine: SparsityEngine) {
        if engine.consumeUpdateDue() { prune(engine) }
    }

    private func prune(_ engine: SparsityEngine) {
        // Kept weights score in [1, 2), pruned ones 0: updates only prune further.
        let scores = engine.masks.map { mask in
            mask.map { $0 == 0 ? 0 : 1 + engine.generator.nextUnitFloat() }
        }
        engine.prune(byScores: scores, to: engine.scheduledSparsity(at: engine.step))
    }
}
