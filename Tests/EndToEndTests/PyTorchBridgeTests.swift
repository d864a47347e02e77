import Foundation
import RunLogs
import Training
import XCTest

/// Real PyTorch runs (CPU, Fashion-MNIST) write prunetop's run log with the Python package:
/// prunetop's readers take it, and `prunetop watch` in tmux shows and steers the run.
final class PyTorchBridgeTests: XCTestCase {
    private let socket = "prunetop-bridge-\(ProcessInfo.processInfo.processIdentifier)"
    private let session = "watch"
    private var server: TmuxServer { TmuxServer(socket: socket, session: session) }
    private var runs: [PyTorchRun] = []

    override func tearDown() {
        _ = try? server.run(["kill-server"])
        for run in runs { run.stop() }
    }

    private static var binary: String { PrunetopProcess.releaseExecutable }

    private func requireFashionMNIST() throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") else {
            throw XCTSkip("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
        }
    }

    /// "step 60: test accuracy 0.7480, sparsity 0.4999, target 0.50, lr 0.05" lines.
    private func printedEvaluations(_ text: String) -> [(step: Int, accuracy: Double, sparsity: Double)] {
        text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard words.count >= 8, words[0] == "step", let step = Int(words[1].dropLast()),
                  let accuracy = Double(words[4].dropLast()), let sparsity = Double(words[6].dropLast()) else { return nil }
            return (step, accuracy, sparsity)
        }
    }

    func testAPythonWrittenLogIsReadBackLayerByLayer() throws {
        try requireFashionMNIST()
        let log = PrunetopProcess.temporaryPath("pytorch.jsonl")
        let run = try PyTorchRun(log: log, arguments: ["--steps", "60", "--eval-every", "30", "--begin", "10", "--end", "40",
                                                       "--every", "10", "--target", "0.5", "--train-limit", "2000", "--test-limit", "500"])
        runs.append(run)
        try run.start()
        let printed = printedEvaluations(try run.finish(timeout: 120))
        XCTAssertEqual(printed.map(\.step), [30, 60])

        let timeline = try ReplayTimeline(path: log)
        let network = try XCTUnwrap(timeline.network)
        XCTAssertEqual(network.name, "small-cnn")
        XCTAssertEqual(network.prunableLayers.map(\.weight), ["conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight"])
        XCTAssertEqual(network.layers.map(\.kind), [.convolution, .batchNorm, .relu, .maxPool, .convolution, .batchNorm, .relu, .maxPool,
                                                    .flatten, .linear, .relu, .linear])
        XCTAssertEqual(network.layers[9].inputsPerSourceUnit, 49, "fc1 reads conv2's 16 channels of 7x7")
        XCTAssertEqual(timeline.steering, RunSteering(commands: (log as NSString).lastPathComponent + ".commands",
                                                      knobs: [.pause, .target, .lr]))
        let evaluations = timeline.moments.filter { $0.frame != nil }
        XCTAssertEqual(evaluations.map(\.snapshot.step), [30, 60])
        for (moment, expected) in zip(evaluations, printed) {
            XCTAssertEqual(try XCTUnwrap(moment.snapshot.testAccuracy), expected.accuracy, accuracy: 5e-5)
            XCTAssertEqual(moment.snapshot.sparsity.measured, expected.sparsity, accuracy: 5e-5)
        }
        let last = try XCTUnwrap(evaluations.last)
        XCTAssertEqual(last.snapshot.layers.map(\.name), ["conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight"])
        XCTAssertEqual(last.snapshot.layers.map(\.shape), [[8, 1, 3, 3], [16, 8, 3, 3], [64, 784], [10, 64]])
        let frame = try XCTUnwrap(last.frame)
        XCTAssertNil(frame.consistencyProblem)
        XCTAssertEqual(frame.heatmaps["fc1.weight"]?.weightCount.reduce(0, +), 64 * 784)
        XCTAssertEqual(frame.heatmaps["fc1.weight"]?.keptCount.reduce(0, +), last.snapshot.layers[2].nonzeroCount)
        XCTAssertEqual(frame.histograms["conv2.weight"]?.total.reduce(0, +), 16 * 8 * 9)
        XCTAssertLessThan(frame.flops.sparse.forward, frame.flops.dense.forward)
        XCTAssertEqual(timeline.moments.last?.snapshot.state, .finished)

        let runLog = try RunLog(path: log)
        XCTAssertEqual(runLog.outcome, "done")
        XCTAssertEqual(runLog.evaluations.map(\.layers.count), [4, 4])
        XCTAssertEqual(try XCTUnwrap(runLog.finalSparsity), 0.5, accuracy: 1e-3)
        XCTAssertEqual(try XCTUnwrap(runLog.finalAccuracy), try XCTUnwrap(printed.last?.accuracy), accuracy: 5e-5)
    }

    /// The three figures the bridge is judged by, printed: an evaluation written to it drawn,
    /// a knob press to the run applying it, and the run's end said on screen.
    func testWatchShowsSteersAndSeesTheEndOfARealPyTorchRun() throws {
        try requireFashionMNIST()
        guard (try? server.run(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
        let log = PrunetopProcess.temporaryPath("watched.jsonl")
        let run = try PyTorchRun(log: log, arguments: ["--steps", "500", "--eval-every", "50", "--begin", "10", "--end", "100",
                                                       "--every", "10", "--target", "0.5", "--train-limit", "3000", "--test-limit", "500",
                                                       "--step-delay", "0.02"])
        runs.append(run)
        let binary = Self.binary
        try server.run(["new-session", "-d", "-s", session, "-x", "130", "-y", "42",
                        "TERM=xterm-256color \(binary) watch \(log); sleep 60"])
        try run.start()
        try server.waitForScreen("the run's layers, its accuracy and the knobs it takes", timeout: 40) { screen in
            screen.contains("conv1.weight") && screen.contains("test acc") && screen.contains("RUNNING") && screen.contains("method               unavailable")
        }

        // An evaluation written by PyTorch, then on screen: the header's accuracy changes to it.
        let evaluationDelay = try timeUntilTheNextEvaluationShows(log: log)

        // Lines counted before the press: the run may apply it before the wait below starts.
        let linesBefore = try wholeLines(log).count
        let pressed = Date()
        try server.run(["send-keys", "-t", session, "+"])
        let applied = try waitForLogLine(log, after: linesBefore, timeout: 20) {
            $0.contains("\"event\":\"command\"") && $0.contains("\"outcome\":\"applied\"")
        }
        let knobDelay = Date().timeIntervalSince(pressed)
        XCTAssertTrue(applied.contains("target sparsity 0.50 → 0.55"), applied)
        try server.waitForScreen("the acknowledgement on the message line") { $0.contains("target sparsity 0.50 → 0.55 at step") }
        try server.run(["send-keys", "-t", session, "+"])
        try server.waitForScreen("the second press acknowledged") { $0.contains("target sparsity 0.55 → 0.60 at step") }
        try server.run(["send-keys", "-t", session, "m"])
        try server.waitForScreen("a knob the run does not take refused") { $0.contains("refused: this run does not take the method knob") }

        let printed = printedEvaluations(try run.finish(timeout: 60))
        XCTAssertEqual(try XCTUnwrap(printed.last?.sparsity), 0.6, accuracy: 1e-3, "the masks followed the knob to 0.60")
        let ended = try server.waitForScreen("the run's end", timeout: 20) { $0.contains("FINISHED") && $0.contains("finished: test accuracy") }
        let accuracy = String(format: "%.2f%%", try XCTUnwrap(printed.last?.accuracy) * 100)
        XCTAssertTrue(ended.contains("finished: test accuracy \(accuracy)"), ended)
        // Watching is not running: one q quits, without asking.
        try server.run(["send-keys", "-t", session, "q"])
        let deadline = Date().addingTimeInterval(10)
        var alternate = "1"
        while alternate != "0" && Date() < deadline {
            alternate = try server.run(["display-message", "-p", "-t", session, "#{alternate_on}"], capturing: true)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertEqual(alternate, "0", "the dashboard quit and gave the terminal back")
        print("bridge figures: an evaluation written to it drawn \(String(format: "%.3f", evaluationDelay)) s; "
              + "a knob press to the PyTorch run applying it \(String(format: "%.3f", knobDelay)) s")
    }

    /// Seconds from an `eval` line appearing in the log to the header showing its accuracy.
    private func timeUntilTheNextEvaluationShows(log: String) throws -> Double {
        let line = try waitForLogLine(log, timeout: 30) { $0.hasPrefix("{\"event\":\"eval\"") }
        let written = Date()
        let data = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        let accuracy = try XCTUnwrap(data?["test_acc"] as? Double), step = try XCTUnwrap(data?["step"] as? Int)
        let text = String(format: "test acc %.2f%%", accuracy * 100)
        try server.waitForScreen("step \(step)'s accuracy, \(text)", timeout: 10) { screen in
            guard let match = screen.firstMatch(of: /step (\d+)\/\d+/), let shown = Int(match.1) else { return false }
            return shown >= step && screen.contains(text)
        }
        return Date().timeIntervalSince(written)
    }

    /// The log's whole lines (a line still being written, with no newline yet, is not one: an
    /// evaluation's line is about a megabyte).
    private func wholeLines(_ log: String) throws -> [Substring] {
        let text = try String(contentsOfFile: log, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return Array(lines.dropLast()).filter { !$0.isEmpty }
    }

    /// Polls the log every 2 ms for a whole line matching `condition` after its first `after`
    /// lines (by default, the lines it has when the wait starts).
    @discardableResult
    private func waitForLogLine(_ log: String, after: Int? = nil, timeout: TimeInterval, _ condition: (String) -> Bool) throws -> String {
        let initial = try after ?? wholeLines(log).count
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let lines = try wholeLines(log)
            if let found = lines.dropFirst(initial).first(where: { condition(String($0)) }) { return String(found) }
            Thread.sleep(forTimeInterval: 0.002)
        }
        XCTFail("no matching line in \(log) within \(timeout) s")
        throw XCTSkip("stopped after a failed wait")
    }
}
