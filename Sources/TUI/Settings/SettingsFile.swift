import Foundation

/// Writes settings back into the config file in place: each top-level `key: value` line
/// the file has gets its new value (its comment kept; a block list under it is replaced),
/// keys it lacks are added at the end, a setting the options screen put back to its default
/// loses its line, and every other line (comments, `bind:`, a key added to the file since)
/// stays as it was. Atomic: a temporary file in the same folder renamed over the old one, so a failed
/// write leaves the old file whole.
public enum SettingsFile {
    /// A setting as written: one value, or a list (`panels: [sparsity, hill]`).
    public enum Value: Sendable, Equatable {
        case scalar(String)
        case list([String])

        var yaml: String {
            switch self {
            case let .scalar(value): quoted(value)
            case let .list(items): "[" + items.map(quoted).joined(separator: ", ") + "]"
            }
        }
    }

    /// The file's text with `values` set and the lines of the keys in `removing` (with their
    /// value's own lines) taken out; any other key stays as written.
    public static func updated(_ text: String, with values: [String: Value], removing: Set<String> = []) -> String {
        var lines = text.isEmpty ? [] : text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        var written: Set<String> = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            guard let key = topLevelKey(line), values[key] != nil || removing.contains(key) else { continue }
            // The old value's own lines (`- sparsity` items, indented or not, and blank lines
            // between them) go with it.
            var end = index, next = index
            while next < lines.count, lines[next].trimmingCharacters(in: .whitespaces).isEmpty || continuesValue(lines[next]) {
                if continuesValue(lines[next]) { end = next + 1 }
                next += 1
            }
            lines.removeSubrange(index..<end)
            if let value = values[key] {
                let comment = line.range(of: " #").map { "  " + line[$0.lowerBound...].trimmingCharacters(in: .whitespaces) } ?? ""
                lines[index - 1] = "\(key): \(value.yaml)\(comment)"
                written.insert(key)
            } else {
                index -= 1
                lines.remove(at: index)
            }
        }
        for key in DashboardSettings.keyNames where !written.contains(key) {
            if let value = values[key] { lines.append("\(key): \(value.yaml)") }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// The file `old` with `settings` written over it: each setting takes its value, and one
    /// set when the options screen opened (`opened`) but back at its default now loses its line.
    public static func text(of settings: DashboardSettings, opened: DashboardSettings, over old: String) -> String {
        let values = settings.values
        return updated(old, with: values, removing: Set(opened.values.keys).subtracting(values.keys))
    }

    public static func save(_ settings: DashboardSettings, opened: DashboardSettings, to path: String) throws {
        let old = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Foundation's atomic write: a temporary file beside it, renamed over it.
        try text(of: settings, opened: opened, over: old).write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A line of the value above it: indented, or a block list's `- item`.
    static func continuesValue(_ line: String) -> Bool { line.first.map { $0 == " " || $0 == "\t" || $0 == "-" } ?? false }

    /// "theme" for "theme: light  # comment"; nil for comments, indented and other lines.
    static func topLevelKey(_ line: String) -> String? {
        guard let first = line.first, first.isLetter, let colon = line.firstIndex(of: ":") else { return nil }
        let key = String(line[..<colon])
        return key.allSatisfy { $0.isLetter || $0 == "_" } ? key : nil
    }

    /// Names and numbers as they are; anything YAML would misread in quotes.
    static func quoted(_ value: String) -> String {
        value.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) } ? value : "\"\(value)\""
    }
}
