/// The per-weight update shared by the methods that score weights by g·w during
/// training (movement: Sanh, Wolf & Rush 2020, arXiv:2005.07683; Taylor: Hoefler et al.
/// 2021, arXiv:2102.00554, §3.4).
enum GradientWeightScores {
    /// Calls `update(&score, g·w)` for every weight of every prunable tensor, with g the
    /// dense gradient (before masking) and w the weights the forward pass used.
    @inline(__always)
    static func accumulate(into scores: inout [[Float]], _ engine: SparsityEngine,
                           _ update: (inout Float, Float) -> Void) {
        for (l, parameter) in engine.prunable.enumerated() {
            scores[l].withUnsafeMutableBufferPointer { s in
                parameter.value.withUnsafeBufferPointer { w in
                    parameter.gradient.withUnsafeBufferPointer { g in
                        for i in 0..<s.count { update(&s[i], g[i] * w[i]) }
                    }
                }
            }
        }
    }
}
