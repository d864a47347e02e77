/// Why a checkpoint could not be read, restored or written. Every case names the file
/// ("checkpoint" for one held in memory) and says what is wrong with it.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    /// The file does not start with the checkpoint magic bytes.
    case notACheckpoint(file: String)
    case unsupportedVersion(file: String, found: UInt32, supported: UInt32)
    /// The data ends inside `section`: `needed` bytes at file offset `byte`, `available` left.
    case truncated(file: String, section: String, byte: Int, needed: Int, available: Int)
    case checksumMismatch(file: String, stored: UInt32, computed: UInt32)
    /// The bytes are all there and intact but do not make sense (a bad length, JSON, state...).
    case malformed(file: String, section: String, problem: String)
    /// The model the config builds has other parameters than the checkpoint.
    case modelMismatch(file: String, problem: String)
    /// The data set given is not the one the run trained on: how it differs.
    case datasetMismatch(file: String, checkpoint: String, changes: [String])
    case writeFailed(file: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            "checkpoint \(file): cannot read it: \(reason)"
        case let .notACheckpoint(file):
            "\(file) is not a prunetop checkpoint (it does not start with the checkpoint magic bytes)"
        case let .unsupportedVersion(file, found, supported):
            "checkpoint \(file) has format version \(found); this prunetop reads version \(supported)"
        case let .truncated(file, section, byte, needed, available):
            "checkpoint \(file) is truncated: in section '\(section)' at byte \(Format.grouped(byte)), "
                + "\(Format.grouped(needed)) bytes are needed and \(Format.grouped(available)) are left"
        case let .checksumMismatch(file, stored, computed):
            "checkpoint \(file) is corrupt: its CRC32 is \(hex(stored)) but its contents give \(hex(computed))"
        case let .malformed(file, section, problem):
            "checkpoint \(file) is malformed: in section '\(section)', \(problem)"
        case let .modelMismatch(file, problem):
            "checkpoint \(file) does not fit the model: \(problem)"
        case let .datasetMismatch(file, checkpoint, changes):
            "checkpoint \(file) was trained on \(checkpoint), and the data given differs: \(changes.joined(separator: "; ")) "
                + "(--allow-data-change resumes on it anyway)"
        case let .writeFailed(file, reason):
            "checkpoint \(file) was not saved: \(reason)"
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
