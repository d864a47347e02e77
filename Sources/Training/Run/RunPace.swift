import Foundation

/// How fast a watched run goes: a cap on training steps per second (nil: as fast as the
/// machine trains), and whether it pauses by itself where its phase changes (dense →
/// pruning → fine-tune, a lottery round), so a class sees each stage before the next.
/// Pacing only waits between steps: the same recipe and seed give the same numbers at any
/// pace. It steers the dashboard; headless runs go at full speed.
public struct RunPace: Sendable, Equatable, CustomStringConvertible {
    public var stepsPerSecond: Double?
    public var pausesAtPhaseChanges: Bool

    public init(stepsPerSecond: Double? = nil, pausesAtPhaseChanges: Bool = false) {
        self.stepsPerSecond = stepsPerSecond
        self.pausesAtPhaseChanges = pausesAtPhaseChanges
    }

    public static let fullSpeed = RunPace()

    /// What a typed pace may be (`--pace`, the pace knob).
    public static let expectedText = "'full' or \(SettingRules.pace.expected) (steps a second)"

    /// "full" (full speed) or steps per second under `SettingRules.pace`; nil for anything else.
    public init?(typed text: String, pausesAtPhaseChanges: Bool = false) {
        if text == "full" {
            self.init(pausesAtPhaseChanges: pausesAtPhaseChanges)
            return
        }
        guard let rate = Double(text), SettingRules.pace.contains(rate) else { return nil }
        self.init(stepsPerSecond: rate, pausesAtPhaseChanges: pausesAtPhaseChanges)
    }

    /// The pace that makes a run of `steps` steps take about `seconds` of training (time
    /// spent evaluating and paused comes on top).
    public static func lasting(seconds: Double, steps: Int) -> Double { Double(max(steps, 1)) / seconds }

    /// "full speed", "50 steps/s", "0.5 steps/s".
    public var description: String {
        guard let rate = stepsPerSecond else { return "full speed" }
        return "\(rate >= 100 ? String(Int(rate.rounded())) : String(format: "%.3g", rate)) steps/s"
    }
}

extension SettingRules {
    /// Steps per second of a paced run.
    public static let pace = SettingRule(lower: 0, upper: 100_000, lowerOpen: true)
    /// Seconds a paced run's training should take (`pace.duration`, `--duration`).
    public static let paceDuration = SettingRule(lower: 0, upper: 1e7, lowerOpen: true)
}

/// Where a run paused by itself because its phase changed (`RunPace.pausesAtPhaseChanges`).
public struct PhaseChange: Sendable, Equatable {
    public var from: TrainingPhase
    public var to: TrainingPhase
    /// The step after which it paused.
    public var step: Int

    public init(from: TrainingPhase, to: TrainingPhase, step: Int) {
        self.from = from
        self.to = to
        self.step = step
    }
}
