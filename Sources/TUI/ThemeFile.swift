import Foundation

/// A theme read from btop's file format: one `theme[key]="value"` a line, `#` comments.
///
/// Colour values take btop's three forms: `"#RRGGBB"`, `"#GG"` (a grey) and `"R G B"` (decimal,
/// 0-255 each). Quotes are optional, as in btop. An empty value leaves the key unset (so a
/// gradient's `_mid`/`_end` can be left empty); an empty `main_bg` means the terminal's own
/// background. Gradients are `name_start`, `name_mid`, `name_end`: start alone is one colour,
/// start and end a two-stop ramp, all three a three-stop ramp (start and mid alone: a ramp to mid).
///
/// Parsing never fails on content: each bad line becomes a `Diagnostic` (file, line, what was
/// expected) and the good lines still apply. Keys a file leaves out keep `Theme.fallback`'s colour.
public struct ThemeFile: Sendable {
    /// Files larger than this are refused: a theme is a few kilobytes.
    public static let maximumBytes = 64 * 1024

    public let theme: Theme
    /// Problems with individual lines, in line order; the theme loaded without those lines.
    public let diagnostics: [Diagnostic]

    /// One problem on one line, printed as `source:line: message` (compiler style).
    public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
        public var source: String
        public var line: Int
        public var message: String

        public var description: String { "\(source):\(line): \(message)" }
    }

    /// Why a whole file could not be read.
    public enum LoadError: Error, Equatable, CustomStringConvertible {
        case tooLarge(source: String, bytes: Int)
        case notText(source: String)
        case unreadable(source: String, reason: String)

        public var description: String {
            switch self {
            case let .tooLarge(source, bytes):
                "\(source): \(bytes) bytes is too large for a theme file (limit \(ThemeFile.maximumBytes) bytes)"
            case let .notText(source):
                "\(source): not UTF-8 text"
            case let .unreadable(source, reason):
                "\(source): cannot read: \(reason)"
            }
        }
    }

    /// Parses `text`. `name` becomes the theme's name (control characters removed); `source` is
    /// how diagnostics name the file, e.g. "themes/light.theme".
    public init(text: String, name: String, source: String) throws(LoadError) {
        let size = text.utf8.count
        guard size <= Self.maximumBytes else { throw .tooLarge(source: source, bytes: size) }
        var parser = Parser(source: source)
        parser.parse(text)
        theme = parser.theme(named: Self.displaySafe(name))
        diagnostics = parser.diagnostics
    }

    /// Reads and parses a file; the theme is named after the file without `.theme`.
    public init(contentsOf url: URL, source: String? = nil) throws(LoadError) {
        let source = source ?? url.path
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            // Read one byte past the limit, so an oversized file is detected without reading it all.
            data = try handle.read(upToCount: Self.maximumBytes + 1) ?? Data()
        } catch {
            throw .unreadable(source: source, reason: (error as NSError).localizedDescription)
        }
        guard data.count <= Self.maximumBytes else {
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
            throw .tooLarge(source: source, bytes: (attributes?[.size] as? Int) ?? data.count)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .notText(source: source) }
        let name = url.deletingPathExtension().lastPathComponent
        try self.init(text: text, name: name, source: source)
    }

    /// `text` with control characters (C0, DEL, C1, bidi overrides) removed, so it is safe to draw.
    public static func displaySafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { scalar in
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: false
            default: true
            }
        }))
    }
}

// MARK: - Keys

extension ThemeFile {
    /// Single-colour keys and the role each sets. btop's standard keys come first.
    public static let roleKeys: [(key: String, role: Theme.Role)] = [
        ("main_bg", .background), ("main_fg", .foreground), ("title", .title), ("hi_fg", .highlight),
        ("selected_bg", .selectedBackground), ("selected_fg", .selectedForeground), ("inactive_fg", .inactive),
        ("div_line", .frame),
        ("kept_fg", .kept), ("pruned_fg", .pruned), ("accuracy_fg", .accuracy), ("loss_fg", .loss),
        ("baseline_fg", .baseline), ("region_a", .regionA), ("region_b", .regionB), ("region_c", .regionC),
        ("warning_fg", .warning), ("estimate_fg", .estimate), ("measured_fg", .measured),
    ]

    /// Gradient families: `<family>_start`, `<family>_mid`, `<family>_end`.
    public static let gradientFamilies: [(family: String, role: Theme.GradientRole)] = [
        ("density", .density), ("magnitude", .magnitude), ("accuracy", .accuracy),
    ]

    /// `theme[monochrome]="true"`: draw with attributes only.
    public static let monochromeKey = "monochrome"

    /// btop keys we have no use for; accepted without a warning so btop themes load cleanly.
    public static let ignoredBtopKeys: Set<String> = {
        var keys: Set<String> = ["graph_text", "meter_bg", "proc_misc", "cpu_box", "mem_box", "net_box", "proc_box"]
        for family in ["temp", "cpu", "free", "cached", "available", "used", "download", "upload", "process"] {
            for stop in ["_start", "_mid", "_end"] { keys.insert(family + stop) }
        }
        return keys
    }()

    /// Every key this format knows, for suggestions.
    public static var knownKeys: [String] {
        roleKeys.map(\.key)
            + gradientFamilies.flatMap { family in ["_start", "_mid", "_end"].map { family.family + $0 } }
            + [monochromeKey] + ignoredBtopKeys.sorted()
    }

    /// The known key closest to `key` by edit distance, if close enough to be a likely typo.
    public static func suggestion(for key: String) -> String? {
        let lowered = key.lowercased()
        var best: (key: String, distance: Int)?
        for candidate in knownKeys {
            let distance = editDistance(lowered, candidate)
            if distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        guard let best, best.distance <= max(2, lowered.count / 3) else { return nil }
        return best.key
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}

// MARK: - Parser

extension ThemeFile {
    private enum Value {
        case color(Color)
        case empty
        case flag(Bool)
    }

    private struct Parser {
        let source: String
        var diagnostics: [Diagnostic] = []
        var values: [String: Value] = [:]
        var lineOfKey: [String: Int] = [:]

        init(source: String) { self.source = source }

        mutating func parse(_ text: String) {
            var text = Substring(text)
            if text.hasPrefix("\u{FEFF}") { text = text.dropFirst() }
            // "\r\n" is one Character in Swift, so both line endings are separators.
            let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
            for (index, rawLine) in lines.enumerated() {
                var line = rawLine
                if line.hasSuffix("\r") { line = line.dropLast() }
                parseLine(line, number: index + 1)
            }
        }

        private mutating func report(_ line: Int, _ message: String) {
            diagnostics.append(Diagnostic(source: source, line: line, message: message))
        }

        private mutating func parseLine(_ raw: Substring, number: Int) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { return }
            guard let assignment = Self.splitAssignment(line) else {
                report(number, "expected theme[key]=\"#RRGGBB\", found \(Self.quoted(line))")
                return
            }
            let key = assignment.key
            let isColorKey = ThemeFile.roleKeys.contains { $0.key == key } || Self.gradientStop(of: key) != nil
            guard isColorKey || key == ThemeFile.monochromeKey || ThemeFile.ignoredBtopKeys.contains(key) else {
                var message = "unknown key \(Self.quoted(key))"
                if let suggestion = ThemeFile.suggestion(for: key) { message += "; did you mean \(Self.quoted(suggestion))?" }
                report(number, message)
                return
            }
            guard let value = Self.unquote(assignment.value) else {
                report(number, "expected a quoted value after theme[\(key)]=, found \(Self.quoted(assignment.value))")
                return
            }
            if ThemeFile.ignoredBtopKeys.contains(key) { return }
            let parsed: Value
            if key == ThemeFile.monochromeKey {
                switch value.lowercased() {
                case "true", "yes", "1", "on": parsed = .flag(true)
                case "false", "no", "0", "off", "": parsed = .flag(false)
                default:
                    report(number, "expected theme[monochrome]=\"true\" or \"false\", found \(Self.quoted(value))")
                    return
                }
            } else if value.trimmingCharacters(in: .whitespaces).isEmpty {
                parsed = .empty
            } else {
                switch Self.parseColor(value) {
                case let .success(color): parsed = .color(color)
                case let .failure(problem):
                    report(number, "\(problem) for theme[\(key)], found \(Self.quoted(value))")
                    return
                }
            }
            if let earlier = lineOfKey[key] {
                report(number, "theme[\(key)] was already set on line \(earlier); this line replaces it")
            }
            values[key] = parsed
            lineOfKey[key] = number
        }

        /// `theme[key]=rest`, with optional spaces around `=`.
        private static func splitAssignment(_ line: String) -> (key: String, value: String)? {
            guard line.hasPrefix("theme["), let close = line.firstIndex(of: "]") else { return nil }
            let key = String(line[line.index(line.startIndex, offsetBy: 6)..<close])
            guard !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else { return nil }
            let rest = line[line.index(after: close)...].drop { $0 == " " || $0 == "\t" }
            guard rest.first == "=" else { return nil }
            return (key, rest.dropFirst().trimmingCharacters(in: .whitespaces))
        }

        /// The text inside `"..."` (anything after the closing quote must be a comment), or the bare
        /// value as btop allows. Nil for an unterminated quote or trailing text.
        private static func unquote(_ value: String) -> String? {
            guard value.hasPrefix("\"") else { return value.contains("\"") ? nil : value }
            let body = value.dropFirst()
            guard let close = body.firstIndex(of: "\"") else { return nil }
            let trailing = body[body.index(after: close)...].trimmingCharacters(in: .whitespaces)
            guard trailing.isEmpty || trailing.hasPrefix("#") else { return nil }
            return String(body[..<close])
        }

        private struct ColorProblem: Error, CustomStringConvertible {
            var description: String
        }

        private static func parseColor(_ value: String) -> Result<Color, ColorProblem> {
            let text = value.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("#") {
                if let color = Color(hex: text) { return .success(color) }
                return .failure(ColorProblem(description: "expected \"#RRGGBB\" or \"#GG\" (hexadecimal)"))
            }
            let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let numbers = parts.compactMap { UInt8($0) }
            if parts.count == 3 && numbers.count == 3 { return .success(Color(numbers[0], numbers[1], numbers[2])) }
            if parts.count == 3 && parts.allSatisfy({ Int($0) != nil }) {
                return .failure(ColorProblem(description: "expected decimal components from 0 to 255"))
            }
            return .failure(ColorProblem(description: "expected a colour \"#RRGGBB\", \"#GG\" or \"R G B\""))
        }

        /// For `density_mid`: (family role, "mid").
        static func gradientStop(of key: String) -> (role: Theme.GradientRole, stop: String)? {
            for (family, role) in ThemeFile.gradientFamilies {
                for stop in ["start", "mid", "end"] where key == "\(family)_\(stop)" { return (role, stop) }
            }
            return nil
        }

        /// Short, display-safe quotation of file text for messages.
        static func quoted(_ text: String) -> String {
            let safe = ThemeFile.displaySafe(text)
            let limit = 40
            return "`" + (safe.count > limit ? safe.prefix(limit) + "…" : safe) + "`"
        }

        mutating func theme(named name: String) -> Theme {
            let fallback = Theme.fallback
            var colors = fallback.colors
            for (key, role) in ThemeFile.roleKeys {
                switch values[key] {
                case let .color(color)?: colors[role] = color
                case .empty? where role == .background: colors[role] = nil  // btop: the terminal's background
                default: break
                }
            }
            var gradients = fallback.gradients
            for (family, role) in ThemeFile.gradientFamilies {
                func color(_ stop: String) -> Color? {
                    if case let .color(color)? = values["\(family)_\(stop)"] { return color }
                    return nil
                }
                let start = color("start"), middle = color("mid"), end = color("end")
                guard start != nil || middle != nil || end != nil else { continue }
                guard let start else {
                    let line = lineOfKey["\(family)_mid"] ?? lineOfKey["\(family)_end"] ?? 0
                    report(line, "\(family)_mid/_end without \(family)_start; the gradient keeps its default")
                    continue
                }
                if let middle, end == nil {
                    // btop draws a gradient without an end as its start colour; we read start+mid as a ramp.
                    gradients[role] = Theme.Gradient(start: start, end: middle)
                } else {
                    gradients[role] = Theme.Gradient(start: start, middle: middle, end: end ?? start)
                }
            }
            var monochrome = false
            if case let .flag(flag)? = values[ThemeFile.monochromeKey] { monochrome = flag }
            diagnostics.sort { $0.line < $1.line }
            return Theme(name: name, isMonochrome: monochrome, colors: colors, gradients: gradients)
        }
    }
}
