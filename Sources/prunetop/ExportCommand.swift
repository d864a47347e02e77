import ArgumentParser
import Foundation
import Metrics
import ModelFiles
import RunLogs
import Training

/// `prunetop export LOG`: a run log or a sweep table as CSV files and an SVG of Occam's hill;
/// a checkpoint (or the last one a run log names) as PyTorch safetensors or ONNX.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a run log or a sweep table as CSV and Occam's hill as SVG, a checkpoint as safetensors (PyTorch) or ONNX.",
        discussion: """
        From a run log (prunetop run --jsonl): evaluations.csv, layers.csv and histograms.csv, \
        and the run's evaluations on the hill. From a sweep (DIR/sweep.jsonl): sweep.csv and sweep-cells.csv, and \
        the points after fine-tuning and after pruning on the hill. From a checkpoint, or a run log \
        whose run saved one (its last): --safetensors writes the weights and masks under \
        torch.nn.utils.prune's names (<layer>.weight_orig, <layer>.weight_mask, <layer>.bias; batch norm \
        as <layer>.weight, .bias, .running_mean, .running_var), which prune.custom_from_mask reloads into \
        the equivalent PyTorch module; --onnx writes the pruned network for inference (onnxruntime), \
        with --onnx-sparse its pruned weights as sparse_initializer.
        """)

    @Argument(help: ArgumentHelp("A run's JSONL log, a sweep's sweep.jsonl, or a checkpoint.", valueName: "log|checkpoint"))
    var log: String

    @Option(help: ArgumentHelp("Directory for the CSV files (created when missing).", valueName: "dir"))
    var csv: String?

    @Option(help: ArgumentHelp("SVG file of Occam's hill.", valueName: "file"))
    var svg: String?

    @Option(help: ArgumentHelp("A run's hill against this dense accuracy (0.895, 89.5%, a finished dense run's log or a sweep.jsonl) "
                               + "instead of its own dense phase, which counts only once converged.", valueName: "accuracy|jsonl"))
    var baseline: String?

    @Option(help: ArgumentHelp("Weights and masks as a safetensors file under PyTorch's names.", valueName: "file"))
    var safetensors: String?

    @Option(help: ArgumentHelp("The pruned network as an ONNX model.", valueName: "file"))
    var onnx: String?

    @Flag(help: "With --onnx: store pruned weights as sparse_initializer.")
    var onnxSparse = false

    func validate() throws {
        guard csv != nil || svg != nil || safetensors != nil || onnx != nil else {
            throw ValidationError("give --csv DIR, --svg FILE, --safetensors FILE or --onnx FILE")
        }
        if onnxSparse && onnx == nil { throw ValidationError("--onnx-sparse goes with --onnx FILE") }
        if let baseline { do { _ = try HillBaseline.parse(baseline) } catch { throw ValidationError("--baseline: \(error)") } }
    }

    func run() throws {
        var outputs: [OutputGuard.File] = svg.map { [.init(role: "--svg", path: $0)] } ?? []
        outputs += safetensors.map { [.init(role: "--safetensors", path: $0)] } ?? []
        outputs += onnx.map { [.init(role: "--onnx", path: $0)] } ?? []
        if let csv {
            outputs += ["evaluations.csv", "layers.csv", "histograms.csv", "sweep.csv", "sweep-cells.csv"].map {
                .init(role: "--csv's \($0)", path: (csv as NSString).appendingPathComponent($0))
            }
        }
        try OutputGuard.check(outputs: outputs, inputs: [.init(role: "the file export reads", path: log)]
                              + (baseline.map { [.init(role: "the --baseline file", path: $0)] } ?? []))
        if safetensors != nil || onnx != nil { try exportNetwork(outputs: outputs) }
        guard csv != nil || svg != nil else { return }
        let input: RunExport.Input
        do { input = try RunExport.read(path: log) } catch { throw ValidationError("\(error)") }
        if case let .run(runLog) = input, let line = runLog.incompleteLastLine {
            Terminal.standardError(incompleteLastLineWarning(path: log, line: line) + "\n")
        }
        if let csv {
            try FileManager.default.createDirectory(atPath: csv, withIntermediateDirectories: true)
            for file in RunExport.csvFiles(input) {
                let path = (csv as NSString).appendingPathComponent(file.name)
                try file.contents.write(toFile: path, atomically: true, encoding: .utf8)
                print("wrote \(path)")
            }
        }
        if let svg {
            let chart = switch input {
            case let .run(runLog):
                HillSVG.run(runLog, baseline: try baseline.map { try HillBaseline.parse($0, warn: { Terminal.standardError($0 + "\n") }) })
            case let .sweep(table, path, method): HillSVG.sweep(table, name: Self.sweepName(path), method: method)
            }
            try chart.document.write(toFile: svg, atomically: true, encoding: .utf8)
            print("wrote \(svg)")
        }
    }

    /// --safetensors and --onnx, from the checkpoint given or the last one the run log names.
    private func exportNetwork(outputs: [OutputGuard.File]) throws {
        let checkpointPath = try Self.checkpointPath(log)
        if checkpointPath != log {
            try OutputGuard.check(outputs: outputs, inputs: [.init(role: "the checkpoint the log names", path: checkpointPath)])
        }
        let network: CheckpointNetwork
        do { network = try CheckpointNetwork(checkpoint: Checkpoint.read(from: checkpointPath)) } catch {
            throw ValidationError("\(error)")
        }
        if let safetensors {
            try TorchStateDict.writer(for: network).write(to: safetensors)
            print("wrote \(safetensors)")
        }
        if let onnx {
            try ONNXModelWriter(network: network, sparseWeights: onnxSparse).write(to: onnx)
            print("wrote \(onnx)")
        }
    }

    /// `path` when it is a checkpoint, else the last checkpoint its run log names (a
    /// relative path read from the directory export runs in, else from the log's).
    static func checkpointPath(_ path: String) throws -> String {
        let head = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).read(upToCount: Checkpoint.magic.count)) ?? nil
        if let head, Array(head) == Checkpoint.magic { return path }
        let runLog: RunLog
        do { runLog = try RunLog(path: path) } catch {
            throw ValidationError("\(path): neither a prunetop checkpoint nor a run log (\(error))")
        }
        if runLog.totalSteps == nil && runLog.evaluations.isEmpty && runLog.outcome == nil && runLog.checkpoints.isEmpty {
            throw ValidationError("\(path): neither a prunetop checkpoint nor a run log (no start, evaluation, checkpoint or end event)")
        }
        guard let last = runLog.checkpoints.last else {
            throw ValidationError("\(path): the run saved no checkpoint; export a checkpoint file (run with --checkpoint-every N, or press S in the dashboard)")
        }
        if last.path.hasPrefix("/") || FileManager.default.fileExists(atPath: last.path) { return last.path }
        return ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(last.path)
    }

    /// "sweep-lenet/sweep.jsonl": the file name alone says nothing about which sweep it is.
    private static func sweepName(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().lastPathComponent + "/" + url.lastPathComponent
    }
}
