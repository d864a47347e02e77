import ArgumentParser
import Foundation
import RunLogs
import Training
import TUI

/// Runs the trainer on its queue while the main thread shows progress on stderr (when
/// it is a terminal) and the trainer's events go to the JSONL log.
struct HeadlessRun {
    let setup: RunSetup
    let jsonlPath: String?
    /// Replace an existing log at `jsonlPath` (else one holding anything is refused).
    var overwritesLog = false
    /// `--result-json`: a file, or "-" for stdout.
    var resultJSON: String?

    var config: RunConfig { setup.config }
    var dataset: ImageDataset { setup.dataset }

    enum Outcome: Equatable {
        case finished, stopped, diverged
        /// Ended by a signal: the log has its "stopped" event; exit with the signal's code.
        case signalled(TerminationSignals.Signal)
    }

    func run() throws -> Outcome {
        let recorder = try jsonlPath.map { try RunRecorder(path: $0, overwrite: overwritesLog, setup: setup) }
        let trainer = try setup.makeTrainer()
        // Before the trainer starts: a signal that comes once the run is visibly under way
        // (its first log lines) must find the handlers in place, not be ignored meanwhile.
        let signals = TerminationSignals()
        signals.start { _ in trainer.send(.stop) }
        let outcome = OutcomeBox()
        trainer.start { event in
            if case .diverged = event {
                outcome.set(.diverged)
                trainer.send(.stop)
            }
            if case let .checkpointFailed(_, reason, _) = event { Terminal.standardError("warning: \(reason); training goes on\n") }
            recorder?.record(event, diverged: outcome.value == .diverged)
        }
        let progress = Terminal.standardErrorIsTerminal ? ProgressLine() : nil
        while !trainer.waitUntilFinished(timeout: 0.2) {
            guard let snapshot = trainer.latestSnapshot else { continue }
            progress?.draw(snapshot)
            recorder?.progress(snapshot)
        }
        progress?.clear()
        guard let final = trainer.latestSnapshot else { return .stopped }
        let stoppedAsAsked = final.state == .stopped && config.stopAfterSteps.map { final.step >= $0 } == true
        if let resultJSON {
            let outcome: RunOutcome = outcome.value == .diverged ? .diverged : final.state == .finished || stoppedAsAsked ? .done : .stopped
            let line = try RunResultLine(outcome: outcome, snapshot: final, setup: setup).line
            if resultJSON == "-" { print(line, terminator: "") } else {
                do { try line.write(toFile: resultJSON, atomically: true, encoding: .utf8) } catch {
                    throw ValidationError("--result-json: cannot write \(resultJSON): \((error as NSError).localizedDescription)")
                }
            }
        }
        if let signal = signals.received {
            Terminal.standardError("stopped by \(signal.name) at step \(Format.grouped(final.step))\n")
            return .signalled(signal)
        }
        if outcome.value == .diverged {
            Terminal.standardError("error: \(final.message ?? "training diverged")\n")
            return .diverged
        }
        let accuracy = final.testAccuracy.map { String(format: "%.2f%%", $0 * 100) } ?? "n/a"
        let rate = final.trainingSeconds > 0 ? Double(final.samplesSeen) / final.trainingSeconds : 0
        let length = stoppedAsAsked ? "\(Format.grouped(final.step)) steps (stopped as asked)" : "\(config.epochs) epochs"
        let summary = "\(config.model) on \(dataset.name): test accuracy \(accuracy) after \(length), "
            + "\(Format.grouped(Int(rate))) samples/s, \(String(format: "%.1f", final.elapsedSeconds)) s"
        // With the result on stdout, stdout holds that one line alone.
        if resultJSON == "-" { Terminal.standardError(summary + "\n") } else { print(summary) }
        return final.state == .finished || stoppedAsAsked ? .finished : .stopped
    }
}

private final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var outcome: HeadlessRun.Outcome?
    var value: HeadlessRun.Outcome? { lock.withLock { outcome } }
    func set(_ value: HeadlessRun.Outcome) { lock.withLock { outcome = value } }
}

/// One self-overwriting line on stderr: bar, epoch, step, loss, accuracy, rate, ETA.
/// It never wraps (a wrapped line cannot be rewritten): fields least worth keeping are
/// dropped until it fits the terminal's width.
struct ProgressLine {
    func draw(_ s: TrainingSnapshot) {
        Terminal.standardError("\r\u{1B}[K" + Self.line(for: s, width: Terminal.standardErrorWidth ?? 80))
    }

    func clear() { Terminal.standardError("\r\u{1B}[K") }

    static func line(for s: TrainingSnapshot, width: Int) -> String {
        let barWidth = width >= 100 ? 24 : 12
        let filled = Int(s.fractionComplete * Double(barWidth))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled)
        // (text, priority): lower priorities go first when space is short.
        var fields: [(String, Int)] = [(String(format: "[%@] %3.0f%%", bar, s.fractionComplete * 100), 9),
                                       ("epoch \(s.epoch)/\(s.totalSteps / max(s.stepsPerEpoch, 1))", 7),
                                       ("step \(Format.grouped(s.step))/\(Format.grouped(s.totalSteps))", 2)]
        if s.recentLoss.isFinite { fields.append((String(format: "loss %.3f", s.recentLoss), 5)) }
        if let accuracy = s.testAccuracy { fields.append((String(format: "test %.1f%%", accuracy * 100), 4)) }
        fields.append(("\(Format.grouped(Int(s.samplesPerSecond))) samples/s", 3))
        if let eta = s.estimatedSecondsRemaining { fields.append(("ETA \(Format.duration(eta))", 8)) }
        func joined() -> String { fields.map(\.0).joined(separator: "  ") }
        while joined().count > width - 1, fields.count > 1,
              let weakest = fields.indices.min(by: { fields[$0].1 < fields[$1].1 }) {
            fields.remove(at: weakest)
        }
        return String(joined().prefix(max(width - 1, 0)))
    }
}

extension Format {
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}
