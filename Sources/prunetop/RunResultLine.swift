import Foundation
import Metrics
import RunLogs
import Training

/// `prunetop run --result-json`: the run's outcome as one JSON object on one line, for a
/// tuner (Optuna, Ray Tune) using prunetop as its objective: `"event": "result"`, the
/// outcome (done, stopped, diverged), the end event's measurements under the log's own
/// keys (`test_acc`, `test_loss`, `sparsity`, FLOP reductions, `seconds` of wall time...),
/// the last training loss, the network's parameters and nonzero weights (prunable and
/// not), the seed, and the effective run configuration (`config`, as the log's start event
/// writes it, after the recipe, its overrides and the flags).
struct RunResultLine: Encodable {
    var end: RunEndEvent
    var trainLoss: Double
    var parameters: Int
    var nonzero: Int
    var seed: UInt64
    var config: RunStartEvent.Config
    var recipe: RunStartEvent.Recipe?

    init(outcome: RunOutcome, snapshot: TrainingSnapshot, setup: RunSetup) throws {
        let model = try setup.config.makeModel(inputShape: setup.dataset.sampleShape, classCount: setup.dataset.classCount)
        let shapes = LayerShape.shapes(of: model.description)
        guard case let .end(end) = RecordedEvents.end(outcome, snapshot, shapes: shapes) else { preconditionFailure("an end event") }
        self.end = end
        trainLoss = snapshot.recentLoss
        parameters = snapshot.layers.reduce(0) { $0 + $1.parameterCount }
        nonzero = snapshot.layers.reduce(0) { $0 + $1.nonzeroCount }
        seed = setup.config.seed
        config = RecordedEvents.config(setup.config)
        recipe = setup.provenance.recipe
    }

    private enum Keys: String, CodingKey {
        case event, outcome
        case trainLoss = "train_loss", parameters, nonzero, seed, config, recipe
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode("result", forKey: .event)
        try container.encode(end.outcome.rawValue, forKey: .outcome)
        try end.encode(to: encoder)
        try container.encode(trainLoss, forKey: .trainLoss)
        try container.encode(parameters, forKey: .parameters)
        try container.encode(nonzero, forKey: .nonzero)
        try container.encode(seed, forKey: .seed)
        try container.encode(config, forKey: .config)
        try container.encodeIfPresent(recipe, forKey: .recipe)
    }

    var line: String { ((try? RunLogEncoder.value(self).rendered) ?? "{}") + "\n" }
}
