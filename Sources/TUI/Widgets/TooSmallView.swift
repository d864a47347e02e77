/// What the dashboard shows when the terminal is under 80x24: "resize to at least 80x24
/// (now WxH)", word-wrapped and centred; shorter wordings as the screen shrinks, down to
/// a single "!" at 1x1.
public struct TooSmallView: Widget {
    public var minimumWidth: Int
    public var minimumHeight: Int

    public init(minimumWidth: Int = DashboardLayout.minimumWidth, minimumHeight: Int = DashboardLayout.minimumHeight) {
        self.minimumWidth = minimumWidth
        self.minimumHeight = minimumHeight
    }

    public func render(into screen: inout Screen, area: Rect, theme: Theme, glyphs: Glyphs) {
        screen.fill(area)
        let lines = Self.lines(width: area.width, height: area.height, minimumWidth: minimumWidth, minimumHeight: minimumHeight)
        let top = area.y + (area.height - lines.count) / 2
        for (i, line) in lines.enumerated() {
            screen.put(line, x: area.x + (area.width - line.count) / 2, y: top + i, style: theme.style(.warning, bold: true))
        }
    }

    /// The wrapped lines for a screen this size: the longest wording that fits.
    public static func lines(width: Int, height: Int, minimumWidth: Int = DashboardLayout.minimumWidth,
                             minimumHeight: Int = DashboardLayout.minimumHeight) -> [String] {
        let need = "\(minimumWidth)x\(minimumHeight)", now = "\(width)x\(height)"
        let wordings = ["resize to at least \(need) (now \(now))", "resize to \(need) (now \(now))", "need \(need)", need, "!"]
        for wording in wordings {
            let wrapped = wrap(wording, width: width)
            if wrapped.count <= height && wrapped.allSatisfy({ $0.count <= width }) { return wrapped }
        }
        return []
    }

    /// Greedy word wrap; words longer than the width are not split (the caller rejects them).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if line.isEmpty { line = String(word) } else if line.count + 1 + word.count <= width { line += " " + word } else {
                lines.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
