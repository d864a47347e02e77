@testable import TUI
import XCTest

final class CommandEditorTests: XCTestCase {
    let context = CommandContext(layerNames: ["conv1.weight", "conv2.weight", "fc1.weight"], themeNames: ["default", "light", "mono"])

    private func type(_ text: String, into editor: inout CommandEditor) {
        for character in text { _ = editor.handle(.character(character), context: context) }
    }

    func testTypingEditingAndSubmitting() {
        var editor = CommandEditor()
        type("targt 0.9", into: &editor)
        for _ in 0..<5 { _ = editor.handle(.left, context: context) }
        _ = editor.handle(.character("e"), context: context)
        XCTAssertEqual(editor.text, "target 0.9")
        XCTAssertEqual(editor.cursor, 5)
        _ = editor.handle(.character("\u{7F}"), context: context)
        XCTAssertEqual(editor.text, "targt 0.9")
        XCTAssertEqual(editor.handle(.escape, context: context), .cancelled)
        XCTAssertEqual(editor.handle(.enter, context: context), .submitted("targt 0.9"))
    }

    func testTabCompletesCommandsAndValues() {
        var editor = CommandEditor()
        type("ta", into: &editor)
        _ = editor.handle(.tab, context: context)
        XCTAssertEqual(editor.text, "target ")
        editor = CommandEditor()
        type("theme l", into: &editor)
        _ = editor.handle(.tab, context: context)
        XCTAssertEqual(editor.text, "theme light ")
        editor = CommandEditor()
        type("layer co", into: &editor)
        _ = editor.handle(.tab, context: context)
        XCTAssertEqual(editor.text, "layer conv", "extends to what the candidates share")
        _ = editor.handle(.tab, context: context)
        XCTAssertEqual(editor.offered, ["conv1", "conv2"])
        _ = editor.handle(.character("2"), context: context)
        XCTAssertEqual(editor.offered, [])
        editor = CommandEditor()
        type("method ri", into: &editor)
        _ = editor.handle(.tab, context: context)
        XCTAssertEqual(editor.text, "method rigl ")
    }

    func testHistoryGoesBackAndReturnsToTheDraft() {
        var editor = CommandEditor(history: ["target 0.9", "lr 0.01"])
        type("pa", into: &editor)
        _ = editor.handle(.up, context: context)
        XCTAssertEqual(editor.text, "lr 0.01")
        _ = editor.handle(.up, context: context)
        _ = editor.handle(.up, context: context)
        XCTAssertEqual(editor.text, "target 0.9")
        _ = editor.handle(.down, context: context)
        _ = editor.handle(.down, context: context)
        XCTAssertEqual(editor.text, "pa")
        XCTAssertEqual(editor.handle(.enter, context: context), .submitted("pa"))
        XCTAssertEqual(editor.history, ["target 0.9", "lr 0.01", "pa"])
    }

    func testHistoryPersistsInTheStateDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let history = CommandHistory(environment: ["XDG_STATE_HOME": directory, "HOME": "/nonexistent"])
        XCTAssertEqual(history.path, directory + "/prunetop/history")
        XCTAssertEqual(history.load(), [])
        history.save((0..<(CommandHistory.limit + 3)).map { "step \($0)" })
        let loaded = history.load()
        XCTAssertEqual(loaded.count, CommandHistory.limit)
        XCTAssertEqual(loaded.first, "step 3")
        XCTAssertEqual(CommandHistory(environment: ["HOME": "/home/u"]).path, "/home/u/.local/state/prunetop/history")
    }

    func testTheBarDrawsCellByCell() {
        var editor = CommandEditor()
        type("lr 0.5", into: &editor)
        _ = editor.handle(.left, context: context)
        var screen = Screen(width: 20, height: 2)
        CommandBarView(editor).render(into: &screen, area: Rect(x: 0, y: 1, width: 20, height: 1), theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.text(row: 1), ":lr 0.5             ")
        XCTAssertEqual(screen.text(row: 0), String(repeating: " ", count: 20))
        for x in 0..<20 { XCTAssertEqual(screen[x, 1].style.reverse, x == 6, "cursor at x \(x)") }
        // A long line scrolls so the cursor's cell (past the end) stays on screen.
        editor = CommandEditor()
        type("schedule agp 2 8 0.25 3", into: &editor)
        screen = Screen(width: 12, height: 1)
        CommandBarView(editor).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .ascii)
        XCTAssertEqual(screen.text(row: 0), ":2 8 0.25 3 ")
        XCTAssertTrue(screen[11, 0].style.reverse)
        WidgetTestSupport.assertRobust { screen, rect, theme, glyphs in CommandBarView(editor).render(into: &screen, area: rect, theme: theme, glyphs: glyphs) }
    }
}
