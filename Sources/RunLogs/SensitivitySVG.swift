import Foundation
import Training

/// Per-layer sensitivity as a standalone SVG 1.1 heatmap: one row per prunable layer, one
/// column per sparsity, each cell the accuracy drop in points (the layer pruned alone)
/// written in it and shaded from white (no drop, or a gain) to red (the table's largest
/// drop). Fixed layout and one-decimal coordinates: the same table gives the same bytes.
public struct SensitivitySVG: Sendable {
    public var title: String
    public var curves: SensitivityCurves

    public init(title: String, curves: SensitivityCurves) {
        self.title = title
        self.curves = curves
    }

    static let cellWidth = 64.0, cellHeight = 24.0, left = 180.0, top = 76.0

    public var document: String {
        let width = Self.left + Double(curves.sparsities.count) * Self.cellWidth + 24
        let height = Self.top + Double(curves.layers.count) * Self.cellHeight + 48
        let size = "width=\"\(format(width))\" height=\"\(format(height))\" viewBox=\"0 0 \(format(width)) \(format(height))\""
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" \(size) font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">",
            "<title>\(HillSVG.escaped(title))</title>",
            "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(format(width))\" height=\"\(format(height))\" fill=\"#ffffff\"/>",
            "<text class=\"title\" x=\"16\" y=\"28\" font-size=\"16\" font-weight=\"bold\">\(HillSVG.escaped(title))</text>",
            "<text class=\"subtitle\" x=\"16\" y=\"48\" fill=\"#424242\">accuracy drop in points, each layer pruned alone by magnitude; dense "
                + String(format: "%.2f%%", curves.denseAccuracy * 100) + "</text>",
        ]
        for (index, sparsity) in curves.sparsities.enumerated() {
            let x = Self.left + (Double(index) + 0.5) * Self.cellWidth
            lines.append("<text class=\"sparsity\" x=\"\(format(x))\" y=\"\(format(Self.top - 8))\" text-anchor=\"middle\" "
                         + "font-weight=\"bold\">" + String(format: "%g%%", sparsity * 100) + "</text>")
        }
        let largest = curves.largestDrop
        for (l, layer) in curves.layers.enumerated() {
            let y = Self.top + Double(l) * Self.cellHeight
            lines.append("<text class=\"layer\" x=\"\(format(Self.left - 8))\" y=\"\(format(y + 16))\" text-anchor=\"end\">"
                         + HillSVG.escaped(layer.name) + "</text>")
            for index in curves.sparsities.indices {
                let drop = curves.drop(layer: l, at: index)
                let x = Self.left + Double(index) * Self.cellWidth
                let shade = largest > 0 ? max(drop, 0) / largest : 0
                lines.append("<rect class=\"cell\" x=\"\(format(x))\" y=\"\(format(y))\" width=\"\(format(Self.cellWidth))\" "
                             + "height=\"\(format(Self.cellHeight))\" fill=\"\(Self.color(shade))\" stroke=\"#e0e0e0\"/>")
                lines.append("<text class=\"drop\" x=\"\(format(x + Self.cellWidth / 2))\" y=\"\(format(y + 16))\" text-anchor=\"middle\" "
                             + "fill=\"\(shade > 0.6 ? "#ffffff" : "#212121")\">" + String(format: "%.1f", drop * 100) + "</text>")
            }
        }
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// White (0) to #c62828 (1).
    static func color(_ t: Double) -> String {
        let t = min(max(t.isFinite ? t : 0, 0), 1)
        let (r, g, b) = (255 + (198 - 255) * t, 255 + (40 - 255) * t, 255 + (40 - 255) * t)
        return String(format: "#%02x%02x%02x", Int(r.rounded()), Int(g.rounded()), Int(b.rounded()))
    }
}

private func format(_ value: Double) -> String { String(format: "%.1f", value) }
