import Foundation

/// One widget full-screen in the terminal, under a title line and above a key line, until
/// q, Esc or Enter (or a terminating signal, or the terminal going away); redrawn when the
/// terminal is resized. For results that are computed once and only looked at
/// (`prunetop sensitivity --tui`), where the whole dashboard has nothing to show.
public struct WidgetViewer<Content: Widget> {
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

    /// The whole screen of `width` × `height` as drawn.
    public func screen(width: Int, height: Int) -> Screen {
        var screen = Screen(width: width, height: height)
        screen.put(title, x: 0, y: 0, style: theme.style(.title, bold: true), clip: screen.bounds)
        content.render(into: &screen, area: Rect(x: 0, y: 2, width: width, height: max(height - 3, 0)), theme: theme, glyphs: glyphs)
        screen.put("q quit", x: 0, y: height - 1, style: theme.style(.inactive), clip: screen.bounds)
        return screen
    }

    /// Returns the signal that ended it, if one did (the terminal is restored either way).
    public func run() -> TerminationSignals.Signal? {
        let signals = TerminationSignals()
        signals.start()
        let backend = TerminalBackend(palette: { colors, _ in
            if colors >= 256 { return .indexed { Int32(ColorDepth.nearestPalette256($0)) } }
            return .indexed { color in
                let index = ColorDepth.nearestBasic16(color)
                return Int32(index < colors ? index : 7)
            }
        }, mouse: false)
        defer { backend.close() }
        backend.draw(screen(width: backend.size.width, height: backend.size.height))
        while signals.received == nil && !backend.inputClosed {
            guard let key = backend.readKey(timeoutMilliseconds: 100) else { continue }
            switch key {
            case .character("q"), .character("Q"), .escape, .enter: return nil
            case .resize: backend.invalidate()
            default: break
            }
            backend.draw(screen(width: backend.size.width, height: backend.size.height))
        }
        return signals.received
    }
}
