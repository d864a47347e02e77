import Foundation

/// A widget with more rows than may fit, shown from `firstRow` on below `headerRows`
/// fixed ones.
public protocol ScrollableWidget: Widget {
    var firstRow: Int { get set }
    var rowCount: Int { get }
    static var headerRows: Int { get }
}

/// One widget full-screen in the terminal, under a title line and above a key line, until
/// q, Esc or Enter (or a terminating signal, or the terminal going away); ↑/↓ (k/j, the
/// wheel) scroll its rows; redrawn when the terminal is resized. For results computed once
/// and only looked at (`prunetop sensitivity --tui`), where the dashboard has nothing to show.
public struct WidgetViewer<Content: ScrollableWidget> {
    public var title: String
    public var content: Content
    public var theme: Theme
    public var glyphs: Glyphs

    public init(title: String, content: Content, theme: Theme = .fallback, glyphs: Glyphs = .unicode) {
        self.title = title
        self.content = content
        self.theme = theme
        self.glyphs = glyphs
    }

    static var contentTop: Int { 2 }

    /// The whole screen of `width` × `height` as drawn.
    public func screen(width: Int, height: Int) -> Screen {
        var screen = Screen(width: width, height: height)
        screen.put(title, x: 0, y: 0, style: theme.style(.title, bold: true), clip: screen.bounds)
        content.render(into: &screen, area: Rect(x: 0, y: Self.contentTop, width: width, height: max(height - Self.contentTop - 1, 0)),
                       theme: theme, glyphs: glyphs)
        screen.put("q quit" + (content.rowCount > visibleRows(height: height) ? (glyphs.isUnicode ? "  ↑↓ scroll" : "  up/down scroll") : ""),
                   x: 0, y: height - 1, style: theme.style(.inactive), clip: screen.bounds)
        return screen
    }

    func visibleRows(height: Int) -> Int { max(height - Self.contentTop - 1 - Content.headerRows, 0) }

    /// Moves the rows by `delta`, kept between the first row and the last screenful.
    public mutating func scroll(by delta: Int, height: Int) {
        content.firstRow = min(max(content.firstRow + delta, 0), max(content.rowCount - visibleRows(height: height), 0))
    }

    /// Returns the signal that ended it, if one did (the terminal is restored either way).
    public mutating func run() -> TerminationSignals.Signal? {
        let signals = TerminationSignals()
        signals.start()
        let backend = TerminalBackend(palette: { colors, _ in
            if colors >= 256 { return .indexed { Int32(ColorDepth.nearestPalette256($0)) } }
            return .indexed { color in
                let index = ColorDepth.nearestBasic16(color)
                return Int32(index < colors ? index : 7)
            }
        })
        defer { backend.close() }
        backend.draw(screen(width: backend.size.width, height: backend.size.height))
        while signals.received == nil && !backend.inputClosed {
            guard let key = backend.readKey(timeoutMilliseconds: 100) else { continue }
            let height = backend.size.height
            switch key {
            case .character("q"), .character("Q"), .escape, .enter: return nil
            case .up, .character("k"), .wheelUp: scroll(by: -1, height: height)
            case .down, .character("j"), .wheelDown: scroll(by: 1, height: height)
            case .resize:
                backend.invalidate()
                scroll(by: 0, height: height)
            default: break
            }
            backend.draw(screen(width: backend.size.width, height: height))
        }
        return signals.received
    }
}
