import Foundation
import XCTest

/// Every catchable signal whose default would kill the process ends a headless run cleanly:
/// the trainer stops between steps, the log ends with its "stopped" event, and the exit
/// code says which signal it was (128 + its number).
final class HeadlessSignalTests: XCTestCase {
    func testASignalStopsTheRunAndTheLogIsCompleteUpToItsLastEvent() throws {
        let signals: [(Int32, Int32)] = [(SIGTERM, 143), (SIGINT, 130), (SIGUSR1, 138), (SIGUSR2, 140), (SIGQUIT, 131),
                                         (SIGALRM, 142), (SIGPIPE, 141)]
        for (signal, code) in signals {
            let log = PrunetopProcess.temporaryPath("signalled.jsonl"), errors = PrunetopProcess.temporaryPath("stderr")
            _ = FileManager.default.createFile(atPath: errors, contents: nil)
            let process = Process()
            process.executableURL = PrunetopProcess.executable
            process.arguments = ["run", "--data", "embedded", "--epochs", "100000", "--eval-every", "5", "--jsonl", log]
            process.environment = PrunetopProcess.cleanEnvironment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
            try process.run()
            let started = Date().addingTimeInterval(60)
            while Date() < started, (try? String(contentsOfFile: log, encoding: .utf8))?.contains("\"event\":\"eval\"") != true {
                Thread.sleep(forTimeInterval: 0.05)
            }
            kill(process.processIdentifier, signal)
            let ended = Date().addingTimeInterval(30)
            while process.isRunning && Date() < ended { Thread.sleep(forTimeInterval: 0.02) }
            guard !process.isRunning else {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                XCTFail("still running 30 s after signal \(signal)")
                continue
            }
            XCTAssertEqual(process.terminationStatus, code)
            XCTAssertEqual(process.terminationReason, .exit, "exited on its own, not killed by the signal")
            let events = try PrunetopProcess.jsonLines(log)
            XCTAssertEqual(events.last?["event"] as? String, "stopped")
            XCTAssertTrue(try String(contentsOfFile: errors, encoding: .utf8).contains("stopped by SIG"))
        }
    }
}
