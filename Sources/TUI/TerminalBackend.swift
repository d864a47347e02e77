import CNCurses
import Foundation

/// The only code that talks to ncurses, and only ever from the main thread. It diffs
/// each new `Screen` against the last one drawn and writes just the changed cells.
public final class TerminalBackend {
    /// How colours reach the terminal: the colour number ncurses should use for a colour.
    public enum Palette {
        case none
        /// ncurses colour numbers chosen by `index`, e.g. xterm-256 or 16-colour mapping.
        case indexed((Color) -> Int32)
        /// A direct-colour terminal (terminfo "RGB", COLORS = 2^24): the number is 0xRRGGBB.
        case direct
    }

    private var previous: Screen?
    private var palette: Palette
    private var pairs: [PairKey: Int32] = [:]
    private var nextPair: Int32 = 1
    private var isActive = false
    /// True once the terminal has gone away (its pty hung up or closed without a SIGHUP
    /// reaching us, e.g. in another session): reads then fail at once, forever.
    public private(set) var inputClosed = false

    private struct PairKey: Hashable {
        var foreground: Int32
        var background: Int32
    }

    /// Opens the terminal: locale, screen, raw keys, no echo, hidden cursor, mouse. With
    /// `nullScreen`, a curses screen of that size writing to /dev/null (for benchmarks).
    public init(palette: (_ colors: Int, _ hasDirectColor: Bool) -> Palette, mouse: Bool = true,
                nullScreen: (term: String, width: Int, height: Int)? = nil) {
        setlocale(LC_ALL, "")
        if let nullScreen {
            prunetop_open_null_screen(nullScreen.term, Int32(nullScreen.height), Int32(nullScreen.width))
        } else {
            initscr()
        }
        cbreak()
        noecho()
        nonl()
        keypad(prunetop_stdscr(), true)
        intrflush(prunetop_stdscr(), false)
        curs_set(0)
        var chosen = Palette.none
        if has_colors() {
            start_color()
            use_default_colors()
            let direct = tigetflag("RGB") > 0 || prunetop_colors() >= 0x100_0000
            chosen = palette(Int(prunetop_colors()), direct)
        }
        self.palette = chosen
        if mouse {
            mouseinterval(0)
            mousemask(prunetop_mouse_mask(), nil)
        }
        isActive = true
    }

    deinit { close() }

    /// Restores the terminal (idempotent).
    public func close() {
        guard isActive else { return }
        isActive = false
        endwin()
    }

    public var size: (width: Int, height: Int) { (Int(prunetop_max_x(prunetop_stdscr())), Int(prunetop_max_y(prunetop_stdscr()))) }

    /// Waits up to `milliseconds` for input.
    public func readKey(timeoutMilliseconds milliseconds: Int32) -> KeyEvent? {
        wtimeout(prunetop_stdscr(), milliseconds)
        var character: wint_t = 0
        let result = wget_wch(prunetop_stdscr(), &character)
        if result == ERR {
            if !inputClosed && Self.inputHungUp() { inputClosed = true }
            return nil
        }
        if result == KEY_CODE_YES { return functionKey(Int32(character)) }
        switch character {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .character("\u{7F}")  // backspace, for typed values
        default: return Unicode.Scalar(UInt32(character)).map { .character(Character($0)) }
        }
    }

    /// Whether stdin reports a hang-up or an error now (a timeout leaves it quiet).
    private static func inputHungUp() -> Bool {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) == 1 else { return false }
        return Int32(descriptor.revents) & (POLLHUP | POLLERR | POLLNVAL) != 0
    }

    private func functionKey(_ code: Int32) -> KeyEvent? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .character("\u{7F}")
        case KEY_RESIZE: return .resize
        case KEY_MOUSE:
            var event = MEVENT()
            guard getmouse(&event) == OK else { return nil }
            let (x, y) = (Int(event.x), Int(event.y))
            if prunetop_is_wheel_up(event.bstate) != 0 { return .wheelUp(x: x, y: y) }
            if prunetop_is_wheel_down(event.bstate) != 0 { return .wheelDown(x: x, y: y) }
            if prunetop_is_click(event.bstate) != 0 { return .mouseClick(x: x, y: y) }
            return nil
        default: return nil
        }
    }

    /// Draws `screen`, writing only cells that differ from the last frame (everything
    /// after a resize or `invalidate()`).
    public func draw(_ screen: Screen) {
        let full = previous.map { $0.width != screen.width || $0.height != screen.height } ?? true
        if full {
            // Blank the window too: the bottom-right cell is never written, and would keep
            // whatever an earlier frame of another size left there.
            werase(prunetop_stdscr())
            clearok(prunetop_stdscr(), true)
        }
        for y in 0..<screen.height {
            for x in 0..<screen.width {
                let cell = screen[x, y]
                if !full, let previous, previous[x, y] == cell { continue }
                // The bottom-right cell would scroll some terminals; skip writing it.
                if x == screen.width - 1 && y == screen.height - 1 { continue }
                let scalar = cell.character.unicodeScalars.first.map { wchar_t(bitPattern: $0.value) } ?? 32
                prunetop_put_cell(Int32(y), Int32(x), scalar, attributes(cell.style), pair(for: cell.style))
            }
        }
        previous = screen
        refresh()
    }

    /// Forces the next draw to repaint everything (after a resize or a resume).
    public func invalidate() { previous = nil }

    private func attributes(_ style: CellStyle) -> attr_t {
        var attrs = prunetop_attr_normal()
        if style.bold { attrs |= prunetop_attr_bold() }
        if style.dim { attrs |= prunetop_attr_dim() }
        if style.reverse { attrs |= prunetop_attr_reverse() }
        if style.underline { attrs |= prunetop_attr_underline() }
        return attrs
    }

    private func colorNumber(_ color: Color?) -> Int32 {
        guard let color else { return -1 }
        switch palette {
        case .none: return -1
        case let .indexed(index): return index(color)
        case .direct: return Int32(color.red) << 16 | Int32(color.green) << 8 | Int32(color.blue)
        }
    }

    private func pair(for style: CellStyle) -> Int32 {
        let key = PairKey(foreground: colorNumber(style.foreground), background: colorNumber(style.background))
        if key.foreground == -1 && key.background == -1 { return 0 }
        if let pair = pairs[key] { return pair }
        guard nextPair < prunetop_color_pairs() else { return 0 }
        let pair = nextPair
        nextPair += 1
        init_extended_pair(pair, key.foreground, key.background)
        pairs[key] = pair
        return pair
    }
}
