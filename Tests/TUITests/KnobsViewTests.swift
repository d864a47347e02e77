import TUI
import Training
import XCTest

final class KnobsViewTests: XCTestCase {
    private let values = KnobValues(method: "magnitude", target: 0.9,
                                    schedule: .polynomial(initial: 0, beginStep: 1000, endStep: 4000, frequency: 100, exponent: 3),
                                    budget: "global", learningRate: 0.05)

    private func render(_ values: KnobValues, selected: Int, width: Int = 26, height: Int = 11, theme: Theme = .fallback,
                        glyphs: Glyphs = .unicode) -> Screen {
        var screen = Screen(width: width, height: height)
        PanelFrame(title: "Knobs").render(into: &screen, area: screen.bounds, theme: theme, glyphs: glyphs)
        let inner = PanelFrame.inner(of: screen.bounds)
        KnobsView(values, selectedKnob: selected).render(into: &screen, area: inner, theme: theme, glyphs: glyphs)
        return screen
    }

    func testEveryKnobAtTheCompactSize() {
        let screen = render(values, selected: 1)
        XCTAssertEqual(screen.lines, [
            "╭─ Knobs ────────────────╮",
            "│ method       magnitude │",
            "│ target sparsity   0.90 │",
            "│ schedule begin   1,000 │",
            "│ schedule end     4,000 │",
            "│ frequency          100 │",
            "│ exponent             3 │",
            "│ budget          global │",
            "│ learning rate     0.05 │",
            "│ ←/→ change  Enter type │",
            "╰────────────────────────╯",
        ])
    }

    func testSelectedKnobIsHighlightedAcrossTheRow() {
        let screen = render(values, selected: 1)
        for x in 1...24 {
            XCTAssertEqual(screen[x, 2].style.background, Theme.fallback.color(.selectedBackground), "column \(x)")
            XCTAssertEqual(screen[x, 2].style.foreground, Theme.fallback.color(.selectedForeground))
        }
        XCTAssertNil(screen[5, 1].style.background)
        XCTAssertEqual(screen[22, 1].style.foreground, Theme.fallback.color(.highlight), "values stand out")
        let mono = Theme(name: "mono", isMonochrome: true, colors: Theme.fallback.colors, gradients: [:])
        let monochrome = render(values, selected: 1, theme: mono)
        XCTAssertTrue(monochrome[3, 2].style.reverse, "reverse video in monochrome")
        XCTAssertFalse(monochrome[3, 1].style.reverse)
    }

    func testScheduleKnownOnlyByNameAndAsciiHint() {
        let byName = KnobValues(method: "rigl", target: 0.8, schedule: nil, scheduleName: "polynomial", budget: "erk", learningRate: 0.001)
        XCTAssertEqual(byName[.scheduleBegin], "polynomial")
        XCTAssertNil(byName[.exponent])
        XCTAssertEqual(byName[.learningRate], "0.001")
        let screen = render(byName, selected: 0, width: 40, glyphs: .ascii)
        XCTAssertEqual(screen.text(row: 3), "| schedule begin            polynomial |")
        XCTAssertEqual(screen.text(row: 6), "| exponent                           - |")
        XCTAssertEqual(screen[37, 6].style.foreground, Theme.fallback.color(.inactive))
        XCTAssertEqual(screen.text(row: 9), "| </> change  Enter type a value       |")
        let narrow = render(byName, selected: 0)
        XCTAssertEqual(narrow.text(row: 3), "│ begin       polynomial │", "a short label leaves room for the value")
        XCTAssertEqual(narrow.text(row: 2), "│ target sparsity   0.80 │")
    }

    func testShortPanelScrollsToTheSelectedKnob() {
        XCTAssertEqual(KnobsView.visibleKnobs(selectedKnob: 0, rows: 4), 0..<4)
        XCTAssertEqual(KnobsView.visibleKnobs(selectedKnob: 5, rows: 4), 2..<6)
        XCTAssertEqual(KnobsView.visibleKnobs(selectedKnob: 7, rows: 4), 4..<8)
        XCTAssertEqual(KnobsView.visibleKnobs(selectedKnob: 3, rows: 8), 0..<8)
        let screen = render(values, selected: 7, height: 7)
        XCTAssertEqual(screen.text(row: 1), "│ frequency          100 │")
        XCTAssertEqual(screen.text(row: 4), "│ learning rate     0.05 │")
        XCTAssertEqual(KnobsView.knob(atX: 5, y: 4, in: Rect(x: 0, y: 0, width: 26, height: 7), selectedKnob: 7), 7)
        XCTAssertEqual(KnobsView.knob(atX: 5, y: 1, in: Rect(x: 0, y: 0, width: 26, height: 7), selectedKnob: 7), 4)
        XCTAssertNil(KnobsView.knob(atX: 5, y: 5, in: Rect(x: 0, y: 0, width: 26, height: 7), selectedKnob: 7))
    }

    func testTinyRectsDrawOnlyInside() {
        for width in 0...4 {
            for height in 0...3 {
                var screen = Screen(width: 12, height: 8)
                let sentinel = Cell("~")
                screen.fill(screen.bounds, with: sentinel)
                let rect = Rect(x: 3, y: 2, width: width, height: height)
                KnobsView(values, selectedKnob: 2).render(into: &screen, area: rect, theme: .fallback, glyphs: .ascii)
                for y in 0..<8 { for x in 0..<12 where !rect.contains(x: x, y: y) { XCTAssertEqual(screen[x, y], sentinel) } }
            }
        }
    }
}
