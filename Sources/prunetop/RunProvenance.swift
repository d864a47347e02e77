import Metrics
import RunLogs
import Training

/// Where a run's settings came from: its recipe (path and fingerprint of the text it
/// ran), the `--set` overrides, and the checkpoint it resumed. Written into the log's
/// start event, so `sweep --merge` can tell a point of this recipe from one of another.
struct RunProvenance {
    var recipePath: String?
    var recipeText: String?
    var overrides: [String] = []
    var resumedFrom: (checkpoint: String, step: Int)?

    /// The start event's `recipe` (nil for a run of flags only).
    var recipe: RunStartEvent.Recipe? {
        recipeText.map {
            let fingerprint = ContentFingerprint(of: $0)
            return RunStartEvent.Recipe(path: recipePath, bytes: fingerprint.byteCount, crc32: fingerprint.crc32Text, overrides: overrides)
        }
    }

    /// The start event's `resumed_from` (nil for a run that did not resume).
    var resumed: RunStartEvent.ResumedFrom? {
        resumedFrom.map { RunStartEvent.ResumedFrom(checkpoint: $0.checkpoint, step: $0.step) }
    }
}
