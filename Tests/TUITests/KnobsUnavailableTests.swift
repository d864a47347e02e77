import TUI
import Training
import XCTest

/// A watched run's knobs: those it does not take say so, in the inactive colour, and keep
/// their row (the selection and the hint stay where they were).
final class KnobsUnavailableTests: XCTestCase {
    private func render(_ values: KnobValues, selected: Int) -> Screen {
        var screen = Screen(width: 30, height: 12)
        PanelFrame(title: "Knobs").render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        KnobsView(values, selectedKnob: selected).render(into: &screen, area: PanelFrame.inner(of: screen.bounds), theme: .fallback,
                                                         glyphs: .unicode)
        return screen
    }

    func testKnobsTheRunDoesNotTakeAreDrawnUnavailableCellByCell() {
        let unavailable = Set(Knob.allCases).subtracting([.target, .learningRate])
        let values = KnobValues(method: "magnitude", target: 0.6, schedule: nil, scheduleName: "recorded", budget: "recorded",
                                learningRate: 0.05)
        var watched = values
        watched.unavailable = unavailable
        let screen = render(watched, selected: 1)
        XCTAssertEqual(screen.lines, [
            "╭─ Knobs ────────────────────╮",
            "│ method         unavailable │",
            "│ target sparsity       0.60 │",
            "│ schedule begin unavailable │",
            "│ schedule end   unavailable │",
            "│ frequency      unavailable │",
            "│ exponent       unavailable │",
            "│ budget         unavailable │",
            "│ learning rate         0.05 │",
            "│ pace           unavailable │",
            "│ ←/→ change  Enter type     │",
            "╰────────────────────────────╯",
        ])
        let inactive = Theme.fallback.color(.inactive), highlight = Theme.fallback.color(.highlight)
        for x in 2...7 { XCTAssertEqual(screen[x, 1].style.foreground, inactive, "method's label, column \(x)") }
        for x in 17...27 {
            XCTAssertEqual(screen[x, 1].style.foreground, inactive, "method's value, column \(x)")
            XCTAssertFalse(screen[x, 1].style.bold)
        }
        for x in 24...27 { XCTAssertEqual(screen[x, 8].style.foreground, highlight, "the learning rate it takes, column \(x)") }
        XCTAssertEqual(screen[2, 8].style.foreground, Theme.fallback.color(.foreground))
        // Without the set, the same values are drawn as before.
        XCTAssertEqual(render(values, selected: 1).lines[1], "│ method           magnitude │")
        XCTAssertEqual(watched[.method], KnobValues.unavailableText)
        XCTAssertEqual(watched[.target], "0.60")
    }
}
