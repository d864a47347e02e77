import Metrics
import TUI
import XCTest

final class HistogramViewTests: XCTestCase {
    /// Bins over [-1, 1]: kept [2, 0, 2, 4], pruned [0, 4, 2, 0].
    let histogram = WeightHistogram(
        values: [-0.9, -0.8, -0.1, -0.2, -0.3, -0.4, 0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9],
        mask: [1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1], lowerBound: -1, upperBound: 1, binCount: 4)

    func testStackedBarsKeptBelowPrunedWithTheAxisRange() {
        var screen = Screen(width: 4, height: 4)
        HistogramView(layerName: "w", histogram: histogram).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.lines, ["w   ", " ███", "████", "-1 1"])
        let kept = Theme.fallback.colors[.kept], pruned = Theme.fallback.colors[.pruned]
        XCTAssertNotEqual(kept, pruned)
        XCTAssertEqual(screen[0, 2].style.foreground, kept)
        XCTAssertEqual(screen[1, 2].style.foreground, pruned)
        XCTAssertEqual(screen[1, 1].style.foreground, pruned)
        XCTAssertEqual(screen[2, 2].style.foreground, kept, "kept at the bottom of a mixed bin")
        XCTAssertEqual(screen[2, 1].style.foreground, pruned, "pruned stacked on top")
    }

    func testAMixedCellIsTheKeptEighthOnAPrunedBackground() {
        let mixed = WeightHistogram(values: [0.1, 0.2], mask: [1, 0], lowerBound: 0, upperBound: 1, binCount: 1)
        var screen = Screen(width: 3, height: 3)
        HistogramView(layerName: "w", histogram: mixed).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.lines[1], "▄▄▄")
        XCTAssertEqual(screen.lines[2], "0 1")
        XCTAssertEqual(screen[1, 1].style.foreground, Theme.fallback.colors[.kept])
        XCTAssertEqual(screen[1, 1].style.background, Theme.fallback.colors[.pruned])
    }

    func testLogScaleLiftsSmallCounts() {
        let values = [Float](repeating: -0.5, count: 1) + [Float](repeating: 0, count: 9) + [Float](repeating: 0.5, count: 99)
        let skewed = WeightHistogram(values: values, mask: nil, lowerBound: -0.6, upperBound: 0.6, binCount: 3)
        var linear = Screen(width: 3, height: 2), log = Screen(width: 3, height: 2)
        HistogramView(layerName: "w", histogram: skewed).render(into: &linear, area: linear.bounds, theme: .fallback, glyphs: .unicode)
        HistogramView(layerName: "w", histogram: skewed, logScale: true)
            .render(into: &log, area: log.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(linear.lines[1], "▁▁█", "a non-empty bin shows at least an eighth")
        XCTAssertEqual(log.lines[1], "▁▄█")
    }

    func testMonochromeDrawsPrunedAsAShadeAndASCIIWorks() {
        var mono = Screen(width: 4, height: 3), ascii = Screen(width: 4, height: 3)
        HistogramView(layerName: "w", histogram: histogram)
            .render(into: &mono, area: mono.bounds, theme: WidgetTestSupport.monochrome, glyphs: .unicode)
        HistogramView(layerName: "w", histogram: histogram)
            .render(into: &ascii, area: ascii.bounds, theme: WidgetTestSupport.monochrome, glyphs: .ascii)
        XCTAssertEqual(Array(mono.lines[1...1]), ["▄▒▄█"], "a mixed bin shows its kept part")
        XCTAssertEqual(Array(ascii.lines[1...1]), ["o:o#"])
        XCTAssertEqual(ascii.lines[2], "-1 1")
    }

    func testCaptionLegendLogAndDistanceLabel() {
        var screen = Screen(width: 40, height: 1)
        HistogramView(layerName: "fc1.weight", histogram: histogram, logScale: true)
            .render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.lines[0], "fc1.weight  log  █kept █pruned          ")
        XCTAssertEqual(screen[18, 0].style.foreground, Theme.fallback.colors[.kept])
        XCTAssertEqual(screen[24, 0].style.foreground, Theme.fallback.colors[.pruned])
        var drop = Screen(width: 24, height: 1)
        HistogramView(layerName: "fc1.weight", histogram: histogram, showsDistanceFromInitialisation: true)
            .render(into: &drop, area: drop.bounds, theme: .fallback, glyphs: .ascii)
        XCTAssertEqual(drop.lines[0], "fc1.weight  |w - w0|    ")
    }

    func testWideRectsRepeatBinsAndNarrowOnesPoolThem() {
        var wide = Screen(width: 10, height: 4)
        HistogramView(layerName: "w", histogram: histogram).render(into: &wide, area: wide.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(wide.lines[2], " ████████ ")
        XCTAssertEqual(wide.lines[3], " -1  0  1 ")
        var narrow = Screen(width: 2, height: 3)
        HistogramView(layerName: "w", histogram: histogram).render(into: &narrow, area: narrow.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(narrow.lines[1], "▂▆", "pooled bins: kept 2 of 6 and 6 of 8")
        XCTAssertEqual(narrow[0, 1].style.background, Theme.fallback.colors[.pruned])
    }

    func testDrawsOnlyInsideItsRectAtAnySize() {
        WidgetTestSupport.assertRobust { screen, rect, theme, glyphs in
            HistogramView(layerName: "fc1.weight", histogram: histogram, logScale: true)
                .render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
        }
    }
}
