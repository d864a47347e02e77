import Metrics
import TUI
import XCTest

final class OccamsHillViewTests: XCTestCase {
    /// Baseline 90% (given): A above 90.5%, C below 89.1% (1% budget); the knee at 90%
    /// sparsity (settled); the 99% point was taken while the mask still moved.
    var hill: OccamsHill {
        var hill = OccamsHill(budget: 0.01, noiseMargin: 0.005, baseline: HillBaseline(accuracy: 0.9, source: .given))
        hill.record(HillPoint(sparsity: 0, accuracy: 0.90, phase: .dense, runID: "live"))
        hill.record(HillPoint(sparsity: 0.9, accuracy: 0.90, phase: .afterFineTuning, runID: "live"))
        hill.record(HillPoint(sparsity: 0.99, accuracy: 0.80, phase: .afterPruning, runID: "live"))
        hill.record(HillPoint(sparsity: 0.9, accuracy: 0.85, phase: .afterFineTuning, runID: "sweep"))
        return hill
    }

    func testLayoutRegionsBaselinePointsKneeAndTicks() {
        var screen = Screen(width: 30, height: 10)
        OccamsHillView(hill: hill).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        let colors = Theme.fallback.colors
        XCTAssertEqual(screen.lines[0], "acc  base 90.0%  knee 90.0%   ", "the baseline's source goes first when short of room")
        XCTAssertEqual(OccamsHillView.caption(hill: hill, showsError: false), "acc  base 90.0% given  knee 90.0%")
        XCTAssertEqual(OccamsHillView.caption(hill: hill, showsError: false, width: 23), "acc base 90.0% knee 90%")
        XCTAssertEqual((1...8).map { screen[6, $0].character }, ["A", "B", "C", "C", "C", "C", "C", "C"])
        XCTAssertEqual(screen[6, 1].style.foreground, colors[.regionA])
        XCTAssertEqual(screen[6, 3].style.foreground, colors[.regionC])
        XCTAssertEqual(screen[10, 1].style.background, colors[.background]!.mixed(with: colors[.regionA]!, 0.15), "region A tint")
        XCTAssertEqual(screen[25, 2].character, "─", "the dense baseline, right of the knee")
        XCTAssertEqual(screen[10, 2].style.foreground, colors[.accuracy], "the live curve runs along it up to the knee")
        XCTAssertEqual(screen[25, 2].style.foreground, colors[.baseline])
        XCTAssertEqual(screen[7, 2].character, "●", "the dense point of this run")
        XCTAssertEqual(screen[18, 2].character, "◉", "the knee at 90%")
        XCTAssertEqual(screen[18, 2].style.foreground, colors[.warning])
        XCTAssertEqual(screen[29, 8].character, "○", "taken while the mask moved: hollow")
        XCTAssertEqual(screen[29, 8].style.foreground, colors[.accuracy])
        XCTAssertEqual(screen[18, 5].character, "◆", "another run's point")
        XCTAssertEqual(screen[18, 5].style.foreground, colors[.highlight])
        XCTAssertEqual(screen.lines[9], "       0         90%       99%")
        XCTAssertTrue(screen.lines[1].hasPrefix("91."), "y labelled at the top")
    }

    func testErrorModeFlipsTheAxisAndMonochromeASCIIStillMarksEverything() {
        var screen = Screen(width: 30, height: 10)
        OccamsHillView(hill: hill, showsError: true)
            .render(into: &screen, area: screen.bounds, theme: WidgetTestSupport.monochrome, glyphs: .ascii)
        XCTAssertEqual(screen.lines[0], "err  base 10.0%  knee 90.0%   ")
        XCTAssertEqual((1...8).map { screen[6, $0].character }, ["C", "C", "C", "C", "C", "C", "B", "A"])
        XCTAssertEqual(screen[29, 1].character, "o", "the 99% point, now the highest error, moving")
        XCTAssertEqual(screen[7, 7].character, "*", "the settled dense point")
        XCTAssertEqual(screen[18, 7].character, "@")
        XCTAssertTrue(screen[18, 7].style.bold)
        XCTAssertNil(screen[10, 8].style.background, "no tint without colour")
        XCTAssertTrue(screen.lines[7].contains("-"), "the baseline in ASCII")
    }

    /// The 160-column layout's tall panel names every mark and the x axis on its last row.
    func testATallPanelHasALegendOfItsMarks() {
        var screen = Screen(width: 60, height: 16)
        OccamsHillView(hill: hill).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.lines[15], "● settled ○ moving ◉ knee ◆ other runs  x: log density".padding(toLength: 60, withPad: " ", startingAt: 0))
        XCTAssertEqual(screen[0, 15].style.foreground, Theme.fallback.colors[.accuracy])
        XCTAssertEqual(screen[21, 15].style.foreground, Theme.fallback.colors[.warning], "the knee's mark in its colour")
        XCTAssertEqual(screen[28, 15].style.foreground, Theme.fallback.colors[.highlight])
        XCTAssertTrue(screen.lines[14].contains("90%"), "the ticks move up a row")
        var short = Screen(width: 60, height: 13)
        OccamsHillView(hill: hill).render(into: &short, area: short.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertFalse(short.lines.joined().contains("settled"), "a short panel keeps its rows for the plot")
        var alone = OccamsHill(budget: 0.01, noiseMargin: 0.005, baseline: nil)
        alone.record(HillPoint(sparsity: 0, accuracy: 0.9, phase: .dense, runID: "live"))
        var plain = Screen(width: 40, height: 16)
        OccamsHillView(hill: alone).render(into: &plain, area: plain.bounds, theme: .fallback, glyphs: .ascii)
        XCTAssertEqual(plain.lines[15], "* settled o moving  x: log density      ", "no knee, no other runs: not named")
    }

    func testLogDensityAxis() {
        XCTAssertEqual(SparsityAxis.position(sparsity: 0, decades: 2), 0)
        XCTAssertEqual(SparsityAxis.position(sparsity: 0.9, decades: 2), 0.5, accuracy: 1e-12)
        XCTAssertEqual(SparsityAxis.position(sparsity: 0.99, decades: 2), 1, accuracy: 1e-12)
        XCTAssertEqual(SparsityAxis.position(sparsity: 0.9999, decades: 2), 1)
        XCTAssertEqual(SparsityAxis.decades(for: [0.5, 0.9]), 2)
        XCTAssertEqual(SparsityAxis.decades(for: [0.995]), 3)
        XCTAssertEqual(SparsityAxis.decades(for: [0.999999, 1]), 4)
    }

    func testWithoutABaselineThereAreNoRegions() {
        var pruned = OccamsHill()
        pruned.record(HillPoint(sparsity: 0.5, accuracy: 0.8, phase: .afterPruning, runID: "live"))
        var screen = Screen(width: 40, height: 5)
        OccamsHillView(hill: pruned).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.lines[0], "acc no base: none given (--baseline)    ")
        XCTAssertFalse(screen.lines.joined().contains { "ABC".contains($0) })
        XCTAssertTrue(screen.lines.joined().contains("○"))
        let waiting = OccamsHill(points: pruned.points, baseline: nil, missingBaselineReason: "dense phase still rising (+1.2 pt)")
        OccamsHillView(hill: waiting).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.lines[0], "acc no base: dense phase still rising   ", "why there is none, said, never cut")
        XCTAssertEqual(OccamsHillView.caption(hill: waiting, showsError: false, width: 60), "acc  no baseline: dense phase still rising (+1.2 pt)")
        XCTAssertEqual(OccamsHillView.caption(hill: waiting, showsError: false, width: 20), "acc  no baseline yet")
    }

    func testDrawsOnlyInsideItsRectAtAnySize() {
        WidgetTestSupport.assertRobust { screen, rect, theme, glyphs in
            OccamsHillView(hill: hill).render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
            OccamsHillView(hill: hill, showsError: true).render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
            OccamsHillView(hill: OccamsHill()).render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
        }
    }
}

final class OccamsHillGroupTests: XCTestCase {
    /// A grid sweep overlaid: two methods' hills through their cells' means, with error bars.
    var hill: OccamsHill {
        var hill = OccamsHill(budget: 0.01, noiseMargin: 0.005, baseline: HillBaseline(accuracy: 0.9, source: .sweep(name: "sweep.jsonl")))
        hill.record(HillPoint(sparsity: 0, accuracy: 0.90, phase: .dense, runID: "method=magnitude", spread: 0))
        hill.record(HillPoint(sparsity: 0.9, accuracy: 0.85, phase: .afterFineTuning, runID: "method=magnitude", spread: 0.01))
        hill.record(HillPoint(sparsity: 0, accuracy: 0.90, phase: .dense, runID: "method=random", spread: 0))
        hill.record(HillPoint(sparsity: 0.9, accuracy: 0.50, phase: .afterFineTuning, runID: "method=random", spread: 0.1))
        return hill
    }

    func testEachGroupIsAHillWithErrorBarsAndItsOwnMark() {
        var screen = Screen(width: 40, height: 16)
        OccamsHillView(hill: hill).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        let highlight = Theme.fallback.colors[.highlight]
        XCTAssertEqual(screen[23, 3].character, "◆", "magnitude at 90%: 85%, the first group's mark")
        XCTAssertEqual(screen[23, 10].character, "■", "random at 90%: 50%, the second group's mark")
        XCTAssertEqual(screen[23, 10].style.foreground, highlight)
        for y in [8, 9, 11, 12] {
            XCTAssertTrue(Self.isBraille(screen[23, y].character), "random's error bar (± 10 points) at row \(y)")
            XCTAssertEqual(screen[23, y].style.foreground, highlight)
        }
        XCTAssertEqual(screen[23, 13].character, " ", "the bar ends at mean - sd")
        XCTAssertEqual(screen[23, 7].character, " ", "and at mean + sd")
        for x in [9, 14, 19] { XCTAssertTrue(Self.isBraille(screen[x, 2 + (x - 7) / 2].character), "random's hill at column \(x)") }
        XCTAssertTrue(Self.isBraille(screen[16, 2].character), "magnitude's hill, near the baseline")
        XCTAssertEqual(screen.lines[13].prefix(6), "35.0% ", "the y range takes in the error bars (50% - 10 - padding)")

        var wide = Screen(width: 70, height: 16)
        OccamsHillView(hill: hill).render(into: &wide, area: wide.bounds, theme: .fallback, glyphs: .ascii)
        XCTAssertEqual(wide.lines[15], "+ method=magnitude # method=random * settled o moving @ knee".padding(toLength: 70, withPad: " ", startingAt: 0),
                       "several overlaid hills are named in the legend by their marks")
    }

    /// A braille cell with at least one dot.
    private static func isBraille(_ character: Character) -> Bool {
        character.unicodeScalars.first.map { (0x2801...0x28FF).contains($0.value) } ?? false
    }
}
