import DashboardModel
import Foundation
import Metrics
import RunLogs
import Training

/// What the dashboard's metrics cost training: the same run (magnitude pruning to 90%,
/// so masks are real) timed headless and with every panel's view model (`DashboardFrame`)
/// computed on this thread at `framesPerSecond` from the trainer's snapshots, alternating
/// `rounds` times. Wall time of whole runs, so snapshot copying and contention count.
struct MetricsCostBenchmark {
    let headlessRates: [Double]
    let withMetricsRates: [Double]
    let frameMilliseconds: [Double]

    /// `network`: a config whose model (zoo name and options, or architecture) to run;
    /// each run is `epochs` long, or `steps` when given.
    init(dataset: ImageDataset, network: RunConfig, batch: Int, threads: Int, epochs: Int = 3, steps: Int? = nil, rounds: Int = 3,
         framesPerSecond: Double = 5) throws {
        var config = network
        config.batchSize = batch
        config.threads = threads
        config.epochs = epochs
        if let steps {
            config.epochs = max(epochs, steps / max(dataset.trainCount / batch, 1) + 1)
            config.stopAfterSteps = steps
        }
        config.sparsity = SparsityConfig(method: "magnitude", target: 0.9, schedule: .constant)
        var headless: [Double] = [], withMetrics: [Double] = [], frames: [Double] = []
        for _ in 0..<rounds {
            headless.append(try Self.run(config: config, dataset: dataset, framesPerSecond: nil, frameTimes: &frames))
            withMetrics.append(try Self.run(config: config, dataset: dataset, framesPerSecond: framesPerSecond, frameTimes: &frames))
        }
        headlessRates = headless
        withMetricsRates = withMetrics
        frameMilliseconds = frames
    }

    private static func run(config: RunConfig, dataset: ImageDataset, framesPerSecond: Double?,
                            frameTimes: inout [Double]) throws -> Double {
        let trainer = try Trainer(config: config, dataset: dataset)
        var state = DashboardFrameContext(model: try TrainingSession(config: config, dataset: dataset).model)
        let begin = DispatchTime.now().uptimeNanoseconds
        trainer.start()
        if let framesPerSecond {
            // Paced as the dashboard paces its frames.
            var pacing = FramePacing(framesPerSecond: framesPerSecond)
            while !trainer.waitUntilFinished(timeout: 1 / framesPerSecond) {
                let start = FramePacing.now
                guard let snapshot = trainer.latestSnapshot, pacing.isDue(at: start) else { continue }
                _ = DashboardFrame.make(snapshot, context: &state)
                pacing.computed(startedAt: start, cost: FramePacing.now - start)
                frameTimes.append(pacing.lastCost * 1000)
            }
        } else {
            trainer.waitUntilFinished()
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
        let final = trainer.latestSnapshot!
        return Double(final.samplesSeen) / seconds
    }

    private static func median(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.sorted()[values.count / 2] }

    var ratio: Double { Self.median(withMetricsRates) / Self.median(headlessRates) }

    var json: [(String, JSONValue)] {
        [("metrics_cost", .object([
            ("headless_samples_per_s", .number(Self.median(headlessRates).rounded())),
            ("with_metrics_samples_per_s", .number(Self.median(withMetricsRates).rounded())),
            ("ratio", .number((ratio * 1000).rounded() / 1000)),
            ("frame_ms_median", .number((Self.median(frameMilliseconds) * 100).rounded() / 100)),
            ("frames", .int(frameMilliseconds.count)),
            ("headless_runs", .array(headlessRates.map { .number($0.rounded()) })),
            ("with_metrics_runs", .array(withMetricsRates.map { .number($0.rounded()) })),
        ]))]
    }

    var text: [String] {
        [String(format: "  dashboard metrics at 5 frames/s: %@ vs %@ samples/s headless (%.1f%% of headless), %.2f ms per frame (median of %d)",
                Format.grouped(Int(Self.median(withMetricsRates))), Format.grouped(Int(Self.median(headlessRates))),
                ratio * 100, Self.median(frameMilliseconds), frameMilliseconds.count)]
    }
}
