import Foundation

/// The `:` bar's line being edited: its text, the cursor, the session's history and what
/// Tab last offered. A value; the app feeds it keys and runs what it submits.
public struct CommandEditor: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case editing
        case cancelled
        case submitted(String)
    }

    public private(set) var text = ""
    /// Characters before the cursor.
    public private(set) var cursor = 0
    /// Earlier lines, oldest first.
    public private(set) var history: [String]
    /// The candidates the last Tab offered when it could not choose one (shown after the text).
    public private(set) var offered: [String] = []
    /// Where Up/Down are in the history; nil on the new line.
    private var historyIndex: Int?
    /// The new line as it was before Up went into the history.
    private var draft = ""

    public static let maximumLength = 200

    public init(history: [String] = []) {
        self.history = history
    }

    public mutating func handle(_ key: KeyEvent, context: CommandContext) -> Outcome {
        if key != .tab { offered = [] }
        switch key {
        case .escape: return .cancelled
        case .enter:
            let line = text.trimmingCharacters(in: .whitespaces)
            if !line.isEmpty && history.last != line { history.append(line) }
            return .submitted(line)
        case .left: cursor = max(cursor - 1, 0)
        case .right: cursor = min(cursor + 1, text.count)
        case .up: recall(by: -1)
        case .down: recall(by: 1)
        case .tab:
            guard cursor == text.count else { break }
            let candidates = CommandCompletion.candidates(for: text, context: context)
            let completed = CommandCompletion.complete(text, candidates: candidates)
            offered = completed == text && candidates.count > 1 ? candidates : []
            set(completed)
        case .character("\u{7F}"):
            guard cursor > 0 else { break }
            text.remove(at: text.index(text.startIndex, offsetBy: cursor - 1))
            cursor -= 1
        case let .character(character) where text.count < Self.maximumLength && !character.isNewline:
            text.insert(character, at: text.index(text.startIndex, offsetBy: cursor))
            cursor += 1
        default: break
        }
        return .editing
    }

    private mutating func recall(by offset: Int) {
        guard !history.isEmpty else { return }
        if historyIndex == nil {
            guard offset < 0 else { return }
            draft = text
            historyIndex = history.count
        }
        let index = historyIndex! + offset
        if index >= history.count {
            historyIndex = nil
            set(draft)
        } else if index >= 0 {
            historyIndex = index
            set(history[index])
        }
    }

    private mutating func set(_ line: String) {
        text = line
        cursor = line.count
    }
}
