/// Keep the largest |w| (Han et al.; Zhu & Gupta when gradual), layer-wise or global
/// per the budget, on whatever schedule is set: gradual/AGP by default, one-shot +
/// fine-tune, or iterative rounds. Pruned weights are removed (held at zero).
public final class MagnitudeMethod: ScheduledPruning {
    public static let descriptor = MethodDescriptor(
        name: "magnitude",
        summary: "keep the largest |w|; gradual (AGP, cubic) by default",
        defaultBudget: LayerBudget(.global),
        defaultSchedule: { SparsitySchedule.gradualDefault(totalSteps: $0, stepsPerEpoch: $1) },
        make: { _ in MagnitudeMethod() })

    public let name = "magnitude"

    /// Kept weights rank by |w|; pruned ones below every kept one, by their value when
    /// pruned, so a lowered target brings back the largest of them first, with that value
    /// (`SparsityEngine.valuesAtPruning`). Zhu & Gupta (2017, arXiv:1710.01878) only ever
    /// raise the target; bringing weights back is this tool's choice for its knob.
    public func prune(_ engine: SparsityEngine, to sparsity: Double) {
        engine.prune(byScores: PruningScoreTiers.tiered(kept: engine.magnitudes, masks: engine.masks,
                                                        revival: engine.valuesAtPruning.map { $0.map(abs) }),
                     to: sparsity)
    }

}
