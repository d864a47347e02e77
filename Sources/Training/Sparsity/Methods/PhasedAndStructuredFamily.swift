extension MethodRegistry {
    /// SWAT, N:M, structured, DSD, IHT, L1.
    static var phasedAndStructured: [MethodDescriptor] { [] }
}
