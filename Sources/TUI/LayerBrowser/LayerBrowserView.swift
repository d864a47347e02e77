import Foundation
import Training

/// The layer browser drawn as a box over the dashboard: a heading row, one line per layer
/// (indented under its block's heading), the selected layer in the selection colours, and
/// a footer with the keys or the filter being typed.
public struct LayerBrowserView: Widget {
    public var browser: LayerBrowser

    public init(_ browser: LayerBrowser) {
        self.browser = browser
    }

    public static let title = "Layers"

    /// The box for a screen area: up to 76 columns, all but two rows at top and bottom.
    public static func frame(in area: Rect) -> Rect {
        let width = min(76, area.width), height = max(min(area.height - 2, 60), 0)
        return Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
    }

    /// Where the list's lines go (under the column headings, above the footer).
    public static func listArea(in area: Rect) -> Rect {
        let inner = PanelFrame.inner(of: frame(in: area))
        return Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 2)
    }

    /// "  #  layer            kind        shape   weights sparsity target"
    static func columns(width: Int) -> (name: Int, showsShape: Bool) {
        let fixed = 4 + 7 + 9 + 9 + 7  // index, kind, weights, sparsity, target
        let showsShape = width - fixed >= 16 + 14
        return (max(width - fixed - (showsShape ? 14 : 0), 4), showsShape)
    }

    public func render(into screen: inout Screen, area: Rect, theme: Theme, glyphs: Glyphs) {
        let box = Self.frame(in: area)
        let shown = browser.lines.filter { if case .layer = $0 { true } else { false } }.count
        let title = shown == browser.rows.count ? "\(Self.title) (\(browser.rows.count))" : "\(Self.title) (\(shown) of \(browser.rows.count))"
        screen.fill(box)
        PanelFrame(title: title, focused: true).render(into: &screen, area: box, theme: theme, glyphs: glyphs)
        let inner = PanelFrame.inner(of: box)
        guard inner.height >= 3 else { return }
        let (nameWidth, showsShape) = Self.columns(width: inner.width)
        let heading = pad("#", 4, right: true) + " " + pad("layer", nameWidth - 1) + pad("kind", 7) + (showsShape ? pad("shape", 14) : "")
            + pad("weights", 9, right: true) + pad("sparsity", 9, right: true) + pad("target", 7, right: true)
        screen.put(heading, x: inner.x, y: inner.y, style: theme.style(.title, bold: true), clip: inner)
        let list = Self.listArea(in: area)
        for (offset, line) in browser.lines.dropFirst(browser.scroll).prefix(list.height).enumerated() {
            let y = list.y + offset
            switch line {
            case let .block(name):
                screen.put("     " + name, x: list.x, y: y, style: theme.style(.inactive, bold: true), clip: list)
            case let .layer(row):
                // Under its block's heading a layer goes by the rest of its name ("conv1", "shortcut.conv").
                let shortName = row.block.map { row.name.hasPrefix($0 + ".") ? String(row.name.dropFirst($0.count + 1)) : row.name }
                let shape = row.shape.map(String.init).joined(separator: "x")
                let text = pad("\(row.index + 1)", 4, right: true) + " " + pad(shortName.map { "  " + $0 } ?? row.name, nameWidth - 1) + pad(row.kind, 7)
                    + (showsShape ? pad(shape, 14) : "") + pad(Format.grouped(row.parameters), 9, right: true)
                    + pad(String(format: "%.1f%%", row.sparsity * 100), 9, right: true)
                    + pad(row.target.map { String(format: "%.1f%%", $0 * 100) } ?? "-", 7, right: true)
                let selected = row.index == browser.selected
                let style = selected ? CellStyle(foreground: theme.color(.selectedForeground), background: theme.color(.selectedBackground),
                                                 bold: true, reverse: theme.isMonochrome)
                    : theme.style(.foreground)
                let rowRect = Rect(x: list.x, y: y, width: list.width, height: 1)
                if selected { screen.fill(rowRect, with: Cell(" ", style: style)) }
                screen.put(text, x: list.x, y: y, style: style, clip: rowRect)
            }
        }
        if browser.lines.isEmpty {
            screen.put("no layer matches '\(browser.filter)'", x: list.x + 1, y: list.y, style: theme.style(.inactive), clip: list)
        }
        let footer = browser.typingFilter ? "/\(browser.filter)_   Enter keeps the filter, Esc clears it"
            : (browser.filter.isEmpty ? "" : "filter '\(browser.filter)'  ") + "/ filters  Enter shows  Esc closes"
        screen.put(footer, x: inner.x + 1, y: inner.maxY - 1, style: theme.style(browser.typingFilter ? .highlight : .inactive), clip: inner)
    }

    /// `text` cut or padded with spaces to `width` (on the left when `right`-aligned), then a space.
    private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let cut = text.count > width - 1 ? String(text.prefix(max(width - 1, 0))) : text
        let fill = String(repeating: " ", count: max(width - 1 - cut.count, 0))
        return (right ? fill + cut : cut + fill) + " "
    }
}

extension DashboardLayout {
    /// Between the header and the message line: where the panels (and the layer browser) go.
    public var body: Rect { Rect(x: 0, y: header.maxY, width: width, height: messageLine.y - header.maxY) }
}
