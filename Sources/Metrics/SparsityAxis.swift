import Foundation

/// The x axis of every Occam's hill plot (dashboard and SVG): logarithmic in density,
/// x = log10(1 / (1 - sparsity)) over `decades` decades, so 0%, 90%, 99% (and 99.9% when a
/// point needs it) are evenly spaced and 90%-99% gets as much room as 0%-90%.
public enum SparsityAxis {
    /// 0...1 across the axis.
    public static func position(sparsity: Double, decades: Int) -> Double {
        let density = max(1 - min(max(sparsity, 0), 1), pow(10, -Double(decades)))
        return min(-log10(density) / Double(decades), 1)
    }

    /// Decades the axis spans: 2 (to 99%), more when points go further, at most 4.
    public static func decades(for sparsities: [Double]) -> Int {
        let densest = sparsities.filter { $0 < 1 && $0.isFinite }.max() ?? 0
        let needed = densest > 0 ? Int((-log10(1 - densest) - 1e-9).rounded(.up)) : 0
        return min(max(needed, 2), 4)
    }
}
