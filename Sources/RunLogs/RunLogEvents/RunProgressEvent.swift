import Training

/// `progress`: the run between evaluations, written when the step moved (a few times a
/// second at most), enough for the live curves in a replay.
public struct RunProgressEvent: Sendable, Equatable, Codable, RunLogSparsityFields {
    public var step: Int
    /// `RunStatus`'s raw value ("running", "paused", "diverged"...).
    public var state: String?
    /// Mean training loss over the steps since the previous snapshot.
    public var loss: Double?
    public var lr: Double?
    public var samplesPerSecond: Double?
    public var method: String?
    public var phase: TrainingPhase?
    public var target: Double?
    public var sparsity: Double?
    public var compression: Double?
    public var maskChurn: Int?
    public var lastUpdateStep: Int?
    /// The latest thing the run told the user.
    public var message: String?
    public var seconds: Double?

    public init(step: Int) {
        self.step = step
    }

    enum CodingKeys: String, CodingKey {
        case step, state, loss, lr
        case samplesPerSecond = "samples_per_s"
        case method, phase, target, sparsity, compression
        case maskChurn = "mask_churn"
        case lastUpdateStep = "last_update_step"
        case message, seconds
    }
}
