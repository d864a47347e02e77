import TUI
import Training
import XCTest

final class SensitivityHeatmapViewTests: XCTestCase {
    let curves = SensitivityCurves(sparsities: [0.5, 0.9, 0.995], denseAccuracy: 0.8812, denseLoss: 0.4, layers: [
        .init(name: "fc1.weight", shape: [4], accuracies: [0.8812, 0.8, 0.6812], losses: [0, 0, 0]),
        .init(name: "layer2.0.shortcut.conv.weight", shape: [4], accuracies: [0.89, 0.8712, 0.7812], losses: [0, 0, 0]),
    ])

    func testEachCellIsTheDropInPointsColouredByHowBadItIs() {
        var screen = Screen(width: 40, height: 4)
        let theme = Theme.fallback
        SensitivityHeatmapView(curves: curves).render(into: &screen, area: screen.bounds, theme: theme, glyphs: .unicode)
        XCTAssertEqual(screen.lines, [
            "accuracy drop, points (layer pruned alon",
            "layer                  50%    90%  99.5%",
            "fc1.weight             0.0    8.1   20.0",
            "l2.0.s.conv           -0.9    1.0   10.0",
        ], "the long name in its abbreviated form")
        let gradient = try! XCTUnwrap(theme.gradient(.accuracy))
        XCTAssertEqual(screen[36, 2].style.foreground, gradient.color(at: 0), "the largest drop (20 points) at the worst end")
        XCTAssertEqual(screen[22, 2].style.foreground, gradient.color(at: 1), "no drop at the best")
        XCTAssertEqual(screen[22, 3].style.foreground, gradient.color(at: 1), "a gain counts as no drop")
        XCTAssertEqual(screen[36, 3].style.foreground, gradient.color(at: 0.5), "10 of 20 points: halfway")
    }

    func testWhatDoesNotFitIsCountedInTheCaptionAndRowsScroll() {
        var screen = Screen(width: 60, height: 3)
        let area = Rect(x: 0, y: 0, width: 31, height: 3)
        SensitivityHeatmapView(curves: curves).render(into: &screen, area: area, theme: .fallback, glyphs: .ascii)
        XCTAssertEqual(WidgetTestSupport.text(screen, area), [
            "accuracy drop, points (layer pr",
            "layer         50%    90%  99.5%",
            "fc1           0.0    8.1   20.0",
        ])
        var wide = Screen(width: 120, height: 3)
        SensitivityHeatmapView(curves: curves).render(into: &wide, area: wide.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(wide.lines[0].trimmingCharacters(in: .whitespaces),
                       "accuracy drop, points (layer pruned alone); dense 88.12%; layers 1-1 of 2 ↑↓")
        var scrolled = Screen(width: 60, height: 3)
        SensitivityHeatmapView(curves: curves, firstRow: 5).render(into: &scrolled, area: scrolled.bounds, theme: .fallback, glyphs: .ascii)
        XCTAssertEqual(scrolled.lines.map { $0.trimmingCharacters(in: .whitespaces) }, [
            "accuracy drop, points (layer pruned alone); dense 88.12%; la",
            "layer                             50%    90%  99.5%",
            "layer2.0.shortcut.conv.weight    -0.9    1.0   10.0",
        ], "scrolled past the end: the last screenful")
        var narrow = Screen(width: 26, height: 4)
        SensitivityHeatmapView(curves: curves).render(into: &narrow, area: narrow.bounds, theme: .fallback, glyphs: .ascii)
        XCTAssertEqual(narrow.lines[2], "fc1      0.0    8.1   20.0")
        XCTAssertEqual(narrow.lines[3], "~onv    -0.9    1.0   10.0", "ASCII: the abbreviated name's end after ~")
    }

    func testTheViewerFramesTheWidgetAndScrollsWithinItsRows() {
        var viewer = WidgetViewer(title: "prunetop sensitivity: t", content: SensitivityHeatmapView(curves: curves), glyphs: .ascii)
        XCTAssertEqual(viewer.screen(width: 40, height: 7).lines.map { $0.trimmingCharacters(in: .whitespaces) }, [
            "prunetop sensitivity: t", "", "accuracy drop, points (layer pruned alon",
            "layer                  50%    90%  99.5%", "fc1.weight             0.0    8.1   20.0",
            "l2.0.s.conv           -0.9    1.0   10.0", "q quit",
        ])
        let short = viewer.screen(width: 40, height: 6)
        XCTAssertEqual(short.lines[5].trimmingCharacters(in: .whitespaces), "q quit  up/down scroll")
        XCTAssertTrue(short.lines[4].hasPrefix("fc1.weight"))
        viewer.scroll(by: 1, height: 6)
        XCTAssertTrue(viewer.screen(width: 40, height: 6).lines[4].hasPrefix("l2.0.s.conv"))
        viewer.scroll(by: 5, height: 6)
        XCTAssertEqual(viewer.content.firstRow, 1, "no further than the last row")
        viewer.scroll(by: -9, height: 6)
        XCTAssertEqual(viewer.content.firstRow, 0)
        viewer.scroll(by: 1, height: 7)
        XCTAssertEqual(viewer.content.firstRow, 0, "everything fits: nothing to scroll")
    }

    func testMonochromeAndTinyAreasDrawOnlyInside() {
        var screen = Screen(width: 40, height: 4)
        SensitivityHeatmapView(curves: curves).render(into: &screen, area: screen.bounds, theme: WidgetTestSupport.monochrome, glyphs: .unicode)
        XCTAssertNil(screen[36, 2].style.foreground, "monochrome: the numbers alone")
        WidgetTestSupport.assertRobust { screen, rect, theme, glyphs in
            SensitivityHeatmapView(curves: curves).render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
        }
    }
}
