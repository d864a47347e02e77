import ArgumentParser
import Foundation
import Metrics
import Recipes
import RunLogs
import Training

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training throughput: full steps (forward, loss, backward, update) on real data.")

    @Argument(help: ArgumentHelp("A recipe whose network to time (its `model`: a zoo model with options, or its own layers); "
                                 + "its other keys are not used.", valueName: "recipe"))
    var recipe: String?

    @Option(help: "Model: \(ModelCatalog.names.joined(separator: ", ")) (default: lenet300).")
    var model: String?

    @Option(help: "Samples per step.")
    var batch = 128

    @Option(help: "BLAS threads.")
    var threads = 1

    @Option(help: "Timed steps per repeat.")
    var steps = 200

    @Option(help: "Timed repeats; the median is reported.")
    var repeats = 7

    @Option(help: "Untimed steps first (workspaces, caches, the BLAS threads).")
    var warmup = 20

    @Option(help: ArgumentHelp(DataChoice.help))
    var data: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    @Flag(help: "Also time the network's inference with the sparse kernel against dense (CSR for Conv2D and Dense layers where faster), on global magnitude masks of the trained weights (50-99% sparsity, batch 1 and 128), and find the break-even sparsity.")
    var sparse = false

    @Flag(help: "Also time whole training runs headless and with the dashboard's metrics computed at 5 frames/s (magnitude pruning to 90%, 3 epochs, 3 rounds each).")
    var metrics = false

    @Option(help: "With --metrics: training steps of each timed run instead of 3 epochs (for networks that train slowly).")
    var metricsSteps: Int?

    @Flag(help: "Also time evaluations of the whole test set (what the dashboard runs at every evaluation), median of 3.")
    var eval = false

    @Flag(help: "Also time one dashboard frame (compose every panel and flush it through ncurses) at 80x24 and 200x60, median of 30 x repeats frames.")
    var frame = false

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps: expected an integer >= 1, found \(steps)") }
        guard warmup >= 0 else { throw ValidationError("--warmup: expected an integer >= 0, found \(warmup)") }
        guard repeats >= 1 else { throw ValidationError("--repeats: expected an integer >= 1, found \(repeats)") }
        guard recipe == nil || model == nil else { throw ValidationError("--model: the recipe names the network; give one or the other") }
        if let metricsSteps, metricsSteps < 1 { throw ValidationError("--metrics-steps: expected an integer >= 1, found \(metricsSteps)") }
    }

    /// A config with only the network set: the recipe's, or the zoo model's.
    private func network() throws -> RunConfig {
        var config = RunConfig()
        if let recipe {
            let loaded = try RecipeFailure.load(path: recipe, overrides: [])
            (config.model, config.modelOptions, config.architecture) = (loaded.config.model, loaded.config.modelOptions, loaded.config.architecture)
        } else {
            config.model = model ?? "lenet300"
        }
        return config
    }

    func run() throws {
        let network = try network()
        var config = network
        let model = config.model
        config.batchSize = batch
        config.threads = threads
        config.epochs = 1_000_000
        do { try config.validate() } catch let error as RunConfigError { throw ValidationError("--\(error)") }
        BLASStartup.settleKernel(for: config)
        let dataset = try DataChoice.load(directory: data)
        let session = try TrainingSession(config: config, dataset: dataset)
        ComputeThreads.use(threads, for: session.model)
        for _ in 0..<warmup { session.trainStep() }
        var rates: [Double] = []
        for _ in 0..<repeats {
            let begin = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<steps { session.trainStep() }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
            rates.append(Double(steps * batch) / seconds)
        }
        let median = rates.sorted()[rates.count / 2]
        let gflops = median * 2 * Double(session.model.trainingMACsPerSample) / 1e9
        let sparseSweep = sparse
            ? try SparseInferenceSweep(model: session.model,
                                       settings: .init(repeats: repeats, minimumSecondsPerRepeat: 0.005))
            : nil
        let metricsCost = metrics
            ? try MetricsCostBenchmark(dataset: dataset, network: network, batch: batch, threads: threads, steps: metricsSteps)
            : nil
        let evaluationSeconds = eval ? Self.medianEvaluationSeconds(session, repeats: 3) : nil
        let frameTiming = frame ? try FrameBenchmark(dataset: dataset, network: network, frames: max(repeats * 30, 3)) : nil
        if json {
            print(JSONValue.object([
                ("model", .string(model)), ("batch", .int(batch)), ("threads", .int(threads)),
                ("samples_per_s", .number(median.rounded())), ("gflops", .number((gflops * 10).rounded() / 10)),
                ("blas_core", .string(BLASRuntime.coreName)),
                ("dataset", .string(dataset.name)), ("steps", .int(steps)), ("repeats", .int(repeats)),
                ("samples_per_s_runs", .array(rates.map { .number($0.rounded()) })),
            ] + (evaluationSeconds.map { seconds in
                [("eval_seconds", .number((seconds * 1000).rounded() / 1000)),
                 ("eval_images_per_s", .number((Double(dataset.testCount) / seconds).rounded()))]
            } ?? []) + (sparseSweep?.json ?? []) + (metricsCost?.json ?? [])
                + (frameTiming?.json ?? [])).rendered)
        } else {
            let parameters = session.model.parameters.reduce(0) { $0 + $1.count }
            print("\(model) (\(Format.grouped(parameters)) parameters), batch \(batch), \(threads) thread(s), \(dataset.name), "
                  + "OpenBLAS core \(BLASRuntime.coreName)")
            print("  training: \(Format.grouped(Int(median))) samples/s (median of \(repeats) x \(steps) steps; "
                  + "range \(Format.grouped(Int(rates.min()!)))-\(Format.grouped(Int(rates.max()!))))")
            print(String(format: "  %.1f GFLOP/s of training arithmetic (%.2f MFLOP per sample)",
                         gflops, 2 * Double(session.model.trainingMACsPerSample) / 1e6))
            if let evaluationSeconds {
                print(String(format: "  evaluation: %.2f s for the %@ test images (%@ images/s, median of 3)", evaluationSeconds,
                             Format.grouped(dataset.testCount), Format.grouped(Int(Double(dataset.testCount) / evaluationSeconds))))
            }
            for line in sparseSweep?.text ?? [] { print(line) }
            for line in metricsCost?.text ?? [] { print(line) }
            for line in frameTiming?.text ?? [] { print(line) }
        }
    }

    /// Wall seconds of a whole test-set evaluation, the median of `repeats`.
    private static func medianEvaluationSeconds(_ session: TrainingSession, repeats: Int) -> Double {
        let times = (0..<repeats).map { _ in
            let begin = DispatchTime.now().uptimeNanoseconds
            _ = session.evaluate()
            return Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
        }
        return times.sorted()[times.count / 2]
    }
}
