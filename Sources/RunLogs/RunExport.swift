import Foundation
import Metrics
import Training

/// A run log or a sweep table as CSV files for pandas and spreadsheets: a header row,
/// plain numbers (the shortest decimal that reads back as the same Double; an empty field
/// where the log has no value), RFC 4180 quoting where a field needs it.
public enum RunExport {
    /// What `prunetop export` can read: a run's JSONL log or a sweep's `sweep.jsonl`.
    public enum Input: Sendable {
        case run(RunLog)
        /// `method` is read from the first of the sweep's run logs that is still beside it.
        case sweep(SweepTable, path: String, method: String?)
    }

    /// Reads `path` as a sweep table when it has `sweep_point` events, else as a run log
    /// with at least one evaluation.
    public static func read(path: String) throws -> Input {
        let text: String
        do { text = try RegularFile.readText(path) } catch {
            throw RunLogError(path: path, line: nil, problem: "cannot read the file: \(error.description)")
        }
        let lines = try RunLogLines(text: text, path: path)
        if let table = try SweepTable(lines: lines) {
            let directory = (path as NSString).deletingLastPathComponent
            let method = table.rows.lazy.compactMap {
                try? RunLog(path: (directory as NSString).appendingPathComponent($0.log)).method
            }.first
            return .sweep(table, path: path, method: method)
        }
        let log = try RunLog(lines: lines, path: path)
        guard !log.evaluations.isEmpty else {
            throw RunLogError(path: path, line: nil, problem: "neither a run log with evaluations (\"eval\" events) "
                              + "nor a sweep table (\"sweep_point\" events)")
        }
        return .run(log)
    }

    /// The files `--csv DIR` writes, by name.
    public static func csvFiles(_ input: Input) -> [(name: String, contents: String)] {
        switch input {
        case let .run(log):
            [("evaluations.csv", evaluationsCSV(log)), ("layers.csv", layersCSV(log)), ("histograms.csv", histogramsCSV(log))]
        case let .sweep(table, _, _):
            [("sweep.csv", table.csv), ("sweep-cells.csv", table.cellsCSV)]
        }
    }

    public static let evaluationsHeader = ["step", "epoch", "phase", "target", "sparsity", "test_acc", "test_loss", "train_loss", "lr"]

    /// One row per evaluation.
    public static func evaluationsCSV(_ log: RunLog) -> String {
        table(header: evaluationsHeader, rows: log.evaluations.map { evaluation in
            [String(evaluation.step), number(evaluation.epoch), evaluation.phase.displayName, number(evaluation.target),
             number(evaluation.sparsity), number(evaluation.testAccuracy), number(evaluation.testLoss),
             number(evaluation.trainLoss), number(evaluation.learningRate)]
        })
    }

    public static let layersHeader = ["step", "layer", "shape", "params", "nonzero", "sparsity", "target"]

    /// One row per evaluation and prunable layer; `shape` is written as "300x784".
    public static func layersCSV(_ log: RunLog) -> String {
        table(header: layersHeader, rows: log.evaluations.flatMap { evaluation in
            evaluation.layers.map { layer in
                [String(evaluation.step), layer.name, layer.shape.map(String.init).joined(separator: "x"),
                 String(layer.parameters), String(layer.nonzero), number(sparsity(layer)), number(layer.target)]
            }
        })
    }

    public static let histogramsHeader = ["step", "layer", "bin", "lower", "upper", "kept", "pruned"]

    /// One row per evaluation, layer and bin; `lower` and `upper` are the bin's own edges.
    public static func histogramsCSV(_ log: RunLog) -> String {
        table(header: histogramsHeader, rows: log.evaluations.flatMap { evaluation in
            evaluation.layers.flatMap { layer -> [[String]] in
                guard let histogram = layer.histogram else { return [] }
                let width = (histogram.upper - histogram.lower) / Double(histogram.kept.count)
                return histogram.kept.indices.map { bin in
                    [String(evaluation.step), layer.name, String(bin),
                     number(histogram.lower + Double(bin) * width),
                     number(bin == histogram.kept.count - 1 ? histogram.upper : histogram.lower + Double(bin + 1) * width),
                     String(histogram.kept[bin]), String(histogram.pruned[bin])]
                }
            }
        })
    }

    /// (params - nonzero) / params: exact for counts, so 5697 pruned of 30000 is written 0.1899,
    /// not 1 - 24303/30000 = 0.18989999999999996.
    private static func sparsity(_ layer: RunLog.Layer) -> Double {
        layer.parameters == 0 ? 0 : Double(layer.parameters - layer.nonzero) / Double(layer.parameters)
    }

    /// RFC 4180: a field with a comma, a double quote or a line break is quoted, its quotes doubled.
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func table(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") + "\n" }.joined()
    }

    private static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return value.description
    }
}
