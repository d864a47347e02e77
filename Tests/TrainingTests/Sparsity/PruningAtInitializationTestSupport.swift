import Training
import XCTest

/// Shared by the lottery, SNIP, SynFlow, Taylor and movement tests.
enum PAITest {
    /// A lenet300 session on the embedded digits: 11 steps an epoch at batch 128.
    static func session(_ sparsity: SparsityConfig, epochs: Int = 2, batch: Int = 128, seed: UInt64 = 1,
                        model: String = "lenet300") throws -> TrainingSession {
        var config = RunConfig()
        config.model = model
        config.epochs = epochs
        config.batchSize = batch
        config.seed = seed
        config.sparsity = sparsity
        return try TrainingSession(config: config, dataset: DatasetLoader.embeddedDigits())
    }

    static func weights(_ session: TrainingSession) -> [[Float]] { session.sparsity.prunable.map(\.value) }

    static func keptCount(_ mask: [Float]) -> Int { mask.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }

    static func sparsity(of mask: [Float]) -> Double { 1 - Double(keptCount(mask)) / Double(mask.count) }

    /// One weight's worth of overall sparsity.
    static func oneWeight(_ session: TrainingSession) -> Double {
        1 / Double(session.sparsity.prunable.reduce(0) { $0 + $1.count })
    }

    /// The global top-k of `scores` (ties to the lower layer, then lower index) as masks.
    static func globalTopK(_ scores: [[Float]], keep: Int) -> [[Float]] {
        var entries: [(score: Float, layer: Int, index: Int)] = []
        for (l, layer) in scores.enumerated() { for (i, s) in layer.enumerated() { entries.append((s, l, i)) } }
        entries.sort { a, b in a.score != b.score ? a.score > b.score : (a.layer, a.index) < (b.layer, b.index) }
        var masks = scores.map { [Float](repeating: 0, count: $0.count) }
        for entry in entries.prefix(keep) { masks[entry.layer][entry.index] = 1 }
        return masks
    }

    static func keepCount(_ session: TrainingSession, sparsity: Double) -> Int {
        let total = session.sparsity.prunable.reduce(0) { $0 + $1.count }
        return Int((Double(total) * (1 - sparsity)).rounded())
    }

    /// Every masked weight is exactly zero (non-shadow methods).
    static func assertMaskedWeightsAreZero(_ session: TrainingSession, file: StaticString = #filePath, line: UInt = #line) {
        for (l, parameter) in session.sparsity.prunable.enumerated() {
            let mask = session.sparsity.masks[l]
            if let i = parameter.value.indices.first(where: { mask[$0] == 0 && parameter.value[$0] != 0 }) {
                return XCTFail("\(parameter.name)[\(i)] is masked but is \(parameter.value[i])", file: file, line: line)
            }
        }
    }

    /// Every 0 of `before` is still 0 in `after`.
    static func isSubset(_ after: [[Float]], of before: [[Float]]) -> Bool {
        zip(before, after).allSatisfy { zip($0, $1).allSatisfy { $0 != 0 || $1 == 0 } }
    }

    static func errors(_ method: String, _ options: [String: Double]) -> [String] {
        SparsityConfig(method: method, target: 0.5, options: options).validationErrors()
    }
}
