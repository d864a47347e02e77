import Metrics
import RunLogs
@testable import TUI
import XCTest

/// The comparison screen, cell by cell: the header's differences, the legend's two styles,
/// the layer table (A | B | Δ, the larger differences highlighted, the selected row reversed),
/// histograms side by side, and curves on one shared scale.
final class ComparisonViewTests: XCTestCase {
    /// A log with one evaluation whose frame has a histogram for each layer.
    static func log(method: String, accuracy: Double, sparsity: Double, layers: [(name: String, nonzero: Int)]) -> String {
        let layerJSON = layers.map { #"{"name":"\#($0.name)","shape":[10],"params":10,"nonzero":\#($0.nonzero)}"# }.joined(separator: ",")
        let histograms = layers.map { #""\#($0.name)":{"lowerBound":-1,"upperBound":1,"kept":[0,0,\#($0.nonzero)],"pruned":[\#(10 - $0.nonzero),0,0],"outOfRange":0,"nonFinite":0}"# }
            .joined(separator: ",")
        return [
            #"{"event":"start","config":{"model":"lenet300","sparsity":{"method":"\#(method)","target":0.9}},"dataset":{"name":"d","rows":28,"columns":28,"classes":10},"total_steps":10,"steps_per_epoch":5}"#,
            #"{"event":"eval","step":10,"epoch":2,"train_loss":1,"test_acc":\#(accuracy),"lr":0.05,"method":"\#(method)","phase":"pruning","target":0.9,"sparsity":\#(sparsity),"layers":[\#(layerJSON)],"frame":{"heatmaps":{},"histograms":{\#(histograms)},"histogramsShowDistance":false,"flops":{"layers":[],"dense":{"forward":6,"backwardInput":6,"backwardWeight":6},"sparse":{"forward":3,"backwardInput":3,"backwardWeight":3}},"cheapestStorage":{"format":"dense","bits":192,"compressionRatio":1},"acceleratorEstimate":{"forward":1,"backward":1,"training":1},"activationSparsity":0.5}}"#,
            #"{"event":"done","step":10,"test_acc":\#(accuracy),"sparsity":\#(sparsity)}"#,
        ].joined(separator: "\n") + "\n"
    }

    private func comparison(bLayers: [(name: String, nonzero: Int)] = [("fc1.weight", 5), ("fc2.weight", 9)]) throws -> RunComparison {
        func run(_ name: String, _ text: String) throws -> RunComparison.Run {
            RunComparison.Run(name: name, timeline: try ReplayTimeline(text: text, path: name))
        }
        return RunComparison(a: try run("a.jsonl", Self.log(method: "magnitude", accuracy: 0.85, sparsity: 0.5,
                                                            layers: [("fc1.weight", 5), ("fc2.weight", 5)])),
                             b: try run("b.jsonl", Self.log(method: "snip", accuracy: 0.82, sparsity: 0.3, layers: bLayers)))
    }

    private func draw(_ view: ComparisonView, width: Int = 100, height: Int = 30, theme: Theme = .fallback) -> Screen {
        var screen = Screen(width: width, height: height)
        view.render(into: &screen, area: screen.bounds, theme: theme, glyphs: .unicode)
        return screen
    }

    private func column(of text: String, in row: String) throws -> Int {
        let range = try XCTUnwrap(row.range(of: text), "\(text) not in \(row)")
        return row.distance(from: row.startIndex, to: range.lowerBound)
    }

    func testTheHeaderGivesTheDifferencesWithTheirSign() throws {
        let screen = draw(ComparisonView(comparison: try comparison()))
        let header = screen.text(row: 0)
        XCTAssertTrue(header.hasPrefix(" COMPARE  final acc 85.00% → 82.00% Δ −3.00 pt sparsity 50.0% → 30.0% Δ −20.0 pt  steps 10 → 10"), header)
        // At 80 columns the steps do not fit, at 70 the sparsity neither, nor the legend's
        // note: each left out whole.
        XCTAssertEqual(draw(ComparisonView(comparison: try comparison()), width: 80).text(row: 0),
                       " COMPARE  final acc 85.00% → 82.00% Δ −3.00 pt sparsity 50.0% → 30.0% Δ −20.0 pt")
        let narrow = draw(ComparisonView(comparison: try comparison()), width: 70)
        XCTAssertEqual(narrow.text(row: 0), " COMPARE  final acc 85.00% → 82.00% Δ −3.00 pt".padding(toLength: 70, withPad: " ", startingAt: 0))
        XCTAssertEqual(narrow.text(row: 1), " ━● A a.jsonl (magnitude, finished)   ━◆ B b.jsonl (snip, finished)".padding(toLength: 70, withPad: " ", startingAt: 0))
        let delta = try column(of: "Δ −3.00 pt", in: header)
        XCTAssertEqual(screen[delta, 0].style.foreground, Theme.fallback.color(.warning))
        XCTAssertTrue(screen[delta, 0].style.bold)
        XCTAssertEqual(screen[1, 0].style, Theme.fallback.style(.title, bold: true))
    }

    func testTheLegendNamesTheFilesAndMethodsInTheirTwoStyles() throws {
        let screen = draw(ComparisonView(comparison: try comparison()))
        let legend = screen.text(row: 1)
        XCTAssertTrue(legend.hasPrefix(" ━● A a.jsonl (magnitude, finished)   ━◆ B b.jsonl (snip, finished)   Δ = B − A"), legend)
        XCTAssertEqual(screen[2, 1].style.foreground, Theme.fallback.color(.accuracy), "A as the dashboard's own run")
        let b = try column(of: "━◆ B", in: legend)
        XCTAssertEqual(screen[b + 1, 1].style.foreground, Theme.fallback.color(.highlight), "B as another run")
        XCTAssertNotEqual(Theme.fallback.color(.accuracy), Theme.fallback.color(.highlight))
    }

    func testTheLayerTableHighlightsTheLargerDifferencesAndTheSelectedRow() throws {
        let screen = draw(ComparisonView(comparison: try comparison(), selectedLayer: 1))
        let rows = screen.lines
        let header = try XCTUnwrap(rows.firstIndex { $0.contains("layer") && $0.contains("Δ pt") })
        let fc1 = rows[header + 1], fc2 = rows[header + 2]
        XCTAssertTrue(fc1.contains("fc1.weight") && fc1.contains("50.0%  50.0%    0.0"), fc1)
        XCTAssertTrue(fc2.contains("fc2.weight") && fc2.contains("50.0%  10.0%  −40.0"), fc2)
        let x = try column(of: "fc1.weight", in: fc1)
        XCTAssertEqual(screen[x, header + 1].style, Theme.fallback.style(.foreground), "no difference: plain")
        XCTAssertTrue(screen[x, header + 2].style.bold)
        XCTAssertEqual(screen[x, header + 2].style.foreground, Theme.fallback.color(.warning), "the largest difference")
        XCTAssertTrue(screen[x, header + 2].style.reverse, "the selected layer")
        XCTAssertFalse(screen[x, header + 1].style.reverse)
        // Its histograms, A's and B's, side by side.
        let titles = try XCTUnwrap(rows.first { $0.contains("Weights A") })
        XCTAssertLessThan(try column(of: "Weights A", in: titles), try column(of: "Weights B", in: titles))
        XCTAssertEqual(rows.filter { $0.contains("fc2.weight  ") }.count >= 1, true)
    }

    func testTheTableEndsWithTheAccuraciesAtASparsityBothRunsReached() throws {
        var comparison = try comparison()
        let screen = draw(ComparisonView(comparison: comparison))
        XCTAssertFalse(screen.lines.contains { $0.contains("test acc at sparsity") }, "50% and 30%: no sparsity in common")
        func run(_ name: String, accuracy: Double) throws -> RunComparison.Run {
            RunComparison.Run(name: name, timeline: try ReplayTimeline(
                text: Self.log(method: "magnitude", accuracy: accuracy, sparsity: 0.5, layers: [("fc1.weight", 5)]), path: name))
        }
        comparison = RunComparison(a: try run("a.jsonl", accuracy: 0.85), b: try run("b.jsonl", accuracy: 0.80))
        let matched = draw(ComparisonView(comparison: comparison))
        let header = try XCTUnwrap(matched.lines.firstIndex { $0.contains("test acc at sparsity") })
        XCTAssertTrue(matched.lines[header + 1].contains("50.0%") && matched.lines[header + 1].contains("85.0%  80.0%   −5.0"),
                      matched.lines[header + 1])
    }

    func testALayerOnlyOneRunHasLeavesAGapAndTheMessageSaysWhy() throws {
        let comparison = try comparison(bLayers: [("fc1.weight", 5)])
        let screen = draw(ComparisonView(comparison: comparison, selectedLayer: 1))
        let fc2 = try XCTUnwrap(screen.lines.first { $0.contains("fc2.weight ") && $0.contains("%") })
        XCTAssertTrue(fc2.contains("50.0%      –      –"), fc2)
        let gap = try XCTUnwrap(screen.lines.first { $0.contains("no fc2.weight in this run") })
        XCTAssertGreaterThan(try column(of: "no fc2.weight in this run", in: gap), try column(of: "fc2.weight  ", in: gap), "in B's panel, right of A's")
        XCTAssertTrue(screen.text(row: 29).contains("different networks (lenet300 and lenet300): only A has fc2.weight"), screen.text(row: 29))
    }

    func testTooSmallAndRobust() throws {
        let comparison = try comparison()
        let small = draw(ComparisonView(comparison: comparison), width: 50, height: 12)
        XCTAssertTrue(small.lines.joined().contains("60"), "says the size it needs: \(small.lines)")
        WidgetTestSupport.assertRobust { screen, rect, theme, glyphs in
            ComparisonView(comparison: comparison).render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
        }
        WidgetTestSupport.assertDrawsOnlyInside(Rect(x: 2, y: 1, width: 70, height: 20), screenWidth: 80, screenHeight: 24) { screen, rect in
            ComparisonView(comparison: comparison).render(into: &screen, area: rect, theme: .fallback, glyphs: .unicode)
        }
    }

    func testCurvesOfTwoRunsShareOneScale() {
        var screen = Screen(width: 20, height: 6)
        let series = [
            PlotSeries(label: "A", role: .accuracy, points: [PlotPoint(step: 0, value: 0.5), PlotPoint(step: 100, value: 0.6)], scale: 0),
            PlotSeries(label: "B", role: .highlight, points: [PlotPoint(step: 0, value: 0.7), PlotPoint(step: 100, value: 0.9)], scale: 0),
        ]
        LinePlotView(series: series).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertTrue(screen.lines[1].hasPrefix("0.9"), "the top is the highest of both: \(screen.lines[1])")
        XCTAssertTrue(screen.lines[4].hasPrefix("0.5"), screen.lines[4])
        XCTAssertFalse(screen.lines[1].hasSuffix("0.9"), "no second axis")
        // A ends at 0.6, well under B's start at 0.7: on a shared scale A never reaches the top row.
        XCTAssertFalse((4..<20).contains { screen[$0, 1].style.foreground == Theme.fallback.color(.accuracy) && screen[$0, 1].character != " " })
        XCTAssertTrue((4..<20).contains { screen[$0, 4].style.foreground == Theme.fallback.color(.accuracy) }, "A along the bottom")
    }

    /// The Loss panel under `tui --compare`: the live run's loss and B's on the left scale,
    /// both accuracies on the right one.
    func testSeriesOnTwoScalesEachSharedByTwoRuns() {
        var screen = Screen(width: 30, height: 6)
        let series = [
            PlotSeries(label: "loss", role: .loss, points: [PlotPoint(step: 0, value: 2), PlotPoint(step: 10, value: 1)], scale: 0),
            PlotSeries(label: "acc", role: .accuracy, points: [PlotPoint(step: 0, value: 0.5), PlotPoint(step: 10, value: 0.6)], scale: 1),
            PlotSeries(label: "B loss", role: .highlight, points: [PlotPoint(step: 0, value: 3), PlotPoint(step: 10, value: 1)], scale: 0),
            PlotSeries(label: "B acc", role: .highlight, points: [PlotPoint(step: 0, value: 0.5), PlotPoint(step: 10, value: 0.9)], scale: 1),
        ]
        LinePlotView(series: series).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.lines[1].first, "3", "the loss scale reaches B's 3: \(screen.lines[1])")
        XCTAssertTrue(screen.lines[1].hasSuffix("0.9"), "the accuracy scale reaches B's 0.9: \(screen.lines[1])")
        XCTAssertTrue(screen.lines[4].hasSuffix("0.5"), screen.lines[4])
    }

    /// Without colour (`--color never`, the monochrome theme) A's and B's curves still differ:
    /// B's carry its hill mark (+ in ASCII) every few cells and in the legend; A's none.
    func testWithoutColourBsCurvesCarryItsMark() throws {
        let screen = draw(ComparisonView(comparison: try comparison()), theme: WidgetTestSupport.monochrome)
        var ascii = Screen(width: 100, height: 30)
        ComparisonView(comparison: try comparison()).render(into: &ascii, area: ascii.bounds, theme: WidgetTestSupport.monochrome, glyphs: .ascii)
        for (frame, line, mark) in [(screen, "━", "◆"), (ascii, "-", "+")] {
            let legends = frame.text(row: 3)
            XCTAssertEqual(legends.components(separatedBy: "\(line) A ").count - 1, 2, "the loss and accuracy legends: \(legends)")
            XCTAssertEqual(legends.components(separatedBy: "\(line)\(mark) B ").count - 1, 2, legends)
            XCTAssertTrue(frame.text(row: 1).contains("\(line)\(mark) B b.jsonl"), frame.text(row: 1))
            // B's one evaluation (82%) at the bottom of the accuracy panel, as its mark.
            let bottom = try XCTUnwrap(frame.lines.last { $0.contains("0.82 ") })
            XCTAssertTrue(bottom.contains("0.82 \(mark)"), bottom)
            XCTAssertNil(frame[0, 0].style.foreground, "no colour at all")
        }
    }

    /// One plot, two runs on one scale, in monochrome ASCII: A flat at the top, B flat at the
    /// bottom, B's + at its points' cells 0, 5, 9 and 14 of the plot (a mark at least 4 cells
    /// after the last), none on A's row.
    func testAMarkedSeriesCarriesItsGlyphEveryFewCells() {
        var screen = Screen(width: 20, height: 4)
        let steps = stride(from: 0, through: 100, by: 10)
        let series = [
            PlotSeries(label: "A", role: .accuracy, points: steps.map { PlotPoint(step: $0, value: 1) }, scale: 0),
            PlotSeries(label: "B", role: .highlight, points: steps.map { PlotPoint(step: $0, value: 0) }, scale: 0, mark: "+"),
        ]
        LinePlotView(series: series).render(into: &screen, area: screen.bounds, theme: WidgetTestSupport.monochrome, glyphs: .ascii)
        XCTAssertEqual(screen.text(row: 0), "- A 1  -+ B 0       ")
        XCTAssertEqual(screen.lines[1].first, "1")
        XCTAssertEqual(screen.lines[3].first, "0")
        // The plot starts at column 2 (the axis label "1" and a space); 36 braille dots wide,
        // the 11 points at dots 0, 4, 7, 11, 14, 18, 21, 25, 28, 32, 35: cells 0, 2, 3, 5, 7, 9, ...
        let marks = (0..<20).filter { screen[$0, 3].character == "+" }
        XCTAssertEqual(marks, [2, 7, 11, 16])
        XCTAssertTrue(marks.allSatisfy { screen[$0, 3].style.bold })
        XCTAssertFalse(screen.lines[1].contains("+"), "A's line has no mark")
        XCTAssertTrue((2..<20).allSatisfy { screen[$0, 3].character != " " }, "B's line runs between its marks")
    }

    /// A live B before its first evaluation has no layers yet: not "different networks", and
    /// its histogram panel says why it is empty.
    func testARunBeforeItsFirstEvaluationIsNotADifferentNetwork() throws {
        let a = Self.log(method: "magnitude", accuracy: 0.85, sparsity: 0.5, layers: [("fc1.weight", 5)])
        let start = String(try XCTUnwrap(a.split(separator: "\n").first))
        let b: String = start + "\n" + #"{"event":"progress","step":3,"state":"running","loss":1.5}"# + "\n"
        let comparison = RunComparison(a: RunComparison.Run(name: "a.jsonl", timeline: try ReplayTimeline(text: a, path: "a.jsonl")),
                                       b: RunComparison.Run(name: "b.jsonl", timeline: try ReplayTimeline(text: b, path: "b.jsonl")))
        XCTAssertNil(comparison.layerMismatch)
        XCTAssertEqual(comparison.b.progress, "live")
        let screen = draw(ComparisonView(comparison: comparison))
        let row = try XCTUnwrap(screen.lines.first { $0.contains("no evaluation yet") })
        XCTAssertGreaterThan(try column(of: "no evaluation yet", in: row), try column(of: "fc1.weight  ", in: row), "in B's panel")
        XCTAssertFalse(screen.lines.joined().contains("different networks"))
        XCTAssertTrue(screen.text(row: 1).contains("b.jsonl (magnitude, live)"), screen.text(row: 1))
    }
}
