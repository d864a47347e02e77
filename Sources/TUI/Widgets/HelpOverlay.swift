/// The help box: every key and mouse action (`KeyBindings.help`), centred over the
/// dashboard. Any key closes it (nvitop's habit). One column when the screen is tall
/// enough, else two.
public struct HelpOverlay: Widget {
    public var replay: Bool
    /// Lists the `:` commands (`CommandTable`) instead of the keys.
    public var commands: Bool
    /// The shown panels: a hidden one's keys are not listed.
    public var panels: [PanelID]

    public init(replay: Bool = false, commands: Bool = false, panels: [PanelID] = PanelID.allCases) {
        self.replay = replay
        self.commands = commands
        self.panels = panels
    }

    static func entries(_ glyphs: Glyphs, replay: Bool, commands: Bool, panels: [PanelID]) -> [Entry] {
        commands ? CommandTable.help : KeyBindings.help(glyphs, replay: replay, panels: panels)
    }

    public struct Entry: Sendable, Equatable {
        public var keys: String
        public var action: String

        public init(_ keys: String, _ action: String) {
            self.keys = keys
            self.action = action
        }
    }

    public static let title = "Help"

    /// The key column: the longest keys and two spaces.
    static func keyWidth(_ entries: [Entry]) -> Int { (entries.map(\.keys.count).max() ?? 0) + 2 }
    /// The keys box's footer names the keys that open the command bar, the layer browser
    /// and the options (not in the list, to keep it one column at 80x24).
    static func footer(commands: Bool) -> String { commands ? "any key closes" : ": commands b layers o options" }

    /// The box for a screen area: centred, clamped to the area.
    public static func frame(in area: Rect, replay: Bool = false, commands: Bool = false, panels: [PanelID] = PanelID.allCases,
                             glyphs: Glyphs) -> Rect {
        let entries = entries(glyphs, replay: replay, commands: commands, panels: panels)
        let entryWidth = keyWidth(entries) + (entries.map(\.action.count).max() ?? 0)
        let singleHeight = entries.count + 4  // frame, a blank row, the footer
        let columns = singleHeight <= area.height ? 1 : 2
        let rows = (entries.count + columns - 1) / columns
        let width = min(columns * entryWidth + (columns - 1) * 2 + 4, area.width)
        let height = min(rows + 4, area.height)
        return Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
    }

    public func render(into screen: inout Screen, area: Rect, theme: Theme, glyphs: Glyphs) {
        let box = Self.frame(in: area, replay: replay, commands: commands, panels: panels, glyphs: glyphs)
        PanelFrame(title: commands ? "Commands (type : then one)" : replay ? "Help (replay)" : Self.title, focused: true)
            .render(into: &screen, area: box, theme: theme, glyphs: glyphs)
        let inner = PanelFrame.inner(of: box)
        guard !inner.isEmpty else { return }
        let entries = Self.entries(glyphs, replay: replay, commands: commands, panels: panels)
        let listRows = max(inner.height - 2, 1)
        let columns = (entries.count + listRows - 1) / listRows
        let keyWidth = Self.keyWidth(entries)
        let columnWidth = columns > 1 ? (inner.width - 2 - (columns - 1) * 2) / columns : inner.width - 2
        for (i, entry) in entries.enumerated() {
            let column = i / listRows, row = i % listRows
            let x = inner.x + 1 + column * (columnWidth + 2), y = inner.y + row
            let clip = Rect(x: x, y: y, width: columnWidth, height: 1).intersection(inner)
            screen.put(entry.keys, x: x, y: y, style: theme.style(.highlight, bold: true), clip: clip)
            screen.put(entry.action, x: x + keyWidth, y: y, style: theme.style(.foreground), clip: clip)
        }
        if inner.height >= 3 {
            let footer = Self.footer(commands: commands)
            screen.put(footer, x: inner.x + (inner.width - footer.count) / 2, y: inner.maxY - 1,
                       style: CellStyle(foreground: theme.color(.inactive), dim: theme.isMonochrome), clip: inner)
        }
    }
}
