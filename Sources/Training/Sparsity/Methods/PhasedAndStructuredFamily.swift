extension MethodRegistry {
    /// SWAT, N:M, structured, DSD, IHT, L1.
    static var phasedAndStructured: [MethodDescriptor] {
        [SWATMethod.descriptor, NMMethod.descriptor, StructuredMethod.descriptor,
         DSDMethod.descriptor, IHTMethod.descriptor, L1Method.descriptor]
    }
}

/// Helpers shared by the phased and structured methods.
enum PhasedMethodSupport {
    /// All-ones masks: every weight active.
    static func allActive(_ engine: SparsityEngine) -> [[Float]] {
        engine.masks.map { [Float](repeating: 1, count: $0.count) }
    }

    /// Step `fraction` of the way through the run.
    static func step(at fraction: Double, of total: Int) -> Int {
        min(total, max(0, Int((Double(total) * fraction).rounded())))
    }
}
