extension MethodRegistry {
    /// SET, RigL, DropBack.
    static var dynamicSparseTraining: [MethodDescriptor] { [] }
}
