import Foundation
import XCTest

/// The example PyTorch run (examples/pytorch/fashion_mnist.py) as a child process, with the
/// repository's `python/` package first on its path (so the package under test is imported,
/// whatever the venv has installed).
final class PyTorchRun {
    let process = Process()
    let log: String
    let output: String

    static var repository: URL { PythonEnvironment.packageDirectory.deletingLastPathComponent() }

    init(log: String, arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        self.log = log
        output = log + ".out"
        process.executableURL = try PythonEnvironment.python(file: file, line: line)
        process.arguments = [Self.repository.appendingPathComponent("examples/pytorch/fashion_mnist.py").path, "--log", log] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = PythonEnvironment.packageDirectory.path + (environment["PYTHONPATH"].map { ":" + $0 } ?? "")
        environment["OMP_NUM_THREADS"] = "1"
        process.environment = environment
        XCTAssertTrue(FileManager.default.createFile(atPath: output, contents: nil))
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = process.standardOutput
        process.standardInput = FileHandle.nullDevice
    }

    func start() throws { try process.run() }

    /// Waits for the run to end; fails (with its output) when it does not within `timeout` or fails.
    func finish(timeout: TimeInterval, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            XCTFail("the PyTorch run did not end in \(timeout) s:\n\(text)", file: file, line: line)
        }
        XCTAssertEqual(process.terminationStatus, 0, text, file: file, line: line)
        return text
    }

    var text: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
