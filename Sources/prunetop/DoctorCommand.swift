import ArgumentParser
import Foundation
import Metrics
import RunLogs
import TUI
import Training

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the machine: BLAS kernel and speed, terminal, locale, colours, data.")

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let flags = BLASKernelChoice.cpuFlags()
        let cpu = BLASKernelChoice.cpuModelName() ?? "unknown CPU"
        let simd = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2" : "no AVX2"
        setBLASThreads(1)
        let gflops = BLASRuntime.measureSGEMM(size: 1024, repeats: 5)
        let terminal = TerminalInfo.current()
        let fashion = try? DatasetLoader.load(directory: DatasetLoader.fashionMNISTDirectory)
        let fashionText = fashion.map {
            "installed at \(DatasetLoader.fashionMNISTDirectory) (\(Format.grouped($0.trainCount)) train, \(Format.grouped($0.testCount)) test)"
        } ?? "not installed (apt-get install dataset-fashion-mnist); the embedded 8x8 digits are used instead"
        if json {
            print(JSONValue.object([
                ("cpu", .string(cpu)), ("simd", .string(simd)), ("cores", .int(ProcessInfo.processInfo.activeProcessorCount)),
                ("blas_core", .string(BLASRuntime.coreName)), ("blas_core_choice", .string(BLASStartup.explanation)),
                ("blas_config", .string(BLASRuntime.configuration)),
                ("sgemm_gflops_1_thread", .number((gflops * 10).rounded() / 10)),
                ("term", terminal.term.map(JSONValue.string) ?? .null), ("tty", .bool(terminal.isTerminal)),
                ("columns", terminal.columns.map(JSONValue.int) ?? .null), ("rows", terminal.rows.map(JSONValue.int) ?? .null),
                ("encoding", .string(terminal.characterEncoding)), ("unicode", .bool(terminal.supportsUnicode)),
                ("colors", .string(terminal.colors.rawValue)), ("no_color", .bool(terminal.noColorRequested)),
                ("fashion_mnist", .bool(fashion != nil)),
            ]).rendered)
            return
        }
        let size = terminal.columns.map { "\($0)x\(terminal.rows ?? 0)" } ?? "not a terminal"
        let rows: [(String, String)] = [
            ("CPU", "\(cpu), \(simd), \(ProcessInfo.processInfo.activeProcessorCount) cores"),
            ("BLAS", "OpenBLAS core \(BLASRuntime.coreName) (\(BLASStartup.explanation))"),
            ("sgemm", String(format: "%.1f GFLOP/s, 1024x1024x1024 on 1 thread (median of 5)", gflops)),
            ("terminal", "TERM=\(terminal.term ?? "unset"), \(size)"),
            ("colours", terminal.colors.rawValue + (terminal.noColorRequested ? " (NO_COLOR set: monochrome)" : "")),
            ("locale", terminal.characterEncoding + (terminal.supportsUnicode ? " (Unicode glyphs)" : " (ASCII glyphs; set a UTF-8 locale for braille and blocks)")),
            ("data", "Fashion-MNIST \(fashionText)"),
        ]
        for (label, value) in rows { print(label.padding(toLength: 10, withPad: " ", startingAt: 0) + value) }
    }
}
