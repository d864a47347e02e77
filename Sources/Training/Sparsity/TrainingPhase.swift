/// Where a run is in its sparsification: the schedule's phase (`SparsityEngine.phase`) or
/// the method's own (`SparsityMethod.phase`). The dashboard shows `displayName`; run logs
/// and checkpoints store it as that same string ("fine-tune", "round 2/5"), so logs and
/// checkpoints written before the phase was typed read back as the same phase.
public enum TrainingPhase: Sendable, Hashable {
    /// The dense network trains: before a schedule's first prune, a run with nothing to
    /// prune, IHT's and DSD's dense phases.
    case dense
    /// A gradual schedule is between its first and last prune.
    case pruning
    /// After the last prune (a schedule's end, RigL after its last update, L1 once pruned).
    case fineTune
    /// Trained sparse throughout (a constant schedule), or IHT's and DSD's sparse phases.
    case sparse
    /// Round `round` of `of` of an iterative schedule or of the lottery ticket's
    /// training towards its prunes.
    case round(Int, of: Int)
    /// The lottery ticket after its last round.
    case ticket
    /// L1's penalty phase, before its prune.
    case l1Penalty
    /// DropBack once its tracked set is frozen.
    case frozen
    /// DSD's last phase: every weight trains again.
    case redense
    /// A phase this build does not know, read from a log or a checkpoint (another build's
    /// name, or "?" where the log has none): shown as written, never produced by a method.
    case other(String)

    /// A log's evaluation or progress line without a phase.
    public static let unrecorded = TrainingPhase.other("?")

    /// What the dashboard shows, and the string logs and checkpoints store.
    public var displayName: String {
        switch self {
        case .dense: "dense"
        case .pruning: "pruning"
        case .fineTune: "fine-tune"
        case .sparse: "sparse"
        case let .round(round, of: rounds): "round \(round)/\(rounds)"
        case .ticket: "ticket"
        case .l1Penalty: "L1 penalty"
        case .frozen: "frozen"
        case .redense: "re-dense"
        case let .other(name): name
        }
    }

    /// The phase a log or a checkpoint stored as `displayName`: the case whose display name
    /// is exactly `name`, else `.other(name)`.
    public init(displayName name: String) {
        if let known = Self.named[name] {
            self = known
        } else if let round = Self.round(named: name) {
            self = round
        } else {
            self = .other(name)
        }
    }

    private static let named: [String: TrainingPhase] = Dictionary(uniqueKeysWithValues:
        [TrainingPhase.dense, .pruning, .fineTune, .sparse, .ticket, .l1Penalty, .frozen, .redense].map { ($0.displayName, $0) })

    /// "round k/n" exactly as `displayName` writes it (1 <= k <= n), else nil.
    private static func round(named name: String) -> TrainingPhase? {
        let words = name.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count == 2, words[0] == "round" else { return nil }
        let numbers = words[1].split(separator: "/", omittingEmptySubsequences: false)
        guard numbers.count == 2, let round = Int(numbers[0]), let rounds = Int(numbers[1]), rounds >= 1,
              (1...rounds).contains(round)
        else { return nil }
        let phase = TrainingPhase.round(round, of: rounds)
        return phase.displayName == name ? phase : nil
    }
}

extension TrainingPhase: CustomStringConvertible {
    public var description: String { displayName }
}

/// Stored as its display name, as logs and checkpoints have always stored phases.
extension TrainingPhase: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(displayName: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(displayName)
    }
}

/// A literal reads as a display name, as a stored phase does: tables and tests write
/// `"fine-tune"` or `"round 2/5"`. Code that sets a phase names the case.
extension TrainingPhase: ExpressibleByStringLiteral {
    public init(stringLiteral name: String) {
        self.init(displayName: name)
    }
}
