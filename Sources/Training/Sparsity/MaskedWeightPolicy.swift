/// What becomes of the weights a mask removes.
public enum MaskedWeightPolicy: Sendable, Equatable {
    /// Held at exactly zero, with their gradients and optimizer state: every pruning
    /// method. IHT and DSD re-enable weights by installing all-ones masks in their dense
    /// phases: the weights come back from 0.
    case zeroed
    /// Kept in a dense copy that still receives gradient updates; the engine swaps the
    /// masked (effective) weights in for the forward and backward passes only (SWAT:
    /// Raihan & Aamodt 2020, arXiv:2001.01969, §3.3).
    case denseShadow
    /// Held by the method at their initial values (DropBack: Golub, Lemieux & Lis 2019,
    /// arXiv:1806.06949): the engine never zeroes them, their gradients or their optimizer
    /// state, and the forward pass sees them as they are.
    case heldAtInitialValues
}
