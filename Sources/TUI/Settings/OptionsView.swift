/// The options screen drawn as a box over the dashboard: one row a setting with its value
/// between arrows and when a change takes effect, the selected row highlighted, the file
/// it saves to and the keys at the bottom.
public struct OptionsView: Widget {
    public var screen: OptionsScreen

    public init(_ screen: OptionsScreen) {
        self.screen = screen
    }

    public static let title = "Options"

    public static func frame(in area: Rect) -> Rect {
        let width = min(64, area.width), height = min(OptionsScreen.Row.all.count + 5, area.height)
        return Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
    }

    public func render(into output: inout Screen, area: Rect, theme: Theme, glyphs: Glyphs) {
        let box = Self.frame(in: area)
        output.fill(box)
        PanelFrame(title: Self.title, focused: true).render(into: &output, area: box, theme: theme, glyphs: glyphs)
        let inner = PanelFrame.inner(of: box)
        guard !inner.isEmpty else { return }
        let (left, right) = glyphs.isUnicode ? ("◀", "▶") : ("<", ">")
        for (index, row) in OptionsScreen.Row.all.enumerated() where index < inner.height {
            let y = inner.y + index
            let selected = index == screen.selected
            let style = selected ? CellStyle(foreground: theme.color(.selectedForeground), background: theme.color(.selectedBackground),
                                             bold: true, reverse: theme.isMonochrome)
                : theme.style(.foreground)
            let line = Rect(x: inner.x, y: y, width: inner.width, height: 1)
            if selected { output.fill(line, with: Cell(" ", style: style)) }
            output.put(" " + row.label, x: inner.x, y: y, style: style, clip: line)
            let value = "\(left) \(screen.value(row)) \(right)"
            output.put(value, x: inner.x + 16, y: y, style: selected ? style : theme.style(.highlight, bold: true), clip: line)
            let note = "applies " + OptionsScreen.note(row)
            output.put(note, x: inner.maxX - note.count - 1, y: y,
                       style: selected ? style : CellStyle(foreground: theme.color(.inactive)), clip: line)
        }
        let file = "file: " + (screen.path ?? "none (no HOME or XDG_CONFIG_HOME)")
        output.put(MessageLine.truncated(file, width: inner.width - 2, glyphs: glyphs), x: inner.x + 1, y: inner.maxY - 2,
                   style: theme.style(.inactive), clip: inner)
        let keys = glyphs.isUnicode ? "↑/↓ choose  ←/→ change  Enter saves  Esc closes" : "up/down choose  left/right change  Enter saves  Esc closes"
        output.put(keys, x: inner.x + 1, y: inner.maxY - 1, style: theme.style(.inactive), clip: inner)
    }
}
