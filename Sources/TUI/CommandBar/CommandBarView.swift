/// The `:` bar on the message line: the prompt, the text with the cursor's cell in
/// reverse video, and what Tab offered, dimmed, after it. A line wider than the area
/// scrolls so the cursor stays in view.
public struct CommandBarView: Widget {
    public var editor: CommandEditor

    public init(_ editor: CommandEditor) {
        self.editor = editor
    }

    public func render(into screen: inout Screen, area rect: Rect, theme: Theme, glyphs: Glyphs) {
        guard !rect.isEmpty else { return }
        let row = Rect(x: rect.x, y: rect.y, width: rect.width, height: 1)
        screen.fill(row)
        screen.put(":", x: row.x, y: row.y, style: theme.style(.highlight, bold: true), clip: row)
        let field = Rect(x: row.x + 1, y: row.y, width: row.width - 1, height: 1)
        guard !field.isEmpty else { return }
        let characters = Array(editor.text)
        // Scroll by whole field widths less one, so the cursor (which may sit past the end) shows.
        let first = max(editor.cursor - (field.width - 1), 0)
        let visible = String(characters[min(first, characters.count)...])
        let end = screen.put(visible, x: field.x, y: field.y, style: theme.style(.foreground), clip: field)
        let cursorX = field.x + editor.cursor - first
        screen.style(Rect(x: cursorX, y: field.y, width: 1, height: 1).intersection(field)) { $0.reverse = true }
        if !editor.offered.isEmpty {
            let hint = "  " + editor.offered.joined(separator: " ")
            screen.put(hint, x: max(end, cursorX + 1), y: field.y, style: CellStyle(foreground: theme.color(.inactive), dim: true), clip: field)
        }
    }
}
