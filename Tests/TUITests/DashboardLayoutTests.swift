import TUI
import XCTest

final class DashboardLayoutTests: XCTestCase {
    typealias PanelID = DashboardViewState.PanelID

    func testNoLayoutBelowEightyByTwentyFour() {
        XCTAssertNil(DashboardLayout(width: 79, height: 24))
        XCTAssertNil(DashboardLayout(width: 80, height: 23))
        XCTAssertNil(DashboardLayout(width: 1, height: 1))
        XCTAssertNotNil(DashboardLayout(width: 80, height: 24))
    }

    func testPanelsTitlesAreTheIssuesWords() {
        XCTAssertEqual(PanelID.allCases.map(\.title), ["Sparsity", "Weights", "Occam's hill", "Speedup", "Loss", "Knobs"])
    }

    func testReferenceSizesKeepEveryPanelInsideAndApart() {
        for (width, height) in [(80, 24), (120, 40), (160, 48), (200, 60)] {
            let layout = DashboardLayout(width: width, height: height)!
            assertSound(layout)
        }
    }

    func testEverySizeUpToLargeTerminalsIsSound() {
        for width in stride(from: 80, through: 260, by: 9) {
            for height in stride(from: 24, through: 90, by: 5) {
                assertSound(DashboardLayout(width: width, height: height)!)
            }
        }
    }

    func testCompactLayoutAtEightyByTwentyFour() {
        let layout = DashboardLayout(width: 80, height: 24)!
        XCTAssertEqual(layout.arrangement, .compact)
        XCTAssertEqual(layout.header, Rect(x: 0, y: 0, width: 80, height: 1))
        XCTAssertEqual(layout.messageLine, Rect(x: 0, y: 23, width: 80, height: 1))
        XCTAssertEqual(layout[.sparsity], Rect(x: 0, y: 1, width: 32, height: 11))
        XCTAssertEqual(layout[.weights], Rect(x: 32, y: 1, width: 24, height: 11))
        XCTAssertEqual(layout[.occamsHill], Rect(x: 56, y: 1, width: 24, height: 11))
        XCTAssertEqual(layout[.loss], Rect(x: 0, y: 12, width: 28, height: 11))
        XCTAssertEqual(layout[.speedup], Rect(x: 28, y: 12, width: 26, height: 11))
        XCTAssertEqual(layout[.knobs], Rect(x: 54, y: 12, width: 26, height: 11))
        XCTAssertFalse(layout.sparsityShowsEveryLayer)
    }

    func testLargerTerminalsGetMoreDetail() {
        let medium = DashboardLayout(width: 120, height: 40)!
        XCTAssertEqual(medium.arrangement, .medium)
        XCTAssertEqual(medium.header.height, 2)
        XCTAssertEqual(rows(medium), [.sparsity: 18, .occamsHill: 18, .weights: 19, .loss: 19, .knobs: 13, .speedup: 24])
        let large = DashboardLayout(width: 160, height: 48)!
        XCTAssertEqual(large.arrangement, .large)
        XCTAssertTrue(large.sparsityShowsEveryLayer)
        XCTAssertEqual(large[.sparsity].width, 124, "Sparsity spans the left side for side-by-side heatmaps")
        XCTAssertEqual(rows(large), [.sparsity: 18, .weights: 27, .occamsHill: 27, .loss: 27, .knobs: 13, .speedup: 32])
        let huge = DashboardLayout(width: 200, height: 60)!
        XCTAssertEqual(rows(huge), [.sparsity: 22, .weights: 35, .occamsHill: 35, .loss: 35, .knobs: 13, .speedup: 44])
        XCTAssertEqual(DashboardLayout(width: 200, height: 40)!.arrangement, .medium)
        XCTAssertEqual(DashboardLayout(width: 119, height: 60)!.arrangement, .compact)
    }

    func testHitTestFindsPanelsAndKnobRows() {
        let layout = DashboardLayout(width: 80, height: 24)!
        for panel in PanelID.allCases {
            let r = layout[panel]
            XCTAssertEqual(layout.hitTest(x: r.x + r.width / 2, y: r.y + r.height / 2)?.panel, panel)
        }
        XCTAssertNil(layout.hitTest(x: 10, y: 0), "the header is no panel")
        XCTAssertNil(layout.hitTest(x: 10, y: 23), "nor the message line")
        let knobs = layout[.knobs]
        XCTAssertEqual(layout.hitTest(x: knobs.x + 3, y: knobs.y), DashboardLayout.Hit(panel: .knobs, knob: nil), "the frame")
        XCTAssertEqual(layout.hitTest(x: knobs.x + 3, y: knobs.y + 1), DashboardLayout.Hit(panel: .knobs, knob: 0))
        XCTAssertEqual(layout.hitTest(x: knobs.x + 3, y: knobs.y + 8)?.knob, 7, "all eight knobs fit at 80x24")
        XCTAssertNil(layout.hitTest(x: knobs.x + 3, y: knobs.y + 9)?.knob, "the hint line")
    }

    func testArrowsMoveFocusToTheNeighbouringPanel() {
        let compact = DashboardLayout(width: 80, height: 24)!
        XCTAssertEqual(compact.neighbour(of: .sparsity, toward: .right), .weights)
        XCTAssertEqual(compact.neighbour(of: .sparsity, toward: .down), .loss)
        XCTAssertEqual(compact.neighbour(of: .knobs, toward: .up), .occamsHill)
        XCTAssertEqual(compact.neighbour(of: .knobs, toward: .left), .speedup)
        XCTAssertEqual(compact.neighbour(of: .knobs, toward: .right), .knobs, "nothing further: stay")
        XCTAssertEqual(compact.neighbour(of: .sparsity, toward: .up), .sparsity)
        let large = DashboardLayout(width: 160, height: 48)!
        XCTAssertEqual(large.neighbour(of: .sparsity, toward: .right), .knobs)
        XCTAssertEqual(large.neighbour(of: .sparsity, toward: .down), .occamsHill)
        XCTAssertEqual(large.neighbour(of: .loss, toward: .right), .speedup)
        XCTAssertEqual(large.neighbour(of: .knobs, toward: .down), .speedup)
    }

    private func rows(_ layout: DashboardLayout) -> [PanelID: Int] { layout.panels.mapValues(\.height) }

    private func assertSound(_ layout: DashboardLayout, file: StaticString = #filePath, line: UInt = #line) {
        let screen = Rect(x: 0, y: 0, width: layout.width, height: layout.height)
        let size = "\(layout.width)x\(layout.height)"
        var areas = [("header", layout.header), ("message", layout.messageLine)]
        XCTAssertEqual(Set(layout.panels.keys), Set(PanelID.allCases), size, file: file, line: line)
        for panel in PanelID.allCases {
            let r = layout[panel]
            XCTAssertGreaterThanOrEqual(r.height, 3, "\(panel.title) at \(size)", file: file, line: line)
            XCTAssertGreaterThanOrEqual(r.width, 12, "\(panel.title) at \(size)", file: file, line: line)
            areas.append((panel.title, r))
        }
        var covered = 0
        for (i, (name, r)) in areas.enumerated() {
            XCTAssertEqual(r.intersection(screen), r, "\(name) inside the screen at \(size)", file: file, line: line)
            covered += r.width * r.height
            for (other, s) in areas[(i + 1)...] {
                XCTAssertTrue(r.intersection(s).isEmpty, "\(name) overlaps \(other) at \(size)", file: file, line: line)
            }
        }
        XCTAssertEqual(covered, layout.width * layout.height, "no cell left unused at \(size)", file: file, line: line)
    }
}
