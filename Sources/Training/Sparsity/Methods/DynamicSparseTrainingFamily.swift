extension MethodRegistry {
    /// SET, RigL, DropBack.
    static var dynamicSparseTraining: [MethodDescriptor] {
        [SETMethod.descriptor, RigLMethod.descriptor, DropBackMethod.descriptor]
    }
}
