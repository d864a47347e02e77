import TUI
import Training
import XCTest

final class HeaderViewTests: XCTestCase {
    private func status(_ state: HeaderStatus.State = .running, loss: Double = 0.3412, variant: String? = nil) -> HeaderStatus {
        HeaderStatus(method: "magnitude", variant: variant, phase: "pruning", epoch: 3, totalEpochs: 10, step: 1234, totalSteps: 4680,
                     targetSparsity: 0.9, actualSparsity: 0.853, loss: loss, testAccuracy: 0.8812, samplesPerSecond: 12345.4,
                     secondsRemaining: 201, state: state)
    }

    func testEveryFieldAtTwoHundredColumns() {
        var screen = Screen(width: 200, height: 1)
        HeaderView(status()).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        let expected = " magnitude  pruning  epoch 3/10  step 1,234/4,680  sparsity 0.853 of 0.900  6.8x  loss 0.3412"
            + "  test acc 88.12%  12,345 samples/s  ETA 3:21"
        XCTAssertEqual(screen.text(row: 0), expected + String(repeating: " ", count: 191 - expected.count) + " RUNNING ")
        let badge = screen[192, 0].style
        XCTAssertTrue(badge.reverse)
        XCTAssertEqual(badge.foreground, Theme.fallback.color(.accuracy))
        XCTAssertTrue(screen[1, 0].style.bold, "the method stands out")
        XCTAssertFalse(screen[12, 0].style.bold)
    }

    func testAReplaySaysSoInItsBadgeAndAPacedRunShowsItsPace() {
        var replay = status()
        replay.replaySpeed = 8
        XCTAssertEqual(replay.badge, "REPLAY 8x")
        var screen = Screen(width: 120, height: 1)
        HeaderView(replay).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertTrue(screen.text(row: 0).hasSuffix(" REPLAY 8x "))
        replay.state = .paused
        XCTAssertEqual(replay.badge, "REPLAY PAUSED")
        replay.state = .finished
        XCTAssertEqual(replay.badge, "REPLAY FINISHED")
        replay.replaySpeed = 1.37
        replay.state = .running
        XCTAssertEqual(replay.badge, "REPLAY 1.37x")

        var paced = status()
        paced.pace = "paced 50 steps/s"
        XCTAssertTrue(HeaderView.fittedText(paced, width: 200).hasSuffix("12,345 samples/s  paced 50 steps/s  ETA 3:21"))
        XCTAssertFalse(HeaderView.fittedText(paced, width: 100).contains("paced"), "it goes before the accuracy or the step")
    }

    func testAnInspectedFileSaysInspectInItsBadge() {
        var inspected = status(.finished)
        inspected.isInspection = true
        XCTAssertEqual(inspected.badge, "INSPECT")
        var screen = Screen(width: 120, height: 1)
        HeaderView(inspected).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertTrue(screen.text(row: 0).hasSuffix(" INSPECT "), screen.text(row: 0))
        // A file has no steps, loss or speed.
        XCTAssertEqual(HeaderView.fields(inspected).map(\.text), ["magnitude", "pruning", "sparsity 0.853 of 0.900", "6.8x"])
    }

    /// One rate on screen: a finished (or paused) run shows its average, as the finished
    /// message does, not the last few steps' rate; a running one its recent rate.
    func testARunThatIsNotRunningShowsItsAverageRate() {
        var snapshot = TrainingSnapshot(recordedState: .finished, model: "lenet300", dataset: "d", step: 100, totalSteps: 100,
                                        stepsPerEpoch: 10, recentLoss: 0.3, testAccuracy: 0.9, testLoss: nil, evaluationStep: 100,
                                        learningRate: 0.05, samplesPerSecond: 59_718, elapsedSeconds: 2,
                                        layers: [], sparsity: SparsitySnapshot(recordedMethod: "dense", target: 0, scheduledTarget: 0,
                                                                               measured: 0, phase: "dense", lastUpdateStep: nil),
                                        message: nil)
        snapshot.samplesSeen = 143_208
        snapshot.trainingSeconds = 2
        XCTAssertEqual(HeaderStatus(snapshot: snapshot, paused: false).samplesPerSecond, 71_604)
        snapshot.state = .running
        XCTAssertEqual(HeaderStatus(snapshot: snapshot, paused: false).samplesPerSecond, 59_718)
        XCTAssertEqual(HeaderStatus(snapshot: snapshot, paused: true).samplesPerSecond, 71_604, "paused from the keyboard")
        snapshot.samplesSeen = 0
        snapshot.state = .finished
        XCTAssertEqual(HeaderStatus(snapshot: snapshot, paused: false).samplesPerSecond, 59_718, "a replay: its recorded rate")
    }

    /// Sparsity and compression come from one count: the stored (kept, non-zero) weights.
    func testSparsityAndCompressionAgree() {
        // 1,000 weights, a mask keeping 536 of them (sparsity 0.464 by the mask), 263 of those non-zero.
        let parameter = Parameter(name: "fc1.weight", shape: [10, 100], role: .weight, index: 0,
                                  value: (0..<1_000).map { $0 < 263 ? 1 : 0 })
        let layer = LayerSnapshot(parameter: parameter, mask: (0..<1_000).map { $0 < 536 ? 1 : 0 }, targetSparsity: 0.5)
        let snapshot = TrainingSnapshot(recordedState: .running, model: "lenet300", dataset: "d", step: 1, totalSteps: 10,
                                        stepsPerEpoch: 10, recentLoss: 0.3, testAccuracy: nil, testLoss: nil, evaluationStep: nil,
                                        learningRate: 0.05, samplesPerSecond: 1, elapsedSeconds: 1, layers: [layer],
                                        sparsity: SparsitySnapshot(recordedMethod: "random", target: 0.9, scheduledTarget: 0.5,
                                                                   measured: 0.536, phase: "pruning", lastUpdateStep: 1),
                                        message: nil)
        let status = HeaderStatus(snapshot: snapshot, paused: false)
        XCTAssertEqual(status.actualSparsity, 0.737, accuracy: 1e-12)
        XCTAssertEqual(status.compression, 1000.0 / 263, accuracy: 1e-12)
        XCTAssertEqual(status.compression, 1 / (1 - status.actualSparsity), accuracy: 1e-9)
    }

    func testNarrowHeaderDropsTheLeastImportantFieldsFirst() {
        var screen = Screen(width: 80, height: 1)
        HeaderView(status(.paused)).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.text(row: 0), " magnitude  step 1,234/4,680  sparsity 0.853 of 0.900  test acc 88.12%   PAUSED ")
        XCTAssertEqual(screen[75, 0].style.foreground, Theme.fallback.color(.regionB))
        XCTAssertEqual(HeaderView.fittedText(status(), width: 20), "magnitude")
        XCTAssertEqual(HeaderView.fittedText(status(), width: 120),
                       "magnitude  pruning  epoch 3/10  step 1,234/4,680  sparsity 0.853 of 0.900  6.8x  loss 0.3412  test acc 88.12%")
    }

    /// At 80x24 a finished run used to drop its test accuracy (one column short, for the
    /// wider FINISHED badge); its step count now needs no total.
    func testAFinishedRunKeepsItsAccuracyAt80Columns() {
        var finished = status(.finished)
        finished.step = 4680
        var screen = Screen(width: 80, height: 1)
        HeaderView(finished).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .unicode)
        XCTAssertEqual(screen.text(row: 0), " magnitude  4,680 steps  sparsity 0.853 of 0.900  test acc 88.12%      FINISHED ")
    }

    func testVariantDivergedAndMonochrome() {
        let mono = Theme(name: "mono", isMonochrome: true, colors: Theme.fallback.colors, gradients: [:])
        var screen = Screen(width: 80, height: 1)
        HeaderView(status(.diverged, loss: .nan, variant: "SWAT-ERK"))
            .render(into: &screen, area: screen.bounds, theme: mono, glyphs: .ascii)
        XCTAssertTrue(screen.text(row: 0).hasPrefix(" magnitude (SWAT-ERK)  step 1,234/4,680"))
        XCTAssertTrue(screen.text(row: 0).hasSuffix(" DIVERGED "))
        XCTAssertTrue(screen[75, 0].style.reverse, "monochrome states are reverse video")
        XCTAssertNil(screen[75, 0].style.foreground)
        XCTAssertTrue(HeaderView.fittedText(status(loss: .nan), width: 200).contains("loss nan"))
    }

    func testSecondRowIsAProgressBar() {
        var screen = Screen(width: 84, height: 2)
        HeaderView(status(), fractionComplete: 0.25).render(into: &screen, area: screen.bounds, theme: .fallback, glyphs: .ascii)
        XCTAssertEqual(screen.text(row: 1), " " + String(repeating: "#", count: 19) + String(repeating: ".", count: 58) + "  25% ")
        XCTAssertEqual(screen[1, 1].style.foreground, Theme.fallback.color(.highlight))
    }

    func testCompressionComesFromSparsityUnlessGiven() {
        XCTAssertEqual(status().compression, 1 / 0.147, accuracy: 1e-9)
        let given = HeaderStatus(method: "dense", phase: "dense", epoch: 1, totalEpochs: 1, step: 0, totalSteps: 1, targetSparsity: 0,
                                 actualSparsity: 0.9, compression: 12.5, loss: 2.3, samplesPerSecond: 0, state: .finished)
        XCTAssertTrue(HeaderView.fittedText(given, width: 200).contains("12.5x"))
        XCTAssertFalse(HeaderView.fittedText(given, width: 200).contains("ETA"))
    }
}
