/// A framed panel with its title in the top border ("╭─ Sparsity ──╮"). Returns the
/// inner rect widgets draw into. The focused panel's frame and title are highlighted.
public enum Panel {
    @discardableResult
    public static func draw(into screen: inout Screen, rect: Rect, title: String, focused: Bool = false,
                            theme: Theme, glyphs: Glyphs) -> Rect {
        guard rect.width >= 2 && rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
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
        let inner = rect.inset(by: 1)
        screen.fill(inner, with: Cell(" ", style: CellStyle(background: nil)))
        return inner
    }
}
