import ArgumentParser
import Foundation
import Metrics
import RunLogs

/// `prunetop export LOG`: a run log or a sweep table as CSV files and an SVG of Occam's hill.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a run log or a sweep table as CSV (pandas, spreadsheets) and Occam's hill as SVG.",
        discussion: """
        From a run log (prunetop run --jsonl): evaluations.csv, layers.csv and histograms.csv, \
        and the run's evaluations on the hill. From a sweep (DIR/sweep.jsonl): sweep.csv, and \
        the points after fine-tuning and after pruning on the hill.
        """)

    @Argument(help: ArgumentHelp("A run's JSONL log, or a sweep's sweep.jsonl.", valueName: "log"))
    var log: String

    @Option(help: ArgumentHelp("Directory for the CSV files (created when missing).", valueName: "dir"))
    var csv: String?

    @Option(help: ArgumentHelp("SVG file of Occam's hill.", valueName: "file"))
    var svg: String?

    @Option(help: ArgumentHelp("A run's hill against this dense accuracy (0.895, 89.5%, a finished dense run's log or a sweep.jsonl) "
                               + "instead of its own dense phase, which counts only once converged.", valueName: "accuracy|jsonl"))
    var baseline: String?

    func validate() throws {
        guard csv != nil || svg != nil else { throw ValidationError("give --csv DIR, --svg FILE or both") }
        if let baseline { do { _ = try HillBaseline.parse(baseline) } catch { throw ValidationError("--baseline: \(error)") } }
    }

    func run() throws {
        var outputs: [OutputGuard.File] = svg.map { [.init(role: "--svg", path: $0)] } ?? []
        if let csv {
            outputs += ["evaluations.csv", "layers.csv", "histograms.csv", "sweep.csv"].map {
                .init(role: "--csv's \($0)", path: (csv as NSString).appendingPathComponent($0))
            }
        }
        try OutputGuard.check(outputs: outputs, inputs: [.init(role: "the log export reads", path: log)]
                              + (baseline.map { [.init(role: "the --baseline file", path: $0)] } ?? []))
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

    /// "sweep-lenet/sweep.jsonl": the file name alone says nothing about which sweep it is.
    private static func sweepName(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().lastPathComponent + "/" + url.lastPathComponent
    }
}
