/// Colours by role. Themes are read from btop-format files (`ThemeFile`); widgets ask for
/// roles and gradients, never for file keys.
public struct Theme: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        case background, foreground, title, highlight, selectedBackground, selectedForeground, inactive, frame
        case kept, pruned, accuracy, loss, baseline, regionA, regionB, regionC, warning, estimate, measured
    }

    /// A colour ramp with an optional middle stop (btop's `_start/_mid/_end`).
    public struct Gradient: Sendable, Equatable {
        public var start: Color
        public var middle: Color?
        public var end: Color

        public init(start: Color, middle: Color? = nil, end: Color) {
            self.start = start
            self.middle = middle
            self.end = end
        }

        /// The colour at t in [0, 1].
        public func color(at t: Double) -> Color {
            let t = min(max(t.isFinite ? t : 0, 0), 1)
            guard let middle else { return start.mixed(with: end, t) }
            return t < 0.5 ? start.mixed(with: middle, t * 2) : middle.mixed(with: end, (t - 0.5) * 2)
        }
    }

    public enum GradientRole: String, Sendable, CaseIterable {
        /// Heatmap cells by density (kept fraction), 0 to 1.
        case density
        /// Weight magnitude, 0 to the layer's largest.
        case magnitude
        /// Accuracy, worst to best.
        case accuracy
    }

    public var name: String
    /// Monochrome themes draw with attributes (reverse, bold, dim) and shade glyphs only.
    public var isMonochrome: Bool
    public var colors: [Role: Color]
    public var gradients: [GradientRole: Gradient]

    public init(name: String, isMonochrome: Bool = false, colors: [Role: Color], gradients: [GradientRole: Gradient]) {
        self.name = name
        self.isMonochrome = isMonochrome
        self.colors = colors
        self.gradients = gradients
    }

    public func color(_ role: Role) -> Color? { isMonochrome ? nil : colors[role] }

    public func style(_ role: Role, bold: Bool = false) -> CellStyle {
        CellStyle(foreground: color(role), bold: bold)
    }

    public func gradient(_ role: GradientRole) -> Gradient? { isMonochrome ? nil : gradients[role] }

    /// Built in, so the program draws even with no theme files: the default dark theme.
    public static let fallback = Theme(
        name: "default",
        colors: [
            .background: Color(0x10, 0x12, 0x18), .foreground: Color(0xCC, 0xCC, 0xCC), .title: Color(0xEE, 0xEE, 0xEE),
            .highlight: Color(0x4F, 0xC3, 0xF7), .selectedBackground: Color(0x2A, 0x3A, 0x5A),
            .selectedForeground: Color(0xFF, 0xFF, 0xFF), .inactive: Color(0x60, 0x60, 0x60), .frame: Color(0x50, 0x58, 0x68),
            .kept: Color(0x4F, 0xC3, 0xF7), .pruned: Color(0xE5, 0x73, 0x73), .accuracy: Color(0x81, 0xC7, 0x84),
            .loss: Color(0xFF, 0xB7, 0x4D), .baseline: Color(0x90, 0x90, 0x90), .regionA: Color(0x81, 0xC7, 0x84),
            .regionB: Color(0xFF, 0xF1, 0x76), .regionC: Color(0xE5, 0x73, 0x73), .warning: Color(0xFF, 0x8A, 0x65),
            .estimate: Color(0xBA, 0x68, 0xC8), .measured: Color(0x4D, 0xB6, 0xAC),
        ],
        gradients: [
            .density: Gradient(start: Color(0x1A, 0x1F, 0x2B), middle: Color(0x1E, 0x88, 0xE5), end: Color(0xE3, 0xF2, 0xFD)),
            .magnitude: Gradient(start: Color(0x1A, 0x1F, 0x2B), middle: Color(0x8E, 0x24, 0xAA), end: Color(0xFF, 0xD5, 0x4F)),
            .accuracy: Gradient(start: Color(0xE5, 0x73, 0x73), middle: Color(0xFF, 0xF1, 0x76), end: Color(0x81, 0xC7, 0x84)),
        ])
}
