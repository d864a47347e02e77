@testable import TUI
import XCTest

final class SparsityPanelLayoutTests: XCTestCase {
    func testAWidePanelShowsTheInputMapBesideTheHeatmapsUnlessToggled() {
        let panel = Rect(x: 1, y: 3, width: 124, height: 16)
        let wide = SparsityPanelLayout(rect: panel, layers: 3, hasInputMap: true, inputMapToggled: false)
        XCTAssertEqual(wide.inputMap, Rect(x: 1, y: 3, width: 30, height: 16), "twice the 15 image rows, square on screen")
        XCTAssertEqual(wide.heatmaps.count, 3)
        XCTAssertEqual(wide.heatmaps.first?.x, 32, "one column after the map")
        XCTAssertEqual(wide.heatmaps.last?.maxX, panel.maxX, "the heatmaps fill the rest")
        for (left, right) in zip(wide.heatmaps, wide.heatmaps.dropFirst()) { XCTAssertEqual(left.maxX + 1, right.x) }

        let hidden = SparsityPanelLayout(rect: panel, layers: 3, hasInputMap: true, inputMapToggled: true)
        XCTAssertNil(hidden.inputMap)
        XCTAssertEqual(hidden.heatmaps.first?.x, 1)
        XCTAssertEqual(hidden.heatmaps.last?.maxX, panel.maxX)
    }

    func testANarrowPanelShowsTheInputMapOnlyInPlaceOfTheHeatmapWhenToggled() {
        let panel = Rect(x: 1, y: 2, width: 30, height: 9)
        let normal = SparsityPanelLayout(rect: panel, layers: 1, hasInputMap: true, inputMapToggled: false)
        XCTAssertNil(normal.inputMap)
        XCTAssertEqual(normal.heatmaps, [panel])
        let toggled = SparsityPanelLayout(rect: panel, layers: 1, hasInputMap: true, inputMapToggled: true)
        XCTAssertEqual(toggled.inputMap, panel)
        XCTAssertEqual(toggled.heatmaps, [])
    }

    func testWithoutAnInputMapTheToggleChangesNothing() {
        let panel = Rect(x: 0, y: 0, width: 124, height: 16)
        for toggled in [false, true] {
            let layout = SparsityPanelLayout(rect: panel, layers: 2, hasInputMap: false, inputMapToggled: toggled)
            XCTAssertNil(layout.inputMap)
            XCTAssertEqual(layout.heatmaps, [Rect(x: 0, y: 0, width: 61, height: 16), Rect(x: 62, y: 0, width: 62, height: 16)])
        }
    }
}
