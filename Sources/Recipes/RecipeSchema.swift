import Training

/// Every key a recipe may have: its type, default and meaning. The reader refuses keys not
/// listed here (suggesting the closest), and `docs/recipes.md` documents each one (a
/// test checks it names them all).
public struct RecipeKey: Sendable {
    public var name: String
    public var type: String
    public var defaultValue: String
    public var help: String
    public var children: [RecipeKey]

    init(_ name: String, _ type: String, default defaultValue: String, _ help: String, children: [RecipeKey] = []) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.help = help
        self.children = children
    }
}

public enum RecipeSchema {
    static let length = "epochs (number) or \"N steps\""

    public static let keys: [RecipeKey] = [
        RecipeKey("model", "string, mapping or list", default: "lenet300",
                  "the network: a zoo name (\(ModelCatalog.names.joined(separator: ", "))), a zoo model with options, or a list of layers",
                  children: [
                      RecipeKey("zoo", "zoo name", default: "-", "the zoo model to take"),
                      RecipeKey("width", "integer 1-16", default: "1", "vgg-small, resnet20: channel multiplier"),
                      RecipeKey("widths", "list of integers", default: "[512, 256]", "mlp: hidden layer widths"),
                      RecipeKey("name", "string", default: "custom", "the name of a network given by `layers`"),
                      RecipeKey("layers", "list of layers", default: "-",
                                "dense, conv, batchnorm, relu, maxpool, avgpool, flatten, dropout, residual (see Architectures)"),
                  ]),
        RecipeKey("data", "string or mapping", default: "fashion-mnist",
                  "the data set: a source, or a mapping with `source` and `augment`", children: [
                      RecipeKey("source", "string", default: "fashion-mnist",
                                "fashion-mnist (Debian's dataset-fashion-mnist), embedded (the built-in digits), "
                                + "an MNIST-format IDX directory, or a CIFAR-10 / CIFAR-100 binary directory"),
                      RecipeKey("augment", "boolean", default: "false",
                                "random crops (4 pixels of padding) and horizontal flips of the training batches"),
                  ]),
        RecipeKey("seed", "integer >= 0", default: "0", "weights, data order and every random choice"),
        RecipeKey("epochs", "integer >= 1", default: "5", "passes over the training set"),
        RecipeKey("batch", "integer >= 1", default: "128", "samples per step"),
        RecipeKey("threads", "integer 1-256", default: "1", "BLAS threads"),
        RecipeKey("eval_every", length, default: "1 (each epoch)", "how often the test set is evaluated"),
        RecipeKey("optimizer", "mapping", default: "sgd", "the optimizer", children: [
            RecipeKey("name", "sgd | adam", default: "sgd", "SGD with momentum, or Adam"),
            RecipeKey("lr", String(SettingRules.learningRate.expected.dropFirst(2)), default: "0.05", "base learning rate"),
            RecipeKey("momentum", "number in [0, 1)", default: "0.9", "SGD momentum"),
            RecipeKey("nesterov", "boolean", default: "true", "Nesterov momentum (SGD)"),
            RecipeKey("weight_decay", "number >= 0", default: "0.0005 (sgd), 0 (adam)", "L2 weight decay"),
            RecipeKey("beta1", "number in [0, 1)", default: "0.9", "Adam's first-moment decay"),
            RecipeKey("beta2", "number in [0, 1)", default: "0.999", "Adam's second-moment decay"),
            RecipeKey("epsilon", "number > 0", default: "1e-8", "Adam's epsilon"),
        ]),
        RecipeKey("lr_schedule", "mapping", default: "cosine", "how the learning rate moves over the run", children: [
            RecipeKey("kind", "constant | cosine | step", default: "cosine", "the decay"),
            RecipeKey("warmup", length, default: "0", "linear warm-up from zero"),
            RecipeKey("every", length, default: "1", "step decay: interval"),
            RecipeKey("gamma", "number > 0", default: "0.1", "step decay: factor each interval"),
            RecipeKey("min_factor", "number in [0, 1]", default: "0", "cosine: the final rate as a fraction of the base"),
        ]),
        RecipeKey("method", "string or mapping", default: "dense",
                  "the sparsification method (`prunetop methods`): a name, or a mapping with `name` and the method's options",
                  children: [
                      RecipeKey("name", "method name", default: "dense", "magnitude, lottery, snip, synflow, set, rigl, dropback, swat, nm, structured, ..."),
                  ]),
        RecipeKey("schedule", "mapping", default: "the method's", "the target sparsity over time", children: [
            RecipeKey("final", String(SettingRules.targetSparsity.expected.dropFirst(2)), default: "0", "the final target sparsity over the prunable weights"),
            RecipeKey("kind", "constant | oneshot | polynomial | iterative", default: "the method's", "the schedule's shape"),
            RecipeKey("initial", "number in [0, 1)", default: "0", "polynomial: the sparsity at `begin`"),
            RecipeKey("begin", length, default: "10% of the run", "polynomial: first update"),
            RecipeKey("end", length, default: "60% of the run", "polynomial: the final target is reached here"),
            RecipeKey("every", length, default: "0.25", "polynomial: interval between mask updates"),
            RecipeKey("exponent", "number > 0", default: "3", "polynomial: 3 is AGP (Zhu & Gupta), 1 is linear"),
            RecipeKey("at", length, default: "(required)", "oneshot: when to prune"),
            RecipeKey("rounds", "integer >= 1", default: "(required)", "iterative: pruning rounds"),
            RecipeKey("round_length", length, default: "(required)", "iterative: interval between rounds"),
        ]),
        RecipeKey("budget", "string or mapping", default: "the method's", "how the target is shared among layers", children: [
            RecipeKey("distribution", "global | uniform | er | erk | manual", default: "the method's", "the split"),
            RecipeKey("keep_first_dense", "boolean", default: "false", "never prune the first layer"),
            RecipeKey("keep_last_dense", "boolean", default: "false", "never prune the last layer"),
            RecipeKey("min_density", "number in [0, 1]", default: "0", "no layer below this density"),
            RecipeKey("layers", "mapping of tensor name to sparsity", default: "(none)",
                      "manual: each named tensor's sparsity at `schedule.final` (scaled at other targets), e.g. fc1.weight: 0.95; others get the target"),
        ]),
        RecipeKey("granularity", "weights | neurons | N:M", default: "the method's", "what is pruned as a unit, e.g. 2:4"),
        RecipeKey("pace", "number or mapping", default: "full speed",
                  "how fast the dashboard lets the run go (headless runs ignore it): steps per second, or a mapping", children: [
                      RecipeKey("steps_per_second", String(SettingRules.pace.expected.dropFirst(2)), default: "(full speed)",
                                "at most this many training steps a second"),
                      RecipeKey("duration", String(SettingRules.paceDuration.expected.dropFirst(2)), default: "(none)",
                                "instead: seconds of training the whole run should take (evaluations and pauses add to it)"),
                      RecipeKey("pause_at_phases", "boolean", default: "false",
                                "pause where the phase changes (dense → pruning → fine-tune); space goes on"),
                  ]),
    ]

    /// The keys allowed under a dotted path ("" for the top level).
    static func children(of path: String) -> [RecipeKey] {
        var level = keys
        for part in path.split(separator: ".") where !path.isEmpty {
            guard let key = level.first(where: { $0.name == part }) else { return [] }
            level = key.children
        }
        return level
    }

    /// Every documented dotted key path, for the documentation test.
    public static var allPaths: [String] {
        func walk(_ keys: [RecipeKey], _ prefix: String) -> [String] {
            keys.flatMap { key in [prefix + key.name] + walk(key.children, prefix + key.name + ".") }
        }
        return walk(keys, "")
    }

    /// The closest of `candidates` within a small edit distance, for "did you mean".
    static func suggestion(for name: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, MethodRegistry.editDistance($0, name.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, name.count / 3) else { return nil }
        return best.0
    }
}
