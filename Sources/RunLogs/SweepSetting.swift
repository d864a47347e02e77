/// One recipe value a sweep's grid set for a point (`--grid method=rigl`: key "method",
/// value "rigl"), as `--set` writes it.
public struct SweepSetting: Sendable, Hashable, Codable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// "method=rigl, lr=0.1"; "" for none.
    public static func label(_ settings: [SweepSetting]) -> String {
        settings.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }
}
