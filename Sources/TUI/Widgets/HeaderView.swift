import Foundation
import Training

/// What the status line says, reduced from a snapshot to plain values (so it can be built
/// by hand in tests and previews).
public struct HeaderStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        case running = "RUNNING", paused = "PAUSED", diverged = "DIVERGED", finished = "FINISHED", stopped = "STOPPED"
    }

    public var method: String
    /// e.g. "SWAT-ERK" or "rewind to θ₀" (`SparsityMethod.variantLabel`).
    public var variant: String?
    public var phase: String
    public var epoch: Int
    public var totalEpochs: Int
    public var step: Int
    public var totalSteps: Int
    public var targetSparsity: Double
    public var actualSparsity: Double
    /// Dense size over sparse size (1 / density).
    public var compression: Double
    public var loss: Double
    public var testAccuracy: Double?
    /// DropBack: the accuracy with its untracked weights zeroed, shown beside `testAccuracy`.
    public var prunedTestAccuracy: Double?
    /// The mask marks stored weights only, not skipped multiplies (DropBack): the sparsity
    /// shown is a storage figure, and says so.
    public var sparsityIsStorageOnly: Bool
    public var samplesPerSecond: Double
    public var secondsRemaining: Double?
    public var state: State
    /// A paced live run's cap ("50 steps/s"); nil at full speed.
    public var pace: String?
    /// A replay's speed: the badge says REPLAY, and the ETA is the replay's.
    public var replaySpeed: Double?
    /// A fixed snapshot (`inspect --tui`): the badge says INSPECT.
    public var isInspection = false

    /// The badge at the right: the run's state, a replay's, or INSPECT.
    public var badge: String {
        if isInspection { return "INSPECT" }
        guard let speed = replaySpeed else { return state.rawValue }
        switch state {
        case .running: return "REPLAY \(ReplaySource.format(speed))x"
        case .paused: return "REPLAY PAUSED"
        default: return "REPLAY \(state.rawValue)"
        }
    }

    public init(method: String, variant: String? = nil, phase: String, epoch: Int, totalEpochs: Int, step: Int, totalSteps: Int,
                targetSparsity: Double, actualSparsity: Double, compression: Double? = nil, loss: Double, testAccuracy: Double? = nil,
                prunedTestAccuracy: Double? = nil, sparsityIsStorageOnly: Bool = false,
                samplesPerSecond: Double, secondsRemaining: Double? = nil, state: State) {
        self.method = method
        self.variant = variant
        self.phase = phase
        self.epoch = epoch
        self.totalEpochs = totalEpochs
        self.step = step
        self.totalSteps = totalSteps
        self.targetSparsity = targetSparsity
        self.actualSparsity = actualSparsity
        self.compression = compression ?? (actualSparsity < 1 ? 1 / (1 - actualSparsity) : .infinity)
        self.loss = loss
        self.testAccuracy = testAccuracy
        self.prunedTestAccuracy = prunedTestAccuracy
        self.sparsityIsStorageOnly = sparsityIsStorageOnly
        self.samplesPerSecond = samplesPerSecond
        self.secondsRemaining = secondsRemaining
        self.state = state
    }

    /// The recent rate while running; otherwise the whole run's average over its training
    /// time, the figure the finished message gives too (one rate on screen, not two), and
    /// not the last few steps' before a pause (a mask update's slow step).
    static func samplesPerSecond(_ snapshot: TrainingSnapshot, state: State) -> Double {
        guard state != .running, snapshot.trainingSeconds > 0, snapshot.samplesSeen > 0 else { return snapshot.samplesPerSecond }
        return Double(snapshot.samplesSeen) / snapshot.trainingSeconds
    }

    /// `paused` is the dashboard's own request, shown at once even before the trainer's
    /// next snapshot says so.
    public init(snapshot: TrainingSnapshot, paused: Bool) {
        let sparsity = snapshot.sparsity
        let variant = sparsity.variantLabel
        let prunable = snapshot.layers.filter(\.isPrunable)
        let total = prunable.reduce(0) { $0 + $1.parameterCount }, kept = prunable.reduce(0) { $0 + $1.nonzeroCount }
        let state: State = switch snapshot.state {
        case .diverged: .diverged
        case .finished: .finished
        case .stopped: .stopped
        case .paused: .paused
        case .running: paused ? .paused : .running
        }
        self.init(method: sparsity.method, variant: variant, phase: sparsity.phase.displayName, epoch: snapshot.epoch,
                  totalEpochs: snapshot.totalSteps / max(snapshot.stepsPerEpoch, 1), step: snapshot.step, totalSteps: snapshot.totalSteps,
                  // Sparsity and compression from the same counts (weights stored: kept and non-zero), so
                  // they always agree (a switch once showed "0.536" beside "3.8x", from two counts).
                  targetSparsity: sparsity.target, actualSparsity: total > 0 ? 1 - Double(kept) / Double(total) : sparsity.measured,
                  compression: kept > 0 && total > 0 ? Double(total) / Double(kept) : nil, loss: snapshot.recentLoss,
                  testAccuracy: snapshot.testAccuracy, prunedTestAccuracy: snapshot.prunedTestAccuracy,
                  sparsityIsStorageOnly: sparsity.operands == .none, samplesPerSecond: Self.samplesPerSecond(snapshot, state: state),
                  secondsRemaining: snapshot.state == .running && !paused ? snapshot.estimatedSecondsRemaining : nil,
                  state: state)
        pace = snapshot.pace.stepsPerSecond.map { _ in "paced \(snapshot.pace)" }
    }
}

/// The status line at the top: the run's fields left to right, the state as a coloured
/// (or, in monochrome, reverse-video) badge at the right. When the width is short the
/// least important fields go first: ETA, samples/s, epoch, compression, phase, loss,
/// test accuracy, step, sparsity; method and state always stay. A second row, when the
/// header has one, is a progress bar of the run.
public struct HeaderView: Widget {
    public var status: HeaderStatus
    public var fractionComplete: Double?

    public init(_ status: HeaderStatus, fractionComplete: Double? = nil) {
        self.status = status
        self.fractionComplete = fractionComplete
    }

    /// The fields in display order, each with its importance (higher stays longer).
    public static func fields(_ status: HeaderStatus) -> [(text: String, importance: Int)] {
        var fields: [(String, Int)] = []
        fields.append((status.variant.map { "\(status.method) (\($0))" } ?? status.method, 100))
        fields.append((status.phase, 50))
        if !status.isInspection {
            fields.append(("epoch \(status.epoch)/\(status.totalEpochs)", 30))
            // A finished run's step count needs no total, which leaves room for its accuracy.
            fields.append((status.state == .finished ? "\(Format.grouped(status.step)) steps"
                           : "step \(Format.grouped(status.step))/\(Format.grouped(status.totalSteps))", 80))
        }
        fields.append(("\(status.sparsityIsStorageOnly ? "stored " : "")sparsity \(String(format: "%.3f", status.actualSparsity)) "
                       + "of \(String(format: "%.3f", status.targetSparsity))", 90))
        fields.append((compression(status.compression), 40))
        // A file has no steps, loss or speed to show.
        guard !status.isInspection else { return fields }
        fields.append(("loss \(status.loss.isFinite ? String(format: "%.4f", status.loss) : "\(status.loss)")", 60))
        if let accuracy = status.testAccuracy { fields.append(("test acc \(String(format: "%.2f", accuracy * 100))%", 70)) }
        if let pruned = status.prunedTestAccuracy { fields.append(("pruned \(String(format: "%.2f", pruned * 100))%", 65)) }
        fields.append(("\(Format.grouped(Int(status.samplesPerSecond.isFinite ? status.samplesPerSecond.rounded() : 0))) samples/s", 20))
        if let pace = status.pace { fields.append((pace, 25)) }
        if let eta = status.secondsRemaining { fields.append(("ETA \(duration(eta))", 10)) }
        return fields
    }

    public static let separator = "  "

    /// The fields that fit in `width` columns, in display order.
    public static func fittedText(_ status: HeaderStatus, width: Int) -> String {
        var fields = fields(status)
        func length() -> Int { fields.reduce(0) { $0 + $1.text.count } + separator.count * max(fields.count - 1, 0) }
        while length() > width && fields.count > 1 {
            let weakest = fields.indices.min { fields[$0].importance < fields[$1].importance }!
            fields.remove(at: weakest)
        }
        return fields.map(\.text).joined(separator: separator)
    }

    public func render(into screen: inout Screen, area rect: Rect, theme: Theme, glyphs: Glyphs) {
        guard !rect.isEmpty else { return }
        screen.fill(rect)
        let badge = " \(status.badge) "
        let badgeX = max(rect.maxX - badge.count, rect.x)
        let stateRole: Theme.Role = switch status.state {
        case .running: .accuracy
        case .paused: .regionB
        case .diverged: .warning
        case .finished, .stopped: .highlight
        }
        screen.put(badge, x: badgeX, y: rect.y, style: CellStyle(foreground: theme.color(stateRole), bold: true, reverse: true), clip: rect)
        let text = Self.fittedText(status, width: badgeX - rect.x - 2)
        screen.put(text, x: rect.x + 1, y: rect.y, style: theme.style(.foreground),
                   clip: Rect(x: rect.x, y: rect.y, width: max(badgeX - rect.x - 1, 0), height: 1))
        // The method stands out.
        let methodEnd = rect.x + 1 + min(status.method.count, text.count)
        screen.style(Rect(x: rect.x + 1, y: rect.y, width: min(methodEnd, badgeX - 1) - rect.x - 1, height: 1)) {
            $0.foreground = theme.color(.title)
            $0.bold = true
        }
        if rect.height >= 2, let fraction = fractionComplete {
            Self.drawProgress(fraction, into: &screen, row: Rect(x: rect.x + 1, y: rect.y + 1, width: rect.width - 2, height: 1),
                              theme: theme, glyphs: glyphs)
        }
    }

    static func drawProgress(_ fraction: Double, into screen: inout Screen, row: Rect, theme: Theme, glyphs: Glyphs) {
        let fraction = min(max(fraction.isFinite ? fraction : 0, 0), 1)
        let label = String(format: " %3.0f%%", fraction * 100)
        let barWidth = row.width - label.count
        guard barWidth > 0 else { return }
        let filled = Int((Double(barWidth) * fraction).rounded(.down))
        for i in 0..<barWidth {
            let done = i < filled
            screen[row.x + i, row.y] = Cell(done ? glyphs.fullBlock : glyphs.shades[1],
                                            style: CellStyle(foreground: theme.color(done ? .highlight : .inactive)))
        }
        screen.put(label, x: row.x + barWidth, y: row.y, style: theme.style(.foreground), clip: row)
    }

    /// "10.0x"; "inf x" for an empty network.
    static func compression(_ ratio: Double) -> String {
        ratio.isFinite ? String(format: "%.1fx", ratio) : "inf x"
    }

    /// "42s", "3:05", "1:02:03".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let total = Int(seconds.rounded())
        let h = total / 3600, m = total / 60 % 60, s = total % 60
        if h > 0 { return String(format: "%d:%02d:%02d", h, m, s) }
        if m > 0 { return String(format: "%d:%02d", m, s) }
        return "\(s)s"
    }
}
