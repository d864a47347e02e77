import Training

/// Where a run's settings came from: its recipe (path and fingerprint of the text it
/// ran), the `--set` overrides, and the checkpoint it resumed. Written into the log's
/// start event, so `sweep --merge` can tell a point of this recipe from one of another.
struct RunProvenance {
    var recipePath: String?
    var recipeText: String?
    var overrides: [String] = []
    var resumedFrom: (checkpoint: String, step: Int)?

    /// The start event's fields (none for a run of flags only).
    var fields: [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = []
        if let recipeText {
            let fingerprint = ContentFingerprint(of: recipeText)
            fields.append(("recipe", .object([
                ("path", recipePath.map(JSONValue.string) ?? .null),
                ("bytes", .int(fingerprint.byteCount)),
                ("crc32", .string(fingerprint.crc32Text)),
                ("overrides", .array(overrides.map(JSONValue.string))),
            ])))
        }
        if let resumedFrom {
            fields.append(("resumed_from", .object([("checkpoint", .string(resumedFrom.checkpoint)), ("step", .int(resumedFrom.step))])))
        }
        return fields
    }
}
