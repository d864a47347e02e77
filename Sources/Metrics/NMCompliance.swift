/// How far a mask follows an N:M pattern (at most N kept in every group of M consecutive
/// weights), with groups as prunetop's N:M granularity and NVIDIA's ASP form them: along
/// the input dimension, so along each row of a Dense weight [out, in] and along the input
/// channels of a Conv2D weight [out, in, kh, kw] at each kernel tap. A group left short at
/// the end of a row (inputs not a multiple of M) complies when it keeps at most N.
public struct NMCompliance: Sendable, Equatable, Codable {
    public var n: Int
    public var m: Int
    public var groupCount: Int
    public var compliantGroupCount: Int

    public var isCompliant: Bool { compliantGroupCount == groupCount }
    /// Compliant groups over all groups; 1 for a tensor with none.
    public var fraction: Double { groupCount == 0 ? 1 : Double(compliantGroupCount) / Double(groupCount) }
    public var pattern: String { "\(n):\(m)" }

    public init(n: Int, m: Int, groupCount: Int, compliantGroupCount: Int) {
        (self.n, self.m, self.groupCount, self.compliantGroupCount) = (n, m, groupCount, compliantGroupCount)
    }

    /// `mask` is 0/1 (or a weight, where non-zero counts as kept) of `shape`, at least 2-D.
    public static func measure(mask: [Float], shape: [Int], n: Int, m: Int) -> NMCompliance {
        precondition(m >= 1 && n >= 0 && shape.count >= 2 && shape.reduce(1, *) == mask.count,
                     "N:M compliance needs M >= 1 and a mask filling a shape of 2 or more dimensions")
        let outputs = shape[0], inputs = shape[1], stride = shape.dropFirst(2).reduce(1, *)
        var groups = 0, compliant = 0
        for o in 0..<outputs {
            for offset in 0..<stride {
                var start = 0
                while start < inputs {
                    let end = min(start + m, inputs)
                    var kept = 0
                    for i in start..<end where mask[(o * inputs + i) * stride + offset] != 0 { kept += 1 }
                    groups += 1
                    if kept <= n { compliant += 1 }
                    start = end
                }
            }
        }
        return NMCompliance(n: n, m: m, groupCount: groups, compliantGroupCount: compliant)
    }
}
