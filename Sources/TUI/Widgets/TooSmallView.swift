/// What the dashboard shows when the terminal is under 80x24: "resize to at least 80x24
/// (now WxH)", word-wrapped and centred; shorter wordings as the screen shrinks, down to
/// a single "!" at 1x1.
public enum TooSmallView {
    public static func draw(into screen: inout Screen, theme: Theme,
                            minimumWidth: Int = DashboardLayout.minimumWidth, minimumHeight: Int = DashboardLayout.minimumHeight) {
        screen.fill(screen.bounds)
        let lines = lines(width: screen.width, height: screen.height, minimumWidth: minimumWidth, minimumHeight: minimumHeight)
        let top = (screen.height - lines.count) / 2
        for (i, line) in lines.enumerated() {
            screen.put(line, x: (screen.width - line.count) / 2, y: top + i, style: theme.style(.warning, bold: true))
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
