import Foundation
import XCTest

/// The Python with torch, numpy, safetensors and onnxruntime that the end-to-end tests talking
/// to real PyTorch run: `make test` sets PRUNETOP_PYTHON to the venv scripts/python-env.sh
/// made; without it, that script's default venv. A missing one fails the test, naming the fix.
enum PythonEnvironment {
    static func python(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        let path = environment["PRUNETOP_PYTHON"]
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache/prunetop/test-venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: path) else {
            XCTFail("no Python with torch at \(path): run scripts/python-env.sh (make test does) or set PRUNETOP_PYTHON",
                    file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return URL(fileURLWithPath: path)
    }

    /// The repository's `python/` directory (the bridge package and its scripts).
    static var packageDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("python")
    }
}
