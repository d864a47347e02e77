import DashboardModel
import Metrics
@testable import TUI
import Training
import XCTest

final class NetworkFactsViewTests: XCTestCase {
    /// A real DropBack run on the embedded digits, paused after `steps` steps and an evaluation.
    private func frameAndSnapshot(method: String, steps: Int) throws -> (DashboardFrame, TrainingSnapshot) {
        var config = RunConfig()
        config.epochs = 5
        config.startPaused = true
        config.evaluateEverySteps = steps
        config.sparsity = SparsityConfig(method: method, target: 0.9)
        let data = DatasetLoader.embeddedDigits()
        let trainer = try Trainer(config: config, dataset: data)
        trainer.start()
        defer {
            trainer.send(.stop)
            _ = trainer.waitUntilFinished(timeout: 30)
        }
        trainer.send(.step(count: steps))
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let s = trainer.latestSnapshot, s.step == steps, s.state == .paused, s.testAccuracy != nil {
                let model = try ModelCatalog.make(config.model, inputShape: data.sampleShape, classCount: data.classCount, seed: 0)
                var state = DashboardFrameContext(model: model)
                return (DashboardFrame.make(s, context: &state), s)
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        throw XCTSkip("no snapshot")
    }

    func testTheNetworkAndTheMethodsOwnNumbersAreNamed() throws {
        let (frame, snapshot) = try frameAndSnapshot(method: "dropback", steps: 6)
        let lines = NetworkFactsView.lines(frame: frame, snapshot: snapshot, width: 32)
        let text = lines.map(\.text)
        XCTAssertEqual(text.first, "NETWORK")
        XCTAssertTrue(lines[0].isHeading)
        let analysis = try XCTUnwrap(frame.analysis)
        XCTAssertTrue(text.contains(String(format: "  effective sparsity %.1f%%", analysis.effectiveSparsity * 100)), "\(text)")
        XCTAssertTrue(text.contains { $0.hasPrefix("  dead units \(analysis.deadUnitCount) of ") })
        XCTAssertTrue(text.contains("  other ops 810 per sample"), "lenet300: ReLUs 300 + 100, bias adds 300 + 100 + 10; \(text)")
        let classes = frame.classAccuracy.compactMap(\.accuracy)
        XCTAssertEqual(classes.count, 10)
        XCTAssertTrue(text.contains { $0.hasPrefix("  worst class ") && $0.hasSuffix(String(format: ": %.1f%%", classes.min()! * 100)) })
        XCTAssertTrue(text.contains { $0.hasPrefix("  best class ") && $0.hasSuffix(String(format: ": %.1f%%", classes.max()! * 100)) })
        let heading = try XCTUnwrap(lines.firstIndex { $0.text == "DROPBACK" })
        XCTAssertTrue(lines[heading].isHeading)
        let statistics = text[(heading + 1)...].joined()
        for statistic in snapshot.sparsity.statistics { XCTAssertTrue(statistics.contains(statistic.name), statistic.name) }
        XCTAssertTrue(text.allSatisfy { $0.count <= 32 }, "wrapped to the width: \(text)")

        var screen = Screen(width: 32, height: 1)
        NetworkFactsView(frame: frame, snapshot: snapshot).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.lines, [String(repeating: " ", count: 32)], "one row: nothing, not a lone heading")
    }
}
