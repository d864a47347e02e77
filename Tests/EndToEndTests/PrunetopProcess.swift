import Foundation
import XCTest

/// Runs the real `prunetop` binary that `swift test` built next to the test bundle.
struct PrunetopProcess {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    static var executable: URL {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("prunetop")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return directory.appendingPathComponent("prunetop")
    }

    /// The release prunetop of the tests' build directory when there is one, else `executable`:
    /// the dashboard's timing is a release property. (`make test` builds the tests in release,
    /// so it is the binary next to them.)
    static var releaseExecutable: String {
        let release = executable.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("release/prunetop")
        return FileManager.default.isExecutableFile(atPath: release.path) ? release.path : executable.path
    }

    /// The environment of the test, minus anything that would steer the BLAS kernel choice,
    /// with empty config and state folders (`isolatedFolders`): a developer's own config file
    /// (a broken one, a theme, key bindings) never reaches a test. A test that needs a config
    /// gives its own `XDG_CONFIG_HOME` over this one.
    static var cleanEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = nil
        environment["PRUNETOP_BLAS_DETECTED_CORE"] = nil
        environment["XDG_CONFIG_HOME"] = isolatedFolders.config
        environment["XDG_STATE_HOME"] = isolatedFolders.state
        return environment
    }

    /// A config and a state folder of this test process, empty at its start.
    static let isolatedFolders: (config: String, state: String) = {
        let (config, state) = (temporaryPath("no-config"), temporaryPath("own-state"))
        for folder in [config, state] { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        return (config, state)
    }()

    /// Runs prunetop with `arguments`, or, with a `launcher`, that command line instead
    /// (e.g. script(1) to give prunetop a terminal).
    static func run(_ arguments: [String], environment: [String: String] = cleanEnvironment,
                    timeout: TimeInterval = 300, launcher: [String] = []) throws -> Result {
        let process = Process()
        process.executableURL = launcher.first.map(URL.init(fileURLWithPath:)) ?? executable
        process.arguments = launcher.isEmpty ? arguments : Array(launcher.dropFirst()) + arguments
        process.environment = environment
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prunetop-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("stdout"), err = directory.appendingPathComponent("stderr")
        XCTAssertTrue(FileManager.default.createFile(atPath: out.path, contents: nil))
        XCTAssertTrue(FileManager.default.createFile(atPath: err.path, contents: nil))
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            process.terminate()
            XCTFail("prunetop \(arguments.joined(separator: " ")) did not finish in \(timeout) s")
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      standardOutput: try String(contentsOf: out, encoding: .utf8),
                      standardError: try String(contentsOf: err, encoding: .utf8))
    }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("prunetop-\(UUID().uuidString)-\(name)").path
    }

    /// Each line of a JSONL file as a dictionary.
    /// Each line of a JSONL file as JSONSerialization gives it (NSNumber, NSNull, strings,
    /// arrays, dictionaries), but with its numbers read exactly: JSONSerialization on Linux
    /// can read a double one unit off in its last digit (0.8444444444444444 as ...443),
    /// where prunetop's readers (JSONDecoder) read what was written.
    static func jsonLines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(try JSONDecoder().decode(ExactJSON.self, from: Data($0.utf8)).value as? [String: Any])
        }
    }
}

/// Any JSON value as Foundation objects, numbers read exactly.
private struct ExactJSON: Decodable {
    let value: Any

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: Key.self) {
            value = try Dictionary(uniqueKeysWithValues: object.allKeys.map { ($0.stringValue, try object.decode(ExactJSON.self, forKey: $0).value) })
        } else if var array = try? decoder.unkeyedContainer() {
            var values: [Any] = []
            while !array.isAtEnd { values.append(try array.decode(ExactJSON.self).value) }
            value = values
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                value = NSNull()
            } else if let bool = try? single.decode(Bool.self) {
                value = NSNumber(value: bool)
            } else if let integer = try? single.decode(Int.self) {
                value = NSNumber(value: integer)
            } else if let number = try? single.decode(Double.self) {
                value = NSNumber(value: number)
            } else {
                value = try single.decode(String.self)
            }
        }
    }
}
