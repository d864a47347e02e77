import ArgumentParser
import DashboardModel
import Foundation
import Metrics
import ModelFiles
import RunLogs
import TUI
import Training

/// `prunetop inspect FILE`: a pruned checkpoint's layers as a report (text or JSON), or
/// with `--tui` as a static dashboard.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Report a pruned checkpoint layer by layer: sparsity, N:M compliance, storage per format, measured CPU speedup.",
        discussion: """
        FILE is a .safetensors file (torch.nn.utils.prune's X.weight_orig and X.weight_mask are \
        recognised; other weights of 2 or more dimensions count their zeros as pruned) or a prunetop \
        checkpoint. A PyTorch .pt file is converted first: python -m prunetop.convert IN.pt OUT.safetensors \
        (pip install ./python). The speedup is measured on this CPU: each weight as a dense BLAS GEMM and with \
        prunetop's CSR kernel, times an operand of --columns columns (a batch for a linear layer, im2col output \
        positions for a convolution, whose weight is viewed as out x in*kh*kw). --tui shows the checkpoint \
        in the dashboard instead (sparsity, weights and speedup panels; nothing runs).
        """)

    @Argument(help: ArgumentHelp("A .safetensors file or a prunetop checkpoint.", valueName: "file"))
    var file: String

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(help: ArgumentHelp("N:M patterns to check, comma-separated.", valueName: "n:m,..."))
    var nm = "2:4"

    @Option(help: ArgumentHelp("Operand columns for the speedup measurement.", valueName: "n"))
    var columns = 256

    @Flag(help: "Do not measure the CPU speedup.")
    var noSpeedup = false

    @Flag(help: "Show the checkpoint in the dashboard instead of printing a report.")
    var tui = false

    @Option(help: "With --tui: colours: auto, truecolor, 256, 16 or none. Default: the config file's, else auto.")
    var color: ColorDepth.Choice?

    @Flag(help: "With --tui: ASCII glyphs only.")
    var ascii = false

    @Option(help: "With --tui: theme: default, light, colorblind, monochrome, or a user theme. Default: the config file's, else default.")
    var theme: String?

    func validate() throws {
        if tui && json { throw ValidationError("--tui: give --tui or --json, not both") }
        _ = try patterns()
        guard (1...65536).contains(columns) else { throw ValidationError("--columns: expected 1 to 65536, found \(columns)") }
    }

    private func patterns() throws -> [(n: Int, m: Int)] {
        try nm.split(separator: ",").map { item in
            let parts = item.split(separator: ":")
            guard parts.count == 2, let n = Int(parts[0]), let m = Int(parts[1]), m >= 1, (0...m).contains(n) else {
                throw ValidationError("--nm: expected patterns such as 2:4 (0 <= N <= M), found '\(item)'")
            }
            return (n, m)
        }
    }

    func run() throws {
        if tui { return try showDashboard() }
        // One thread each: the CSR kernel runs on one core, so BLAS does too.
        setBLASThreads(1)
        let options = CheckpointInspection.Options(patterns: try patterns(), operandColumns: noSpeedup ? nil : columns)
        let inspection: CheckpointInspection
        do { inspection = try CheckpointInspection.inspect(path: file, options: options) } catch {
            throw ValidationError("\(error)")
        }
        print(json ? Self.json(inspection).rendered : Self.text(inspection), terminator: json ? "\n" : "")
    }

    private func showDashboard() throws {
        let inspected: InspectionSnapshot
        do { inspected = try InspectionSnapshot.read(path: file) } catch { throw ValidationError("\(error)") }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw ValidationError("inspect --tui needs a terminal") }
        if let refusal = TerminalInfo.dashboardRefusal(term: ProcessInfo.processInfo.environment["TERM"])
            ?? TerminalInfo.foregroundRefusal() {
            throw ValidationError(refusal)
        }
        var options = DashboardApp.Options()
        try options.applySettings(theme: theme, color: color, fps: nil)
        options.ascii = ascii
        let outcome = try DashboardApp(source: StaticSource(snapshot: inspected.snapshot),
                                        frameContext: DashboardFrameContext(network: inspected.network), options: options).run()
        if outcome != .quit { throw ExitCode(outcome.exitCode) }
    }

    static func json(_ inspection: CheckpointInspection) -> JSONValue {
        func storage(_ costs: [StorageCost]) -> JSONValue {
            .object(costs.map { ($0.format.label, .int($0.bits / 8)) })
        }
        return .object([
            ("file", .string(inspection.file)),
            ("format", .string(inspection.format.rawValue)),
            ("prunable_weights", .int(inspection.prunableCount)),
            ("kept_weights", .int(inspection.keptCount)),
            ("sparsity", .number(inspection.sparsity)),
            ("other_tensors", .int(inspection.otherTensorCount)),
            ("other_parameters", .int(inspection.otherParameterCount)),
            ("storage_bytes", storage(inspection.storage)),
            ("storage_bytes_best_per_layer", .int(inspection.bestPerLayerBits / 8)),
            ("speedup_operand_columns", inspection.operandColumns.map(JSONValue.int) ?? .null),
            ("speedup_all_sparse", .optional(inspection.speedupAllSparse)),
            ("speedup_where_faster", .optional(inspection.speedupWhereFaster)),
            ("layers", .array(inspection.layers.map { layer in
                .object([
                    ("name", .string(layer.name)),
                    ("shape", .array(layer.shape.map(JSONValue.int))),
                    ("mask", .string(layer.maskSource.rawValue)),
                    ("params", .int(layer.elementCount)),
                    ("kept", .int(layer.keptCount)),
                    ("sparsity", .number(layer.sparsity)),
                    ("nm", .array(layer.nm.map { nm in
                        .object([("pattern", .string(nm.pattern)), ("groups", .int(nm.groupCount)),
                                 ("compliant_groups", .int(nm.compliantGroupCount)), ("compliant", .bool(nm.isCompliant))])
                    })),
                    ("storage_bytes", storage(layer.storage)),
                    ("cheapest_format", .string(StorageFormats.cheapest(layer.storage).format.label)),
                    ("dense_seconds", .optional(layer.speedup?.denseSeconds)),
                    ("sparse_seconds", .optional(layer.speedup?.sparseSeconds)),
                    ("speedup", .optional(layer.speedup?.speedup)),
                ])
            })),
        ])
    }

    static func text(_ inspection: CheckpointInspection) -> String {
        var out = "\(inspection.file): \(inspection.format.rawValue), \(inspection.layers.count) prunable weights "
            + "(\(Format.grouped(inspection.prunableCount)) values, \(percent(inspection.sparsity)) sparse), "
            + "\(inspection.otherTensorCount) other tensors (\(Format.grouped(inspection.otherParameterCount)) values)\n\n"
        let patterns = inspection.layers.first?.nm.map(\.pattern) ?? []
        var rows = [["layer", "shape", "params", "kept", "sparsity", "mask"] + patterns + ["cheapest", "bytes", "speedup"]]
        for layer in inspection.layers {
            let cheapest = StorageFormats.cheapest(layer.storage)
            rows.append([layer.name, layer.shape.map(String.init).joined(separator: "x"), Format.grouped(layer.elementCount),
                         Format.grouped(layer.keptCount), percent(layer.sparsity), layer.maskSource.rawValue]
                        + layer.nm.map { $0.isCompliant ? "yes" : "no (\(percent($0.fraction)))" }
                        + [cheapest.format.label, Format.grouped(cheapest.bits / 8),
                           layer.speedup.map { String(format: "%.2fx", $0.speedup) } ?? "-"])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max()! }
        for row in rows {
            out += zip(row, widths).enumerated().map { index, cell in
                index < 2 || index == 5 ? cell.0.padding(toLength: cell.1, withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: cell.1 - cell.0.count) + cell.0
            }.joined(separator: "  ") + "\n"
        }
        out += "\nstorage of the prunable weights, 32-bit values: "
            + inspection.storage.map { "\($0.format.label) \(Format.grouped($0.bits / 8)) B" }.joined(separator: ", ")
            + "; each layer in its cheapest: \(Format.grouped(inspection.bestPerLayerBits / 8)) B\n"
        if let columns = inspection.operandColumns, let all = inspection.speedupAllSparse, let best = inspection.speedupWhereFaster {
            out += String(format: "CPU speedup, CSR kernel vs BLAS sgemm (one thread of this machine each, W [out x in*kh*kw] times an operand of "
                          + "\(columns) columns): %.2fx with every layer sparse, %.2fx with the kernel only where it is faster\n", all, best)
        }
        return out
    }

    private static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", 100 * fraction) }
}
