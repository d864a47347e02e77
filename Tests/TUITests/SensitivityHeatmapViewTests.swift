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
            "accuracy drop (points), each layer prune",
            "layer               50%    90%  99.5%   ",
            "fc1.weight          0.0    8.1   20.0   ",
            "…ut.conv.weight    -0.9    1.0   10.0   ",
        ])
        let gradient = try! XCTUnwrap(theme.gradient(.accuracy))
        XCTAssertEqual(screen[36, 2].style.foreground, gradient.color(at: 0), "the largest drop (20 points) at the worst end")
        XCTAssertEqual(screen[22, 2].style.foreground, gradient.color(at: 1), "no drop at the best")
        XCTAssertEqual(screen[22, 3].style.foreground, gradient.color(at: 1), "a gain counts as no drop")
        XCTAssertEqual(screen[36, 3].style.foreground, gradient.color(at: 0.5), "10 of 20 points: halfway")
    }

    func testWhatDoesNotFitIsCountedInTheCaption() {
        var screen = Screen(width: 60, height: 3)
        let area = Rect(x: 0, y: 0, width: 31, height: 3)
        SensitivityHeatmapView(curves: curves).render(into: &screen, area: area, theme: .fallback, glyphs: .ascii)
        XCTAssertEqual(WidgetTestSupport.text(screen, area), [
            "accuracy drop (points), each la",
            "layer               50%    90% ",
            "fc1.weight          0.0    8.1 ",
        ])
        var wide = Screen(width: 120, height: 3)
        SensitivityHeatmapView(curves: curves).render(into: &wide, area: wide.bounds, theme: .fallback, glyphs: .ascii)
        XCTAssertEqual(wide.lines[0].trimmingCharacters(in: .whitespaces),
                       "accuracy drop (points), each layer pruned alone; dense 88.12%; +1 layers not shown")
        var narrow = Screen(width: 60, height: 4)
        SensitivityHeatmapView(curves: curves).render(into: &narrow, area: narrow.bounds, theme: .fallback, glyphs: .ascii)
        XCTAssertEqual(narrow.lines[3].prefix(16), "~ut.conv.weight ", "ASCII: the long name's end after ~")
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
