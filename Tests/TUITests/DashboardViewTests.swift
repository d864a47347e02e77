import Metrics
@testable import TUI
import XCTest

final class DashboardViewTests: XCTestCase {
    /// The light theme paints its background on every cell, text included; before, text
    /// cells kept the terminal's own background (dark on most), so its dark text vanished.
    func testTheThemesBackgroundIsOnEveryCell() throws {
        let light = try ThemeLibrary(environment: [:]).load(named: "light").theme
        let background = try XCTUnwrap(light.color(.background))
        for (width, height) in [(80, 24), (160, 48), (40, 10)] {
            var screen = Screen(width: width, height: height)
            var state = DashboardViewState()
            state.message = "a message"
            let model = DashboardModel(snapshot: nil, frame: nil, hill: OccamsHill(), history: RunHistory(), state: state)
            DashboardView.draw(model, into: &screen, theme: light, glyphs: .unicode)
            for y in 0..<height {
                for x in 0..<width where screen[x, y].style.background == nil {
                    XCTFail("\(width)x\(height): cell (\(x), \(y)) '\(screen[x, y].character)' has no background")
                    return
                }
            }
            XCTAssertTrue(screen.lines.joined().contains("a message") || width < 80)
            XCTAssertEqual(screen[0, height - 1].style.background, background)
        }
    }
}
