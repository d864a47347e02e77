/// Which operands of a layer's three training GEMMs a method makes sparse (Raihan &
/// Aamodt 2020, "Sparse Weight Activation Training", arXiv:2001.01969, §3.1 Eqs. 1-3 and
/// Table 1). FLOP counts and accelerator estimates read it, so that they count what the
/// network computes rather than what the mask says:
///
///     forward          a_l = f(a_{l-1}, w_l)      sparse when the weights are
///     input gradient   G_l(∇a_l, w_l)             sparse when the weights are
///     weight gradient  H_l(∇a_l, a_{l-1})         sparse when the activations are
public enum SparsifiedOperands: String, Sendable, Equatable, CaseIterable, Codable {
    /// Masked weights are zero in the forward pass and the input gradient; the weight
    /// gradient is dense (Table 1: network pruning, SET, RigL). Every pruning method.
    case weights
    /// Top-K weights in the forward pass and the input gradient, Top-K input activations
    /// in the weight gradient: SWAT.
    case weightsAndActivations = "weights and activations"
    /// Dense weights; Top-K input activations in the weight gradient only (SWAT's
    /// activations-only ablation).
    case activations
    /// Nothing the network multiplies is skipped: the mask marks which weights are
    /// stored and trained, and the others still take part at a value the method sets.
    /// DropBack: untracked weights are regenerated at their initial values, so it saves
    /// storage and memory traffic, not multiply-adds.
    case none

    public var sparsifiesWeights: Bool { self == .weights || self == .weightsAndActivations }
    public var sparsifiesActivations: Bool { self == .activations || self == .weightsAndActivations }
}
