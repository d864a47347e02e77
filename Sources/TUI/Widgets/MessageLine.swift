/// The bottom line: the latest message ("target sparsity 0.90 → 0.95 at step 12,345"),
/// cut with an ellipsis when it is wider than the screen; blank when there is none.
public struct MessageLine: Widget {
    public var message: String?

    public init(_ message: String?) {
        self.message = message
    }

    public func render(into screen: inout Screen, area rect: Rect, theme: Theme, glyphs: Glyphs) {
        guard !rect.isEmpty else { return }
        let row = Rect(x: rect.x, y: rect.y, width: rect.width, height: 1)
        screen.fill(row)
        guard let message, !message.isEmpty else { return }
        let text = Self.truncated(message, width: rect.width - 1, glyphs: glyphs)
        screen.put(text, x: rect.x + 1, y: rect.y, style: theme.style(.highlight), clip: row)
    }

    /// `text` on one line (line breaks become spaces), at most `width` characters.
    public static func truncated(_ text: String, width: Int, glyphs: Glyphs) -> String {
        let flat = String(text.map { $0.isNewline ? " " : $0 })
        guard width > 0 else { return "" }
        guard flat.count > width else { return flat }
        let ellipsis = glyphs.isUnicode ? "…" : "..."
        guard width > ellipsis.count else { return String(flat.prefix(width)) }
        return String(flat.prefix(width - ellipsis.count)) + ellipsis
    }
}
