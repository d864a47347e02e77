// Method families, each registered by the file that implements it.
extension MethodRegistry {
    /// SNIP, SynFlow, lottery tickets, Taylor and movement scores.
    static var pruningAtInitialization: [MethodDescriptor] { [] }
    /// SET, RigL, DropBack.
    static var dynamicSparseTraining: [MethodDescriptor] { [] }
    /// SWAT, N:M, structured, DSD, IHT, L1.
    static var phasedAndStructured: [MethodDescriptor] { [] }
}
