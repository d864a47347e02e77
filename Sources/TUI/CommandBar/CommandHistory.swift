import Foundation

/// The command bar's history across sessions: one command a line in
/// `$XDG_STATE_HOME/prunetop/history` (else `~/.local/state/prunetop/history`), the last
/// `limit` kept. A history that cannot be read or written is simply not kept: it never
/// stops the dashboard.
public struct CommandHistory: Sendable {
    public let path: String?
    public static let limit = 500

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            path = state + "/prunetop/history"
        } else if let home = environment["HOME"], !home.isEmpty {
            path = home + "/.local/state/prunetop/history"
        } else {
            path = nil
        }
    }

    public func load() -> [String] {
        guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init).suffix(Self.limit)
    }

    /// Writes `lines` (the last `limit`) atomically: a temporary file renamed over the old one.
    public func save(_ lines: [String]) {
        guard let path else { return }
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let text = lines.suffix(Self.limit).map { $0 + "\n" }.joined()
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
