import Foundation

/// The themes the dashboard can use: the four bundled ones (compiled in from themes/*.theme, so
/// they are there whatever the working directory) and the user's `*.theme` files in
/// `$XDG_CONFIG_HOME/prunetop/themes` (or `~/.config/prunetop/themes`). A user theme with a
/// bundled theme's name replaces it.
public struct ThemeLibrary: Sendable {
    /// Where a theme's text comes from.
    public enum Origin: Sendable, Equatable {
        case bundled
        case user(URL)
    }

    public struct Entry: Sendable, Equatable {
        /// Display-safe: the file name without `.theme`, control characters removed.
        public let name: String
        public let origin: Origin
    }

    /// Why `load(named:)` found nothing to load.
    public enum LookupError: Error, Equatable, CustomStringConvertible {
        case unknown(name: String, suggestion: String?, available: [String])
        case unreadable(ThemeFile.LoadError)

        public var description: String {
            switch self {
            case let .unknown(name, suggestion, available):
                var text = "no theme named \"\(ThemeFile.displaySafe(name))\""
                if let suggestion { text += "; did you mean \"\(suggestion)\"?" }
                return text + " Available: " + available.joined(separator: ", ")
            case let .unreadable(error):
                return error.description
            }
        }
    }

    /// The bundled themes in cycle order.
    public static let bundledNames: [String] = BundledThemes.all.map(\.name)

    /// The text compiled in for a bundled theme, identical to themes/NAME.theme.
    public static func bundledText(named name: String) -> String? {
        BundledThemes.all.first { $0.name == name }?.text
    }

    /// More user theme files than this are not listed (the folder is read once, at start).
    public static let maximumUserThemes = 256

    /// Themes in the order `t` cycles through them: bundled first (a user file of the same name
    /// in its place), then the other user themes by name.
    public let entries: [Entry]
    /// The folder user themes are read from, whether or not it exists.
    public let userDirectory: URL?

    public var names: [String] { entries.map(\.name) }

    /// Lists the bundled themes and those in the user folder found from `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let directory = Self.userThemeDirectory(environment: environment)
        var user = directory.map(Self.userThemes(in:)) ?? []
        var entries: [Entry] = []
        for name in Self.bundledNames {
            if let index = user.firstIndex(where: { $0.name == name }) {
                entries.append(user.remove(at: index))
            } else {
                entries.append(Entry(name: name, origin: .bundled))
            }
        }
        self.entries = entries + user
        self.userDirectory = directory
    }

    /// `$XDG_CONFIG_HOME/prunetop/themes` when XDG_CONFIG_HOME is an absolute path (the XDG
    /// specification ignores relative ones), else `$HOME/.config/prunetop/themes`; nil with neither.
    public static func userThemeDirectory(environment: [String: String]) -> URL? {
        let base: String
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            base = config
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            base = (home as NSString).appendingPathComponent(".config")
        } else {
            return nil
        }
        return URL(fileURLWithPath: base, isDirectory: true)
            .appendingPathComponent("prunetop", isDirectory: true)
            .appendingPathComponent("themes", isDirectory: true)
    }

    private static func userThemes(in directory: URL) -> [Entry] {
        let files = (try? FileManager.default.contentsOfDirectory(
            at: directory, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])) ?? []
        var seen = Set<String>()
        var entries: [Entry] = []
        for file in files.sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) where file.pathExtension == "theme" {
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let name = ThemeFile.displaySafe(file.deletingPathExtension().lastPathComponent)
            guard !name.isEmpty, seen.insert(name).inserted else { continue }
            entries.append(Entry(name: name, origin: .user(file)))
            if entries.count == maximumUserThemes { break }
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// The entry for `name` (exact, then ignoring case; a trailing `.theme` is allowed).
    public func entry(named name: String) -> Entry? {
        let wanted = name.hasSuffix(".theme") ? String(name.dropLast(6)) : name
        return entries.first { $0.name == wanted } ?? entries.first { $0.name.lowercased() == wanted.lowercased() }
    }

    /// Parses the named theme. Line problems come back as the result's diagnostics, not errors.
    public func load(named name: String) throws(LookupError) -> ThemeFile {
        guard let entry = entry(named: name) else {
            let suggestion = names.min { ThemeFile.editDistance(name.lowercased(), $0) < ThemeFile.editDistance(name.lowercased(), $1) }
                .flatMap { ThemeFile.editDistance(name.lowercased(), $0) <= max(2, name.count / 3) ? $0 : nil }
            throw .unknown(name: name, suggestion: suggestion, available: names)
        }
        do {
            switch entry.origin {
            case .bundled:
                let text = Self.bundledText(named: entry.name) ?? ""
                return try ThemeFile(text: text, name: entry.name, source: "themes/\(entry.name).theme")
            case let .user(url):
                return try ThemeFile(contentsOf: url)
            }
        } catch {
            throw .unreadable(error)
        }
    }

    /// The theme after `name` in cycle order, wrapping around; the first theme for an unknown name.
    public func name(after name: String) -> String {
        guard let index = entries.firstIndex(where: { $0.name == entry(named: name)?.name }) else {
            return entries.first?.name ?? Theme.fallback.name
        }
        return entries[(index + 1) % entries.count].name
    }
}
