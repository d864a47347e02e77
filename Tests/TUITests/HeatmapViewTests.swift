import Metrics
import TUI
import Training
import XCTest

final class HeatmapViewTests: XCTestCase {
    /// 2x4 weights, one weight per cell; kept pattern "1011" over "0011": 5 of 8 kept.
    let grid = HeatmapGrid(weights: [1, 0, 2, 4, 0, 0, 1, 1], mask: [1, 0, 1, 1, 0, 0, 1, 1],
                           matrixRows: 2, matrixColumns: 4, requestedRows: 2, requestedColumns: 4)

    func testHalfBlocksCarryTwoPixelsPerCellInTheDensityGradient() {
        var screen = Screen(width: 4, height: 2)
        let theme = Theme.fallback, gradient = theme.gradients[.density]!
        XCTAssertEqual(HeatmapView.gridSize(for: screen.bounds, theme: theme, glyphs: .unicode).rows, 2)
        HeatmapView(name: "w", shape: [2, 4], grid: grid).render(into: &screen, area: screen.bounds, theme: theme, glyphs: .unicode)
        XCTAssertEqual(screen.lines, ["w 37", "▀▀▀▀"], "the shortest caption, clipped")
        XCTAssertEqual(screen[0, 1].style.foreground, gradient.end, "upper pixel kept")
        XCTAssertEqual(screen[0, 1].style.background, gradient.start, "lower pixel pruned")
        XCTAssertEqual(screen[1, 1].style.foreground, gradient.start)
        XCTAssertEqual(screen[3, 1].style.background, gradient.end)
    }

    func testTheSelectedLayersCaptionIsInReverseVideo() {
        var screen = Screen(width: 30, height: 3)
        HeatmapView(name: "fc2.weight", shape: [2, 4], grid: grid, selected: true)
            .render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertTrue(screen[0, 0].style.reverse)
        XCTAssertEqual(screen[0, 0].style.foreground, Theme.fallback.color(.highlight))
        var plain = Screen(width: 30, height: 3)
        HeatmapView(name: "fc2.weight", shape: [2, 4], grid: grid)
            .render(into: &plain, area: plain.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertFalse(plain[0, 0].style.reverse)
        XCTAssertEqual(plain.lines[0], screen.lines[0], "the same caption")
    }

    func testTheLegendNamesTheModeAndShowsTheColourScale() {
        let theme = Theme.fallback
        var screen = Screen(width: 30, height: 1)
        HeatmapLegend(showsMagnitude: false).render(into: &screen, area: screen.bounds, theme: theme, glyphs: .unicode)
        XCTAssertEqual(screen.lines, ["    kept: none ██████ densest "])
        let density = theme.gradients[.density]!
        XCTAssertEqual(screen[15, 0].style.foreground, density.start, "the scale starts at the ramp's start")
        XCTAssertEqual(screen[20, 0].style.foreground, density.end, "and ends at its end")

        screen = Screen(width: 30, height: 1)
        HeatmapLegend(showsMagnitude: true).render(into: &screen, area: screen.bounds, theme: theme, glyphs: .unicode)
        XCTAssertEqual(screen.lines, ["        |w|: 0 ██████ largest "], "d switches the mode, and the legend says so")
        XCTAssertEqual(screen[20, 0].style.foreground, theme.gradients[.magnitude]!.end)

        screen = Screen(width: 18, height: 1)
        HeatmapLegend(showsMagnitude: false).render(into: &screen, area: screen.bounds, theme: theme, glyphs: .ascii)
        XCTAssertEqual(screen.lines, ["  kept ..::+# max "], "narrow (80 columns): the short form; ASCII shades")
        screen = Screen(width: 10, height: 1)
        HeatmapLegend(showsMagnitude: false).render(into: &screen, area: screen.bounds, theme: theme, glyphs: .unicode)
        XCTAssertEqual(screen.lines, ["          "], "no room: nothing")
    }

    func testCaptionNamesShapeAndMeasuredSparsity() {
        XCTAssertEqual(HeatmapView.caption(name: "fc1.weight", shape: [2, 4], grid: grid, glyphs: .unicode),
                       "fc1.weight 2×4  37.5% sparse")
        XCTAssertEqual(HeatmapView.caption(name: "fc1.weight", shape: [2, 4], grid: grid, glyphs: .ascii),
                       "fc1.weight 2x4  37.5% sparse")
        XCTAssertEqual(HeatmapView.caption(name: "fc1.weight", shape: [300, 784], grid: grid, glyphs: .unicode, width: 29),
                       "fc1 300×784 37.5%", "narrow: short name, no 'sparse'")
        XCTAssertEqual(HeatmapView.caption(name: "fc1.weight", shape: [300, 784], grid: grid, glyphs: .unicode, width: 12),
                       "fc1 37.5%")
        XCTAssertEqual(HeatmapView.caption(name: "layer2.0.shortcut.conv1.weight", shape: [32, 16, 1, 1], grid: grid,
                                           glyphs: .unicode, width: 18),
                       "l2.0.s.conv1 37.5%", "a block layer's path abbreviated, its own name whole")
    }

    func testMonochromeAndASCIIUseShadesOnePixelPerCell() {
        for (theme, glyphs, lines) in [(WidgetTestSupport.monochrome, Glyphs.unicode, ["█ ██", "  ██"]),
                                       (WidgetTestSupport.monochrome, Glyphs.ascii, ["# ##", "  ##"]),
                                       (Theme.fallback, Glyphs.ascii, ["# ##", "  ##"])] {
            var screen = Screen(width: 4, height: 3)
            XCTAssertEqual(HeatmapView.gridSize(for: screen.bounds, theme: theme, glyphs: glyphs).rows, 2)
            HeatmapView(name: "w", shape: [2, 4], grid: grid).render(into: &screen, area: screen.bounds, theme: theme, glyphs: glyphs)
            XCTAssertEqual(Array(screen.lines.dropFirst()), lines)
            XCTAssertEqual(screen[0, 1].style.foreground, theme.isMonochrome ? nil : theme.gradients[.density]!.end)
        }
    }

    func testPooledPixelsShowAnyKeptWeightAndDensityIsRelativeToTheDensestPixel() {
        // A 1x32 matrix in two pixels: 16 of 16 kept, and 1 of 16.
        let mask = [Float](repeating: 1, count: 17) + [Float](repeating: 0, count: 15)
        let sparse = HeatmapGrid(weights: [Float](repeating: 1, count: 32), mask: mask,
                                 matrixRows: 1, matrixColumns: 32, requestedRows: 1, requestedColumns: 32)
        var screen = Screen(width: 2, height: 2)
        HeatmapView(name: "w", shape: [1, 32], grid: sparse)
            .render(into: &screen, area: screen.bounds, theme: WidgetTestSupport.monochrome, glyphs: .unicode)
        XCTAssertEqual(screen.lines[1], "█░", "1 of 16 still shows")
        // At 90% sparsity the densest pixel (20% kept) takes the top of the ramp; absolute mode keeps 0.2.
        let thin = HeatmapGrid(weights: [Float](repeating: 1, count: 20), mask: [1, 1] + [Float](repeating: 0, count: 18),
                               matrixRows: 2, matrixColumns: 10, requestedRows: 2, requestedColumns: 2)
        let gradient = Theme.fallback.gradients[.density]!
        var relative = Screen(width: 2, height: 2), absolute = Screen(width: 2, height: 2)
        HeatmapView(name: "w", shape: [2, 10], grid: thin)
            .render(into: &relative, area: relative.bounds, theme: .fallback, glyphs: .unicode)
        HeatmapView(name: "w", shape: [2, 10], grid: thin, relativeDensity: false)
            .render(into: &absolute, area: absolute.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(relative[0, 1].style.foreground, gradient.end)
        XCTAssertEqual(absolute[0, 1].style.foreground, gradient.color(at: 0.4))
        XCTAssertEqual(absolute[0, 1].style.background, gradient.start)
    }

    func testMagnitudeModeUsesTheMagnitudeGradientUpToTheStrongestPixel() {
        var screen = Screen(width: 4, height: 2)
        let gradient = Theme.fallback.gradients[.magnitude]!
        HeatmapView(name: "w", shape: [2, 4], grid: grid, showsMagnitude: true)
            .render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen[3, 1].style.foreground, gradient.end, "|w| = 4 is the strongest")
        XCTAssertEqual(screen[1, 1].style.foreground, gradient.start)
        XCTAssertEqual(screen[2, 1].style.foreground, gradient.color(at: 0.5))
    }

    func testInputMapFitsASquareAndCountsConnectedPixels() throws {
        // 2 outputs reading a 2x2 image: pixel 0 by both, pixel 1 by one, pixel 3 by none.
        let parameter = Parameter(name: "fc1.weight", shape: [2, 4], role: .weight, index: 0, value: [1, 1, 1, 0, 1, 0, 1, 0])
        let map = try XCTUnwrap(InputConnectionMap(firstLayer: LayerSnapshot(parameter: parameter), imageShape: [2, 2]))
        var screen = Screen(width: 20, height: 2)
        InputMapView(map).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.lines, ["inputs 3/4 used     ", "         ▀▀         "])
        let gradient = Theme.fallback.gradients[.density]!
        XCTAssertEqual(screen[9, 1].style.foreground, gradient.end)
        XCTAssertEqual(screen[10, 1].style.foreground, gradient.color(at: 0.5))
        XCTAssertEqual(screen[10, 1].style.background, gradient.start)
        var ascii = Screen(width: 8, height: 3)
        InputMapView(map).render(into: &ascii, area: ascii.bounds, theme: WidgetTestSupport.monochrome, glyphs: .ascii)
        XCTAssertEqual(Array(ascii.lines.dropFirst()), ["  ##::  ", "  ##    "])
        WidgetTestSupport.assertRobust { screen, rect, theme, glyphs in
            InputMapView(map).render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
        }
    }

    func testDrawsOnlyInsideItsRectAtAnySize() {
        WidgetTestSupport.assertRobust { screen, rect, theme, glyphs in
            HeatmapView(name: "fc1.weight", shape: [2, 4], grid: grid).render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
            HeatmapView(name: "fc1.weight", shape: [2, 4], grid: grid, showsMagnitude: true)
                .render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
        }
    }
}
