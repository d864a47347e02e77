/// A panel's frame with its title in the top border ("╭─ Sparsity ──╮"), its inside
/// cleared; the focused panel's frame and title are highlighted. Its content goes in
/// `inner(of:)`.
public struct PanelFrame: Widget {
    public var title: String
    public var focused: Bool

    public init(title: String, focused: Bool = false) {
        self.title = title
        self.focused = focused
    }

    /// Inside the frame: what the panel's content fills (empty when the frame does not fit).
    public static func inner(of rect: Rect) -> Rect {
        rect.width >= 2 && rect.height >= 2 ? rect.inset(by: 1) : Rect(x: rect.x, y: rect.y, width: 0, height: 0)
    }

    public func render(into screen: inout Screen, area rect: Rect, theme: Theme, glyphs: Glyphs) {
        guard rect.width >= 2 && rect.height >= 2 else { return }
        let frame = CellStyle(foreground: theme.color(focused ? .highlight : .frame), bold: focused && theme.isMonochrome)
        let top = rect.y, bottom = rect.maxY - 1, left = rect.x, right = rect.maxX - 1
        for x in (left + 1)..<right {
            screen[x, top] = Cell(glyphs.horizontal, style: frame)
            screen[x, bottom] = Cell(glyphs.horizontal, style: frame)
        }
        for y in (top + 1)..<bottom {
            screen[left, y] = Cell(glyphs.vertical, style: frame)
            screen[right, y] = Cell(glyphs.vertical, style: frame)
        }
        screen[left, top] = Cell(glyphs.topLeft, style: frame)
        screen[right, top] = Cell(glyphs.topRight, style: frame)
        screen[left, bottom] = Cell(glyphs.bottomLeft, style: frame)
        screen[right, bottom] = Cell(glyphs.bottomRight, style: frame)
        if rect.width >= 6 {
            let label = " \(title) "
            screen.put(label, x: left + 2, y: top, style: CellStyle(foreground: theme.color(focused ? .highlight : .title), bold: true),
                       clip: Rect(x: left + 1, y: top, width: rect.width - 2, height: 1))
        }
        screen.fill(Self.inner(of: rect), with: Cell(" ", style: CellStyle(background: nil)))
    }
}
