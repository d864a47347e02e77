@testable import TUI
import Training
import XCTest

final class LayerBrowserTests: XCTestCase {
    /// A ResNet-20-like list: conv1, three stages of three blocks of two convs, fc (20 layers).
    static let rows: [LayerBrowser.Row] = {
        var rows = [LayerBrowser.Row(index: 0, name: "conv1", kind: "conv", block: nil, shape: [16, 3, 3, 3], parameters: 432,
                                     sparsity: 0.5, target: 0.5)]
        for stage in 1...3 {
            for block in 0..<3 {
                for conv in 1...2 {
                    rows.append(LayerBrowser.Row(index: rows.count, name: "layer\(stage).\(block).conv\(conv)", kind: "conv",
                                                 block: "layer\(stage).\(block)", shape: [16, 16, 3, 3], parameters: 2304,
                                                 sparsity: 0.9, target: 0.9))
                }
            }
        }
        rows.append(LayerBrowser.Row(index: rows.count, name: "fc", kind: "linear", block: nil, shape: [10, 64], parameters: 640,
                                     sparsity: 0.25, target: nil))
        return rows
    }()

    private func render(_ browser: LayerBrowser, width: Int = 80, height: Int = 14) -> Screen {
        var screen = Screen(width: width, height: height)
        LayerBrowserView(browser).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .ascii)
        return screen
    }

    func testTheListIsATreeOfBlocks() {
        let lines = LayerBrowser(rows: Self.rows, selected: 0).lines
        XCTAssertEqual(lines.count, 20 + 9)
        XCTAssertEqual(lines[0], .layer(Self.rows[0]))
        XCTAssertEqual(lines[1], .block("layer1.0"))
        XCTAssertEqual(lines[2], .layer(Self.rows[1]))
        XCTAssertEqual(lines[3], .layer(Self.rows[2]))
        XCTAssertEqual(lines[4], .block("layer1.1"))
        XCTAssertEqual(lines.last, .layer(Self.rows[19]))
    }

    func testRowsDrawCellByCellWithTheSelectionHighlighted() {
        var browser = LayerBrowser(rows: Self.rows, selected: 1)
        browser.reveal(height: 10)
        let screen = render(browser)
        // The 76-wide box is centred in 80 columns; a row is index, name, kind, shape, weights, sparsity, target.
        XCTAssertEqual(screen.text(row: 1), "  +- Layers (20) ------------------------------------------------------------+  ")
        XCTAssertEqual(screen.text(row: 2), "  |  #  layer                  kind   shape          weights sparsity target |  ")
        XCTAssertEqual(screen.text(row: 3), "  |  1  conv1                  conv   16x3x3x3           432    50.0%  50.0% |  ")
        XCTAssertEqual(screen.text(row: 4), "  |     layer1.0                                                             |  ")
        XCTAssertEqual(screen.text(row: 5), "  |  2    conv1                conv   16x16x3x3        2,304    90.0%  90.0% |  ")
        XCTAssertEqual(screen[6, 5].style.background, Theme.fallback.color(.selectedBackground))
        XCTAssertNotEqual(screen[6, 3].style.background, Theme.fallback.color(.selectedBackground))
        XCTAssertEqual(screen.text(row: 11), "  | / filters  Enter shows  Esc closes                                       |  ")
    }

    func testKeysMoveTheSelectionAndScrollToIt() {
        var browser = LayerBrowser(rows: Self.rows, selected: 0)
        let height = 6
        for _ in 0..<8 { XCTAssertEqual(browser.handle(.down, height: height), .browsing) }
        XCTAssertEqual(browser.selected, 8)
        let line = browser.selectedLine!
        XCTAssertTrue((browser.scroll..<browser.scroll + height).contains(line), "line \(line) shown from \(browser.scroll)")
        for _ in 0..<30 { _ = browser.handle(.down, height: height) }
        XCTAssertEqual(browser.selected, 19, "stops at the last layer")
        XCTAssertEqual(browser.scroll, browser.lines.count - height)
        XCTAssertEqual(browser.handle(.enter, height: height), .chosen(19))
        XCTAssertEqual(browser.handle(.escape, height: height), .closed)
    }

    func testTheWheelScrollsAndAClickSelects() {
        var browser = LayerBrowser(rows: Self.rows, selected: 0)
        _ = browser.handle(.wheelDown(x: 0, y: 0), height: 6)
        XCTAssertEqual(browser.scroll, 3)
        XCTAssertEqual(browser.selected, 0, "the wheel moves the view, not the selection")
        XCTAssertTrue(browser.select(visibleLine: 0))  // line 3: layer1.0.conv2
        XCTAssertEqual(browser.selected, 2)
        XCTAssertFalse(browser.select(visibleLine: 1), "a block's heading is not a layer")
        for _ in 0..<20 { _ = browser.handle(.wheelDown(x: 0, y: 0), height: 6) }
        XCTAssertEqual(browser.scroll, browser.lines.count - 6)
        _ = browser.handle(.wheelUp(x: 0, y: 0), height: 6)
        XCTAssertEqual(browser.scroll, browser.lines.count - 9)
    }

    func testSlashFiltersBySubstring() {
        var browser = LayerBrowser(rows: Self.rows, selected: 0)
        _ = browser.handle(.character("/"), height: 10)
        for character in "layer2" { _ = browser.handle(.character(character), height: 10) }
        XCTAssertEqual(browser.lines.count, 9, "three blocks of two convs under their headings")
        XCTAssertEqual(browser.selected, 7, "the selection moves to the first layer kept")
        var screen = render(browser)
        XCTAssertEqual(screen.text(row: 1), "  +- Layers (6 of 20) -------------------------------------------------------+  ")
        XCTAssertTrue(screen.text(row: 11).hasPrefix("  | /layer2_   Enter keeps the filter, Esc clears it"))
        _ = browser.handle(.enter, height: 10)
        XCTAssertFalse(browser.typingFilter)
        XCTAssertEqual(browser.handle(.enter, height: 10), .chosen(7))
        _ = browser.handle(.character("/"), height: 10)  // goes on editing the filter
        for character in "zzz" { _ = browser.handle(.character(character), height: 10) }
        XCTAssertEqual(browser.lines, [])
        XCTAssertNil(browser.selected)
        screen = render(browser)
        XCTAssertEqual(screen.text(row: 3), "  | no layer matches 'layer2zzz'                                             |  ")
        _ = browser.handle(.escape, height: 10)
        XCTAssertEqual(browser.lines.count, 29)
        XCTAssertEqual(browser.selected, 0, "back to the first layer")
    }

    func testDrawsOnlyInsideItsArea() {
        let browser = LayerBrowser(rows: Self.rows, selected: 3)
        WidgetTestSupport.assertRobust { screen, rect, theme, glyphs in LayerBrowserView(browser).render(into: &screen, area: rect, theme: theme, glyphs: glyphs) }
    }

    /// ResNet-20's real snapshot and description: 22 prunable layers, 9 blocks, kinds from
    /// the description, sparsity counted from the masks.
    func testResNet20sLayersFromARealSnapshot() throws {
        var config = RunConfig()
        config.model = "resnet20"
        config.epochs = 1
        config.startPaused = true
        config.sparsity = SparsityConfig(method: "random", target: 0.5, schedule: .oneShot(atStep: 0))
        let dataset = DatasetLoader.embeddedDigits()
        let trainer = try Trainer(config: config, dataset: dataset)
        trainer.start()
        defer {
            trainer.send(.stop)
            _ = trainer.waitUntilFinished(timeout: 10)
        }
        let deadline = Date().addingTimeInterval(30)
        while trainer.latestSnapshot?.state != .paused && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let snapshot = try XCTUnwrap(trainer.latestSnapshot)
        let network = try config.makeModel(inputShape: dataset.sampleShape, classCount: dataset.classCount).description
        var browser = LayerBrowser(snapshot: snapshot, network: network, selected: 0)
        XCTAssertEqual(browser.rows.count, 22)
        XCTAssertEqual(browser.rows.filter { $0.kind == "conv" }.count, 21)
        XCTAssertEqual(browser.rows.last?.kind, "linear")
        XCTAssertEqual(Set(browser.rows.compactMap(\.block)).count, 9)
        XCTAssertEqual(browser.rows[1].name, "layer1.0.conv1")
        XCTAssertEqual(browser.rows[1].block, "layer1.0")
        for (row, layer) in zip(browser.rows, snapshot.layers.filter(\.isPrunable)) {
            XCTAssertEqual(row.parameters, layer.parameterCount)
            XCTAssertEqual(row.sparsity, Double(layer.parameterCount - layer.nonzeroCount) / Double(layer.parameterCount), row.name)
            XCTAssertEqual(row.target, layer.targetSparsity)
        }
        _ = browser.handle(.character("/"), height: 10)
        _ = browser.handle(.character("3"), height: 10)
        let filtered = browser.lines
        browser.update(from: snapshot, network: network)
        XCTAssertEqual(browser.lines, filtered, "new figures keep the filter")
    }
}
