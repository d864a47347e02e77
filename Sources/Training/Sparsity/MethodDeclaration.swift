/// What a method fixes for the engine in place of the run's settings, and how the
/// engine must treat its masked weights. The engine reads it whenever it needs a setting,
/// so a declaration that changes as the method runs (SWAT-M's budget, N:M's pattern)
/// takes effect at once; it is never a knob turned by the user: no mask update is
/// requested and the run's own settings (what a checkpoint stores as asked) stay as they are.
public struct MethodDeclaration: Sendable, Equatable {
    /// The schedule the method's own options define (IHT, DSD and L1 time their prune
    /// themselves), so that the target shown follows the method; nil: the run's.
    public var schedule: SparsitySchedule?
    /// The sparsity the method's pattern realises (N:M), whatever the run asked for.
    public var target: Double?
    /// A per-layer split the method computes (N:M's realised split, SWAT-M's momentum
    /// split); it replaces the run's budget.
    public var budget: LayerBudget?
    /// The budget used when the run gives none, in place of the descriptor's default
    /// (SWAT's variants).
    public var defaultBudget: LayerBudget?
    /// The granularity the method's pattern needs (N:M); it replaces the run's.
    public var granularity: Granularity?
    public var maskedWeights: MaskedWeightPolicy
    /// What the method makes sparse in the computation.
    public var operands: SparsifiedOperands

    public init(schedule: SparsitySchedule? = nil, target: Double? = nil, budget: LayerBudget? = nil,
                defaultBudget: LayerBudget? = nil, granularity: Granularity? = nil,
                maskedWeights: MaskedWeightPolicy = .zeroed, operands: SparsifiedOperands = .weights) {
        self.schedule = schedule
        self.target = target
        self.budget = budget
        self.defaultBudget = defaultBudget
        self.granularity = granularity
        self.maskedWeights = maskedWeights
        self.operands = operands
    }
}
