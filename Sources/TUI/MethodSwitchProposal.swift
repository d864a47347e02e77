import Training

/// A method switch the user is choosing (`m`, the method knob): proposed first, with what
/// it would do to the masks at once (the trainer's `MethodSwitchPreview`), applied only on
/// Enter, and undoable after with `u`.
public enum MethodSwitchProposal {
    /// The method `steps` places after `method` in the registry's order.
    public static func method(after method: String, steps: Int) -> String {
        let names = MethodRegistry.names
        let index = names.firstIndex(of: method) ?? 0
        return names[((index + steps) % names.count + names.count) % names.count]
    }

    /// "Enter: switch magnitude → random (m next, Esc keeps magnitude): it changes 239,400
    /// of 266,200 masks at once, sparsity 30.0% → 90.0%".
    public static func message(_ preview: MethodSwitchPreview) -> String {
        let keys = "Enter: switch \(preview.from) → \(preview.to) (m next, Esc keeps \(preview.from)): "
        guard preview.changedMasks > 0 else {
            return keys + "no mask changes at once; \(preview.to) selects by its own rule from its next update"
        }
        let percent = { (value: Double) in String(format: "%.1f%%", value * 100) }
        return keys + "it changes \(Format.grouped(preview.changedMasks)) of \(Format.grouped(preview.prunableWeights)) masks at once, "
            + "sparsity \(percent(preview.sparsityBefore)) → \(percent(preview.sparsityAfter))"
    }

    /// After a switch: what happened and how to take it back.
    public static func applied(_ undo: UndoableMethodSwitch) -> String {
        "method \(undo.from) → \(undo.to) at step \(Format.grouped(undo.step)) · u undoes it"
    }
}
