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

    /// A ResNet's 22 layers do not fit: a window of as many as fit keeps the selected one in
    /// view, centred where the ends allow.
    func testManyLayersShowAWindowAroundTheSelectedOne() {
        let panel = Rect(x: 1, y: 3, width: 118, height: 16)
        let first = SparsityPanelLayout(rect: panel, layers: 22, selected: 0, hasInputMap: false, inputMapToggled: false)
        XCTAssertEqual(first.shownLayers, 0..<6, "118 columns hold six heatmaps of at least 18 columns and a gap")
        XCTAssertEqual(first.heatmaps.count, 6)
        XCTAssertTrue(first.heatmaps.allSatisfy { $0.width >= SparsityPanelLayout.minimumHeatmapWidth })
        XCTAssertEqual(SparsityPanelLayout(rect: panel, layers: 22, selected: 10, hasInputMap: false, inputMapToggled: false).shownLayers, 8..<14)
        XCTAssertEqual(SparsityPanelLayout(rect: panel, layers: 22, selected: 21, hasInputMap: false, inputMapToggled: false).shownLayers, 16..<22)
        XCTAssertEqual(SparsityPanelLayout(rect: panel, layers: 5, selected: 4, hasInputMap: false, inputMapToggled: false).shownLayers, 0..<5)
        XCTAssertEqual(SparsityPanelLayout.window(layers: 22, selected: 3, capacity: 1), 3..<4)
    }
}
