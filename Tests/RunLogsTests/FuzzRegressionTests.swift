import Foundation
import Metrics
import RunLogs
import Training
import XCTest

/// Inputs that crashed `prunetop replay`, `export` or `--overlay` through the run-log
/// readers (found with fuzz/ FuzzRunLogs, see scripts/fuzz.sh): each must now be refused by
/// the reader with an error naming the line and the key, before anything draws it.
///
/// Each reproducer is `validLog` with one value changed (`reproducer` checks that the
/// original text is there, so the bytes are exactly the ones that crashed).
final class FuzzRegressionTests: XCTestCase {
    /// A small, valid recorded run: start, one evaluation with a recorded frame, done.
    private let validLog = #"""
        {"event":"start","config":{"model":"lenet300","sparsity":{"method":"magnitude","target":0.5}},"dataset":{"name":"d","rows":28,"columns":28,"classes":10},"total_steps":10,"steps_per_epoch":5}
        {"event":"eval","step":5,"epoch":1,"train_loss":1,"test_acc":0.5,"lr":0.05,"method":"magnitude","phase":"pruning","target":0.5,"sparsity":0.5,"layers":[{"name":"fc1.weight","shape":[2,3],"params":6,"nonzero":3,"target":0.5}],"frame":{"heatmaps":{"fc1.weight":{"rows":1,"columns":2,"weightCount":[3,3],"keptCount":[1,2],"keptMagnitudeSum":[0.5,1],"magnitudeSum":[1,1.5]}},"histograms":{"fc1.weight":{"lowerBound":-1,"upperBound":1,"kept":[1,2,1],"pruned":[1,0,1],"outOfRange":0,"nonFinite":0}},"histogramsShowDistance":false,"flops":{"layers":[],"dense":{"forward":6,"backwardInput":6,"backwardWeight":6},"sparse":{"forward":3,"backwardInput":3,"backwardWeight":3}},"cheapestStorage":{"format":"dense","bits":192,"compressionRatio":1},"acceleratorEstimate":{"forward":1,"backward":1,"training":1},"activationSparsity":0.5}}
        {"event":"done","step":10,"test_acc":0.5,"sparsity":0.5}

        """#

    private func reproducer(_ original: String, _ replacement: String,
                            file: StaticString = #filePath, line: UInt = #line) -> String {
        XCTAssertTrue(validLog.contains(original), "the valid log has no \(original)", file: file, line: line)
        return validLog.replacingOccurrences(of: original, with: replacement)
    }

    private func assertRefused<T>(_ read: @autoclosure () throws -> T, line: Int, mentioning fragment: String,
                                  file: StaticString = #filePath, sourceLine: UInt = #line) {
        XCTAssertThrowsError(try read(), file: file, line: sourceLine) { error in
            guard let error = error as? RunLogError else { return XCTFail("unexpected \(error)", file: file, line: sourceLine) }
            XCTAssertEqual(error.line, line, "\(error)", file: file, line: sourceLine)
            XCTAssertTrue(error.problem.contains(fragment), "\(error)", file: file, line: sourceLine)
        }
    }

    func testTheValidLogReads() throws {
        let timeline = try ReplayTimeline(text: validLog, path: "run.jsonl")
        XCTAssertEqual(timeline.moments.count, 2)
        XCTAssertNil(timeline.moments[0].frame?.consistencyProblem)
        XCTAssertNotNil(timeline.moments[0].frame)
        let log = try RunLog(text: validLog, path: "run.jsonl")
        XCTAssertEqual(log.evaluations.first?.testAccuracy, 0.5)
        XCTAssertFalse(HillSVG.run(log).document.isEmpty)
    }

    /// The method's statistics (at evaluations) and the last update's mask churn come back
    /// in replay, and hold until the next line that gives them; a negative churn is refused.
    func testReplayReadsTheMethodsStatisticsAndTheMaskChurn() throws {
        let text = reproducer(#""phase":"pruning","target":0.5,"#, #""phase":"pruning","mask_churn":7,"method_stats":{"tracked":3,"entered":1},"target":0.5,"#)
        let timeline = try ReplayTimeline(text: text, path: "run.jsonl")
        XCTAssertEqual(timeline.moments[0].snapshot.sparsity.lastMaskChurn, 7)
        XCTAssertEqual(timeline.moments[0].snapshot.sparsity.statistics, [MethodStatistic("entered", 1), MethodStatistic("tracked", 3)])
        XCTAssertEqual(timeline.moments[1].snapshot.sparsity.statistics.count, 2, "held by the line after")
        assertRefused(try ReplayTimeline(text: text.replacingOccurrences(of: #""mask_churn":7"#, with: #""mask_churn":-7"#), path: "run.jsonl"),
                      line: 2, mentioning: "mask_churn: expected an integer >= 0")
    }

    /// The replay built LeNet-300-100 for 100000x100000 images: a 3x10^12-weight first
    /// layer (AddressSanitizer: requested allocation size 0xae9f7bcc020).
    func testReplayRefusesImagesTooLargeToRebuildTheModel() {
        let text = reproducer(#""rows":28,"columns":28"#, #""rows":100000,"columns":100000"#)
        assertRefused(try ReplayTimeline(text: text, path: "run.jsonl"), line: 1, mentioning: "dataset:")
    }

    /// classes -3: Dense(outputs: -3) trapped ("Range requires lowerBound <= upperBound").
    func testReplayRefusesANegativeClassCount() {
        let text = reproducer(#""classes":10"#, #""classes":-3"#)
        assertRefused(try ReplayTimeline(text: text, path: "run.jsonl"), line: 1, mentioning: "classes")
    }

    /// A 50x70 heatmap with 2 cells of values: HeatmapView indexed past them ("Index out of range").
    func testReplayRefusesAHeatmapWhoseSizeDoesNotMatchItsCells() {
        let text = reproducer(#""rows":1,"columns":2"#, #""rows":50,"columns":70"#)
        assertRefused(try ReplayTimeline(text: text, path: "run.jsonl"), line: 2, mentioning: "heatmap fc1.weight")
    }

    /// Two cells of 2^62 weights: HeatmapView's caption summed them ("arithmetic overflow").
    func testReplayRefusesHeatmapCountsThatOverflow() {
        let text = reproducer(#""weightCount":[3,3],"keptCount":[1,2]"#,
                              #""weightCount":[4611686018427387904,4611686018427387904],"keptCount":[0,0]"#)
        assertRefused(try ReplayTimeline(text: text, path: "run.jsonl"), line: 2, mentioning: "heatmap fc1.weight")
    }

    /// Bounds 1 and -1: WeightHistogram.binRange built a reversed range.
    func testReplayRefusesAHistogramWithReversedBounds() {
        let text = reproducer(#""lowerBound":-1,"upperBound":1"#, #""lowerBound":1,"upperBound":-1"#)
        assertRefused(try ReplayTimeline(text: text, path: "run.jsonl"), line: 2, mentioning: "histogram fc1.weight")
    }

    /// 3 kept bins, 1 pruned: HistogramView indexed past the pruned counts.
    func testReplayRefusesAHistogramWithMismatchedBins() {
        let text = reproducer(#""pruned":[1,0,1]"#, #""pruned":[1]"#)
        assertRefused(try ReplayTimeline(text: text, path: "run.jsonl"), line: 2, mentioning: "histogram fc1.weight")
    }

    /// Two layers of 2^62 non-zero weights: the header's kept-weight total overflowed.
    func testReplayRefusesMoreNonZeroWeightsThanTheShapeHolds() {
        let text = reproducer(#""layers":[{"name":"fc1.weight","shape":[2,3],"params":6,"nonzero":3,"target":0.5}]"#,
                              #""layers":[{"name":"fc1.weight","shape":[2,3],"params":6,"nonzero":4611686018427387904},"#
                                + #"{"name":"fc2.weight","shape":[3,2],"params":6,"nonzero":4611686018427387904}]"#)
        assertRefused(try ReplayTimeline(text: text, path: "run.jsonl"), line: 2, mentioning: "layers")
        assertRefused(try RunLog(text: text, path: "run.jsonl"), line: 2, mentioning: "layers")
    }

    /// test_acc 1e308: HillSVG (`prunetop export --svg`) built a reversed accuracy range.
    func testRunLogRefusesAnAccuracyOutsideZeroToOne() {
        let text = reproducer(#""test_acc":0.5,"lr""#, #""test_acc":1e+308,"lr""#)
        assertRefused(try RunLog(text: text, path: "run.jsonl"), line: 2, mentioning: "test_acc")
        assertRefused(try ReplayTimeline(text: text, path: "run.jsonl"), line: 2, mentioning: "test_acc")
    }

    /// A sweep point of accuracy 7: HillSVG.sweep built a reversed accuracy range.
    func testSweepTableRefusesAnAccuracyOutsideZeroToOne() {
        let text = #"{"event":"sweep_point","target":0,"sparsity":0,"accuracy_after_fine_tuning":7,"log":"a.jsonl"}"# + "\n"
        assertRefused(try SweepTable(jsonLines: text, path: "sweep.jsonl"), line: 1, mentioning: "accuracy_after_fine_tuning")
    }
}
