/// How many colours the dashboard draws with, and how a theme's 24-bit `Color` becomes one of them.
public enum ColorDepth: String, Sendable, CaseIterable {
    case truecolor
    /// The xterm 256-colour palette; we use its 6x6x6 cube and 24 greys (16-255), whose values are
    /// fixed, and never 0-15, whose values each terminal chooses.
    case palette256 = "256"
    /// The 8 ANSI colours and their bright variants (indices 0-15).
    case basic16 = "16"
    /// No colour: attributes (reverse, bold, dim) only.
    case none

    /// The `--color` option's values.
    public enum Choice: String, Sendable, CaseIterable {
        case auto, truecolor, palette256 = "256", basic16 = "16", none
        /// The terminal's depth even when NO_COLOR is set (and over a pipe, for a one-shot frame).
        case always
        /// The same as `none`.
        case never

        /// The choices the options screen steps through: `always` and `never` are words for
        /// one-shot frames (`never` is `none`).
        public static let dashboardChoices: [Choice] = [.auto, .truecolor, .palette256, .basic16, .none]

        /// Parses a `--color=` argument; nil for anything else.
        public init?(argument: String) {
            self.init(rawValue: argument.lowercased())
        }
    }

    /// The depth to draw with. `auto` follows the terminal (terminfo and COLORTERM) and gives
    /// `none` when NO_COLOR is set; an explicit choice wins over NO_COLOR, as no-color.org asks
    /// of command-line flags.
    public static func resolve(_ choice: Choice, terminal: TerminalInfo) -> ColorDepth {
        switch choice {
        case .truecolor: return .truecolor
        case .palette256: return .palette256
        case .basic16: return .basic16
        case .none, .never: return .none
        case .auto, .always:
            if choice == .auto && terminal.noColorRequested { return .none }
            switch terminal.colors {
            case .truecolor: return .truecolor
            case .palette256: return .palette256
            case .basic16: return .basic16
            case .none: return .none
            }
        }
    }

    /// `color` as this depth can show it; nil at `.none` (and for a nil colour: the terminal default).
    public func terminalColor(for color: Color?) -> TerminalColor? {
        guard let color else { return nil }
        switch self {
        case .truecolor: return .rgb(color)
        case .palette256: return .indexed(Self.nearestPalette256(color))
        case .basic16: return .indexed(Self.nearestBasic16(color))
        case .none: return nil
        }
    }

    /// A monochrome copy of `theme` when there is no colour, else `theme` itself.
    public func adapting(_ theme: Theme) -> Theme {
        guard self == .none, !theme.isMonochrome else { return theme }
        var adapted = theme
        adapted.isMonochrome = true
        return adapted
    }
}

/// A colour in the form the backend hands to the terminal.
public enum TerminalColor: Hashable, Sendable {
    case rgb(Color)
    /// A palette index, 0-255.
    case indexed(Int)
}

// MARK: - The xterm 256-colour palette

extension ColorDepth {
    /// The six channel levels of xterm's colour cube (indices 16-231).
    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The RGB value xterm gives palette index 16-255 (cube and greys); nil for 0-15 and out of range.
    public static func palette256Color(_ index: Int) -> Color? {
        switch index {
        case 16...231:
            let cube = index - 16
            return Color(UInt8(cubeLevels[cube / 36]), UInt8(cubeLevels[cube / 6 % 6]), UInt8(cubeLevels[cube % 6]))
        case 232...255:
            let grey = UInt8(8 + 10 * (index - 232))
            return Color(grey, grey, grey)
        default:
            return nil
        }
    }

    /// The nearest of the cube and grey-ramp entries (squared RGB distance).
    public static func nearestPalette256(_ color: Color) -> Int {
        func nearestLevel(_ channel: UInt8) -> Int {
            cubeLevels.indices.min { abs(cubeLevels[$0] - Int(channel)) < abs(cubeLevels[$1] - Int(channel)) }!
        }
        let cubeIndex = 16 + 36 * nearestLevel(color.red) + 6 * nearestLevel(color.green) + nearestLevel(color.blue)
        let average = (Int(color.red) + Int(color.green) + Int(color.blue)) / 3
        let greyIndex = 232 + min(max((average - 8 + 5) / 10, 0), 23)
        let cubeDistance = distanceSquared(color, palette256Color(cubeIndex)!)
        let greyDistance = distanceSquared(color, palette256Color(greyIndex)!)
        return greyDistance < cubeDistance ? greyIndex : cubeIndex
    }

    static func distanceSquared(_ a: Color, _ b: Color) -> Int {
        let dr = Int(a.red) - Int(b.red), dg = Int(a.green) - Int(b.green), db = Int(a.blue) - Int(b.blue)
        return dr * dr + dg * dg + db * db
    }
}

// MARK: - The 16 ANSI colours

extension ColorDepth {
    /// ANSI colour indices: 0 black, 1 red, 2 green, 3 yellow, 4 blue, 5 magenta, 6 cyan, 7 white;
    /// add 8 for the bright variant (8 is "bright black", a grey).
    ///
    /// Terminals choose these colours' exact values, so the nearest-RGB match against one palette
    /// misleads (a salmon red lands on grey). Instead: low-chroma colours go to the four greys by
    /// lightness; others to the hue's sector, bright when light.
    public static func nearestBasic16(_ color: Color) -> Int {
        let r = Int(color.red), g = Int(color.green), b = Int(color.blue)
        let high = max(r, g, b), low = min(r, g, b), chroma = high - low
        if chroma < 40 || Double(chroma) < 0.2 * Double(high) {
            let lightness = (r + g + b) / 3
            switch lightness {
            case ..<0x40: return 0
            case ..<0xA0: return 8
            case ..<0xE0: return 7
            default: return 15
            }
        }
        var hue: Double
        let c = Double(chroma)
        if high == r {
            hue = 60 * (Double(g - b) / c)
        } else if high == g {
            hue = 60 * (Double(b - r) / c + 2)
        } else {
            hue = 60 * (Double(r - g) / c + 4)
        }
        if hue < 0 { hue += 360 }
        // Hue sectors, widened where the eye sees more: an azure like #1e88e5 reads as blue, not cyan.
        let base: Int
        switch hue {
        case ..<20: base = 1
        case ..<75: base = 3
        case ..<160: base = 2
        case ..<205: base = 6
        case ..<270: base = 4
        case ..<330: base = 5
        default: base = 1
        }
        let bright = (high + low) / 2 >= 0x90 || high >= 0xF0
        return bright ? base + 8 : base
    }
}

// MARK: - The backend's palette

extension ColorDepth {
    /// How the backend hands colours to a terminal of `colors` colours (direct colour when it has it) at this depth.
    public func backendPalette(colors: Int, hasDirectColor: Bool) -> TerminalBackend.Palette {
        switch self {
        case .none: return .none
        case .truecolor where hasDirectColor: return .direct
        default:
            return .indexed { color in
                switch self.terminalColor(for: color) {
                case let .indexed(index): return Int32(index < colors ? index : 7)
                case let .rgb(rgb): return Int32(colors >= 256 ? ColorDepth.nearestPalette256(rgb) : ColorDepth.nearestBasic16(rgb))
                case nil: return -1
                }
            }
        }
    }
}
