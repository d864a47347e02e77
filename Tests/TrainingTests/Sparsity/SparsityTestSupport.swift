import Training
import XCTest

/// Small sessions on the embedded digits for sparsity tests.
enum SparsityTestSupport {
    static func session(_ sparsity: SparsityConfig, model: String = "lenet300", epochs: Int = 2, batch: Int = 128,
                        seed: UInt64 = 1) throws -> TrainingSession {
        var config = RunConfig()
        config.model = model
        config.epochs = epochs
        config.batchSize = batch
        config.seed = seed
        config.sparsity = sparsity
        return try TrainingSession(config: config, dataset: DatasetLoader.embeddedDigits())
    }

    static func sparsity(of values: [Float]) -> Double {
        1 - Double(values.filter { $0 != 0 }.count) / Double(values.count)
    }

    /// Every masked weight is exactly zero, and so is its gradient.
    static func assertMaskedWeightsAreZero(_ session: TrainingSession, file: StaticString = #filePath, line: UInt = #line) {
        let engine = session.sparsity!
        for (l, parameter) in engine.prunable.enumerated() {
            for i in parameter.value.indices where engine.masks[l][i] == 0 {
                guard parameter.value[i] == 0, parameter.gradient[i] == 0 else {
                    return XCTFail("\(parameter.name)[\(i)] is masked but w=\(parameter.value[i]) g=\(parameter.gradient[i])", file: file, line: line)
                }
            }
        }
    }
}
