/// How a one-shot frame (`prunetop show`, `tui --once`) is written: plain text, or with ANSI
/// colours at a depth.
public enum FrameColoring: Equatable, Sendable {
    case plain
    case ansi(ColorDepth)

    /// `auto`: colours only when stdout is a terminal, at its depth (plain under NO_COLOR or on a
    /// terminal without colours); `always`: the terminal's depth, 256 colours when it declares
    /// none (a pipe's TERM may be anything); `never` and `none`: plain; a depth: that depth.
    public static func resolve(_ choice: ColorDepth.Choice, stdoutIsTerminal: Bool, terminal: TerminalInfo) -> FrameColoring {
        switch choice {
        case .auto:
            let depth = ColorDepth.resolve(.auto, terminal: terminal)
            return stdoutIsTerminal && depth != .none ? .ansi(depth) : .plain
        case .always:
            let depth = ColorDepth.resolve(.always, terminal: terminal)
            return .ansi(depth == .none ? .palette256 : depth)
        case .never, .none:
            return .plain
        case .truecolor, .palette256, .basic16:
            return .ansi(ColorDepth.resolve(choice, terminal: terminal))
        }
    }

    /// The depth the dashboard draws the frame at: a plain frame takes the monochrome theme,
    /// whose shades and attributes say what colours would.
    public var depth: ColorDepth {
        switch self {
        case .plain: .none
        case let .ansi(depth): depth
        }
    }

    /// The choice that makes the dashboard draw at `depth` whatever the terminal.
    public var dashboardChoice: ColorDepth.Choice { ColorDepth.Choice(rawValue: depth.rawValue)! }

    public func text(_ screen: Screen) -> String {
        switch self {
        case .plain: ScreenText.plain(screen)
        case let .ansi(depth): ScreenText.ansi(screen, depth: depth)
        }
    }
}
