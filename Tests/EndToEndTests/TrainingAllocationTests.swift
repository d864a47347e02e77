import Foundation
import XCTest

/// No heap allocation per training step after warm-up (issue 16): scripts/count-allocations.sh
/// counts malloc/calloc/realloc calls (a preloaded shim) over `prunetop bench` for N and 2N
/// steps. Only the release binary says anything (a debug build allocates for its own
/// bookkeeping), so the test needs `swift build -c release --product prunetop` first and
/// skips without it. ResNet-20 and VGG-small hold too (same script) but take longer.
final class TrainingAllocationTests: XCTestCase {
    private static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private var releaseBinary: String? {
        let debug = PrunetopProcess.executable
        let release = debug.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("release/prunetop")
        return FileManager.default.isExecutableFile(atPath: release.path) ? release.path : nil
    }

    func testMLPAndCNNTrainingStepsAllocateNothingAfterWarmUp() throws {
        guard let binary = releaseBinary else { throw XCTSkip("no release build of prunetop next to the tests") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gcc") else { throw XCTSkip("gcc builds the malloc counter") }
        // vgg-small: batch norm, pooling and tap convolutions with many channels (a planes layout
        // boxed afresh at every pass once cost 10 allocations a step there).
        for (model, steps) in [("lenet300", 10), ("lenet5", 10), ("vgg-small", 5)] {
            let line = try countAllocations(model: model, steps: steps, binary: binary)
            XCTAssertTrue(line.hasSuffix(": 0 per training step"), line)
            // The script's per-step figure rounds down: N more steps must add fewer than N / 2
            // calls (a stray one from thread timing is tolerated, one per step is not).
            let counts = line.split(separator: " ").compactMap { Int($0) }
            XCTAssertEqual(counts.count, 4, line)
            if counts.count == 4 { XCTAssertLessThan(abs(counts[2] - counts[0]), 5, line) }
        }
    }

    private func countAllocations(model: String, steps: Int, binary: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", Self.repositoryRoot.appendingPathComponent("scripts/count-allocations.sh").path, model, "\(steps)"]
        var environment = PrunetopProcess.cleanEnvironment
        environment["PRUNETOP"] = binary
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
