import Foundation
import Metrics
import Training

/// What the message line says to a class watching a run: at the start, what the first
/// phase does and which keys matter; where the run paused itself at a phase change, what
/// just happened and what comes next (`RunPace.pausesAtPhaseChanges`).
public enum PhaseNarration {
    /// The opening line of a live run.
    public static func opening(_ snapshot: TrainingSnapshot) -> String {
        // The keys first: at 80 columns the rest may be cut.
        let keys = "space pauses, < > pace, ? help · "
        let sparsity = snapshot.sparsity
        if sparsity.phase == .dense && sparsity.target > 0 {
            return keys + "dense phase: the full network trains to the hill's baseline, then \(sparsity.method) prunes to "
                + Format.fraction(sparsity.target)
        }
        return keys + "\(sparsity.method) to \(Format.fraction(sparsity.target)) sparsity"
    }

    /// The line when the user pauses or resumes a live run.
    public static func toggled(paused: Bool, snapshot: TrainingSnapshot) -> String {
        paused ? "paused at step \(Format.grouped(snapshot.step)) · space goes on, s steps one"
            : "\(snapshot.sparsity.phase.displayName) · space pauses, < > pace, ? help"
    }

    /// The line for a run paused where its phase changed.
    public static func pause(_ change: PhaseChange, snapshot: TrainingSnapshot, hill: OccamsHill) -> String {
        let step = Format.grouped(change.step), sparsity = String(format: "%.1f%%", snapshot.sparsity.measured * 100)
        // The key first: at 80 columns the rest may be cut.
        let paused = "paused (space goes on): "
        switch (change.from, change.to) {
        case (.dense, let next):
            let baseline = hill.baseline.map { String(format: "%.1f%%", $0.accuracy * 100) }
            let opening = paused + "dense phase over at step \(step)" + (baseline.map { ", baseline \($0)" } ?? "")
                + "; \(snapshot.sparsity.method) cut to \(sparsity)"
            return opening + (next == .fineTune ? " at once; fine-tuning at that sparsity follows: the hollow point fills"
                : "; each stage adds a hollow point, then filled ones as it recovers")
        case (_, .fineTune):
            return paused + "pruning reached \(sparsity) at step \(step); fine-tuning at that sparsity settles the hill's last points"
        default:
            return paused + "phase \(change.from.displayName) → \(change.to.displayName) at step \(step), sparsity \(sparsity)"
        }
    }
}
