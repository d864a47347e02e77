@testable import TUI
import XCTest

final class LinePlotViewTests: XCTestCase {
    func testASeriesIsABrailleLineInItsColour() {
        var screen = Screen(width: 2, height: 2)
        let loss = PlotSeries(label: "loss", role: .loss, points: [PlotPoint(step: 0, value: 0), PlotPoint(step: 3, value: 1)])
        LinePlotView(series: [loss]).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.lines, ["━ ", "⡠⠊"])
        XCTAssertEqual(screen[1, 1].style.foreground, Theme.fallback.colors[.loss])
        var ascii = Screen(width: 2, height: 2)
        LinePlotView(series: [loss]).render(into: &ascii, area: ascii.bounds, theme: WidgetTestSupport.monochrome, glyphs: .ascii)
        XCTAssertEqual(ascii.lines, ["- ", ".'"])
        XCTAssertNil(ascii[1, 1].style.foreground)
    }

    func testNonFiniteValuesBreakTheLine() {
        var screen = Screen(width: 2, height: 2)
        let loss = PlotSeries(label: "loss", role: .loss, points: [
            PlotPoint(step: 0, value: 0), PlotPoint(step: 1, value: .nan), PlotPoint(step: 3, value: 1),
        ])
        LinePlotView(series: [loss]).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.lines[1], "⡀⠈")
        XCTAssertEqual(LinePlotView.valueRange([PlotPoint(step: 0, value: 2), PlotPoint(step: 1, value: .infinity)]), 1.8...2.2)
        XCTAssertNil(LinePlotView.valueRange([PlotPoint(step: 0, value: .nan)]))
    }

    func testTwoSeriesOwnAxesLegendStepsAndMarkers() {
        var screen = Screen(width: 20, height: 6)
        let series = [
            PlotSeries(label: "loss", role: .loss, points: [PlotPoint(step: 0, value: 2), PlotPoint(step: 100, value: 1)]),
            PlotSeries(label: "acc", role: .accuracy, points: [PlotPoint(step: 0, value: 0.5), PlotPoint(step: 100, value: 0.9)]),
        ]
        LinePlotView(series: series, markers: [50, 500]).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        let colors = Theme.fallback.colors
        XCTAssertEqual(screen.lines[0], "━ loss 1  ━ acc 0.9 ")
        XCTAssertEqual(screen.lines[5], "  0      ▲   100    ")
        XCTAssertEqual(screen[0, 0].style.foreground, colors[.loss])
        XCTAssertEqual(screen[10, 0].style.foreground, colors[.accuracy])
        XCTAssertEqual(screen.lines[1].first, "2")
        XCTAssertEqual(screen.lines[4].first, "1")
        XCTAssertTrue(screen.lines[1].hasSuffix("0.9"))
        XCTAssertTrue(screen.lines[4].hasSuffix("0.5"))
        XCTAssertEqual(screen[17, 1].style.foreground, colors[.accuracy])
        XCTAssertEqual(screen[2, 1].style.foreground, colors[.loss], "loss starts top left")
        XCTAssertEqual(screen[2, 4].style.foreground, colors[.accuracy], "accuracy starts bottom left")
        XCTAssertEqual(screen[9, 5].character, "▲", "the mask update at step 50 is a tick on the step row")
        XCTAssertEqual(screen[9, 5].style.foreground, colors[.warning])
        XCTAssertEqual(screen.lines.joined().filter { $0 == "▲" }.count, 1, "step 500 is off the plot")
        XCTAssertFalse((1...4).contains { screen.lines[$0].contains("│") }, "no line across the curves")

        var wide = Screen(width: 40, height: 6)
        LinePlotView(series: series, markers: [50]).render(into: &wide, area: wide.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(wide.lines[0], "━ loss 1  ━ acc 0.9  ▲ mask update      ", "the legend names the ticks when it has room")
        XCTAssertEqual(wide[21, 0].style.foreground, colors[.warning])
    }

    /// LeNet-5's first losses (about 5) above a run that then stays under 1: the range is the
    /// rest's, and the spike is drawn at the top edge.
    func testAnEarlySpikeDoesNotFlattenTheRestOfTheCurve() {
        let points = [PlotPoint(step: 0, value: 4.97)] + (1...99).map { PlotPoint(step: $0 * 10, value: 0.9 - Double($0) * 0.005) }
        XCTAssertEqual(LinePlotView.valueRange(points), 0.405...0.875, "from the step at 5% of the run on")
        let gentle = (0...99).map { PlotPoint(step: $0 * 10, value: 2.3 - Double($0) * 0.01) }
        XCTAssertEqual(LinePlotView.valueRange(gentle)?.upperBound, 2.3, "a curve without a spike keeps its whole range")
        var screen = Screen(width: 30, height: 8)
        LinePlotView(series: [PlotSeries(label: "loss", role: .loss, points: points)])
            .render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.lines[1].prefix(5), "0.875")
    }

    func testDrawsOnlyInsideItsRectAtAnySize() {
        let series = [
            PlotSeries(label: "loss", role: .loss, points: (0..<50).map { PlotPoint(step: $0 * 10, value: 2 / Double($0 + 1)) }),
            PlotSeries(label: "accuracy", role: .accuracy, points: (0..<50).map { PlotPoint(step: $0 * 10, value: Double($0) / 50) }),
        ]
        WidgetTestSupport.assertRobust { screen, rect, theme, glyphs in
            LinePlotView(series: series, markers: [0, 120, 490]).render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
            LinePlotView(series: []).render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
            LinePlotView(series: [PlotSeries(label: "x", role: .loss, points: [PlotPoint(step: 5, value: 1)])])
                .render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
        }
    }

    /// At 80x24 the Loss panel's legend read "━ loss 0.00124  ━ test acc" (its value cut,
    /// or "test acc 0", which reads as zero accuracy): entries are now shortened, then
    /// dropped, never cut.
    func testTheLegendShortensOrDropsEntriesButNeverCutsOne() {
        let series = [PlotSeries(label: "loss", role: .loss, points: [PlotPoint(step: 0, value: 0.00124)]),
                      PlotSeries(label: "test acc", shortLabel: "acc", role: .accuracy, points: [PlotPoint(step: 0, value: 0.917)])]
        func legend(_ width: Int) -> String {
            let (items, gap) = LinePlotView.legendItems(series, width: width, glyphs: .unicode)
            return items.joined(separator: String(repeating: " ", count: gap))
        }
        XCTAssertEqual(legend(40), "━ loss 0.00124  ━ test acc 0.917")
        XCTAssertEqual(legend(27), "━ loss 0.00124  ━ acc 0.917")
        XCTAssertEqual(legend(26), "━ loss 0.00124 ━ acc 0.917", "the Loss panel's inside at 80x24")
        XCTAssertEqual(legend(20), "━ loss 0.00124", "the second entry dropped whole")
        var screen = Screen(width: 26, height: 4)
        LinePlotView(series: series).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.lines[0], "━ loss 0.00124 ━ acc 0.917")
    }
}
