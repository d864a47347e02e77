import Training
import XCTest

/// Shared by the SET, RigL and DropBack tests.
enum DSTTest {
    /// SGD without momentum or weight decay: the optimizer has no state, so a dense twin
    /// fed the same weights takes exactly the same step (see `Lockstep`).
    static let plainSGD = OptimizerConfig.sgd(momentum: 0, nesterov: false, weightDecay: 0)

    /// lenet300 on the embedded digits: 22 steps an epoch at batch 64.
    static func config(_ sparsity: SparsityConfig, epochs: Int = 2, batch: Int = 64, seed: UInt64 = 1,
                       optimizer: OptimizerConfig = .defaultSGD) -> RunConfig {
        var config = RunConfig()
        config.model = "lenet300"
        config.epochs = epochs
        config.batchSize = batch
        config.seed = seed
        config.optimizer = optimizer
        config.sparsity = sparsity
        return config
    }

    static func session(_ config: RunConfig) throws -> TrainingSession {
        try TrainingSession(config: config, dataset: DatasetLoader.embeddedDigits())
    }

    static func activeCounts(_ session: TrainingSession) -> [Int] {
        session.sparsity.masks.map { mask in mask.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
    }

    static func weights(_ session: TrainingSession) -> [[Float]] { session.sparsity.prunable.map(\.value) }

    static func statistic(_ session: TrainingSession, _ name: String) -> Double? {
        session.sparsity.method.statistics.first { $0.name == name }?.value
    }

    /// Every masked weight is exactly zero (methods without a dense shadow).
    static func assertMaskedWeightsAreZero(_ session: TrainingSession, file: StaticString = #filePath, line: UInt = #line) {
        for (l, parameter) in session.sparsity.prunable.enumerated() {
            let mask = session.sparsity.masks[l]
            if let i = parameter.value.indices.first(where: { mask[$0] == 0 && parameter.value[$0] != 0 }) {
                return XCTFail("\(parameter.name)[\(i)] is masked but is \(parameter.value[i])", file: file, line: line)
            }
        }
    }

    /// Indices of the `count` smallest |w| among the positions where `mask` is 1, ties to
    /// the lower index (computed by sorting, independently of the library).
    static func smallestActive(_ weights: [Float], mask: [Float], count: Int) -> Set<Int> {
        let active = weights.indices.filter { mask[$0] != 0 }
        let sorted = active.sorted { abs(weights[$0]) != abs(weights[$1]) ? abs(weights[$0]) < abs(weights[$1]) : $0 < $1 }
        return Set(sorted.prefix(count))
    }

    /// Indices of the `count` largest `scores` among `candidates`, ties to the lower index.
    static func largest(_ scores: [Float], among candidates: [Int], count: Int) -> Set<Int> {
        let sorted = candidates.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        return Set(sorted.prefix(count))
    }

    /// `selected` (0/1) marks the `keep` largest `scores`, ties to the lower index: every
    /// selected score is at least every unselected one, and at the boundary value the
    /// selected positions come first.
    static func assertTopK(_ scores: [Float], selected: [Float], keep: Int, _ message: String,
                           file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(selected.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }, keep, message, file: file, line: line)
        var lowestSelected = Float.infinity, highestOther = -Float.infinity
        for i in scores.indices {
            if selected[i] != 0 { lowestSelected = min(lowestSelected, scores[i]) } else { highestOther = max(highestOther, scores[i]) }
        }
        XCTAssertGreaterThanOrEqual(lowestSelected, highestOther, message, file: file, line: line)
        if lowestSelected == highestOther {
            let lastSelected = scores.indices.last { selected[$0] != 0 && scores[$0] == lowestSelected }!
            let firstOther = scores.indices.first { selected[$0] == 0 && scores[$0] == lowestSelected }!
            XCTAssertLessThan(lastSelected, firstOther, "ties go to the lower index; \(message)", file: file, line: line)
        }
    }

    static func ones(_ mask: [Float]) -> Set<Int> { Set(mask.indices.filter { mask[$0] != 0 }) }

    static func errors(_ method: String, _ options: [String: Double]) -> [String] {
        SparsityConfig(method: method, target: 0.9, options: options).validationErrors()
    }
}

/// A sparse session and a dense twin with the same config driven in lockstep: before
/// each step the twin gets the sparse session's weights (biases included), so the twin's
/// step shows what the sparse session's optimizer step did before the method acted on
/// it: the twin's gradients are the dense gradients at the sparse session's weights,
/// and its weights after the step are the sparse session's weights after the optimizer
/// step wherever both optimizers hold the same state.
struct Lockstep {
    let sparse: TrainingSession
    let twin: TrainingSession

    init(_ config: RunConfig) throws {
        sparse = try DSTTest.session(config)
        var dense = config
        dense.sparsity = SparsityConfig()
        twin = try DSTTest.session(dense)
    }

    func step() {
        for (source, target) in zip(sparse.model.parameters, twin.model.parameters) { target.value = source.value }
        sparse.trainStep()
        twin.trainStep()
    }

    /// The twin's weights and gradients of the prunable tensors after the last step.
    var twinWeights: [[Float]] { twin.model.prunableParameters.map(\.value) }
    var twinGradients: [[Float]] { twin.model.prunableParameters.map(\.gradient) }
}
