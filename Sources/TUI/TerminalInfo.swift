import CNCurses
import Foundation

/// What the terminal we run in can show: read from the environment and terminfo,
/// without opening a curses screen.
public struct TerminalInfo: Sendable, Equatable {
    public enum ColorSupport: String, Sendable {
        case none, basic16 = "16", palette256 = "256", truecolor
    }

    public var term: String?
    public var isTerminal: Bool
    public var columns: Int?
    public var rows: Int?
    public var characterEncoding: String
    public var colors: ColorSupport
    public var noColorRequested: Bool

    public init(term: String?, isTerminal: Bool, columns: Int?, rows: Int?, characterEncoding: String,
                colors: ColorSupport, noColorRequested: Bool) {
        self.term = term
        self.isTerminal = isTerminal
        self.columns = columns
        self.rows = rows
        self.characterEncoding = characterEncoding
        self.colors = colors
        self.noColorRequested = noColorRequested
    }

    public var supportsUnicode: Bool { characterEncoding.uppercased() == "UTF-8" }

    /// Why the dashboard cannot take this process's terminal now, or nil when it can: a job
    /// started in the background (`&`) would be stopped by its first write to the terminal,
    /// and a stopped process keeps a SIGTERM pending instead of ending.
    public static func foregroundRefusal(terminal descriptor: Int32 = STDIN_FILENO) -> String? {
        let foreground = tcgetpgrp(descriptor)
        guard foreground >= 0, foreground != getpgrp() else { return nil }
        return "prunetop is in the background (started with &?), and the dashboard needs the terminal's foreground; "
            + "start it without &, or use `prunetop run` for a run in the background"
    }

    /// Why the dashboard cannot draw on a terminal of type `term`, or nil when it can. A
    /// terminal that cannot move the cursor (TERM=dumb, a missing entry) would otherwise
    /// show a blank screen while a run trains unseen, or end inside ncurses.
    public static func dashboardRefusal(term: String?) -> String? {
        let alternatives = "set TERM to your terminal's type (e.g. TERM=xterm-256color), or use `prunetop run` "
            + "for a run without the dashboard (it shows a progress line)"
        guard let term, !term.isEmpty else { return "the dashboard needs TERM, the terminal's type, and it is not set; " + alternatives }
        switch prunetop_terminfo_addresses_cursor(term) {
        case 1: return nil
        case 0: return "TERM=\(term) cannot move the cursor, which the dashboard needs; " + alternatives
        default: return "TERM=\(term) has no terminfo entry (Debian's ncurses-term has more); " + alternatives
        }
    }

    /// Inspects the process environment. Calls `setlocale`, as the dashboard will.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> TerminalInfo {
        setlocale(LC_ALL, "")
        let encoding = String(cString: nl_langinfo(nl_item(CODESET)))
        let term = environment["TERM"]
        let isTerminal = isatty(STDOUT_FILENO) == 1
        var size = winsize()
        let hasSize = isTerminal && ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0
        let declared = term.map { Int(prunetop_terminfo_colors($0)) } ?? -1
        return TerminalInfo(
            term: term,
            isTerminal: isTerminal,
            columns: hasSize ? Int(size.ws_col) : nil,
            rows: hasSize ? Int(size.ws_row) : nil,
            characterEncoding: encoding,
            colors: colorSupport(terminfoColors: declared, environment: environment),
            noColorRequested: !(environment["NO_COLOR"] ?? "").isEmpty)
    }

    /// Truecolor is not in classic terminfo; terminals announce it through COLORTERM.
    public static func colorSupport(terminfoColors: Int, environment: [String: String]) -> ColorSupport {
        let colorterm = environment["COLORTERM"]?.lowercased() ?? ""
        if colorterm == "truecolor" || colorterm == "24bit" { return .truecolor }
        if terminfoColors >= 256 { return .palette256 }
        if terminfoColors >= 8 { return .basic16 }
        return .none
    }
}
