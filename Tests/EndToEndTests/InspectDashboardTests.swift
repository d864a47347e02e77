import Foundation
import XCTest

/// `prunetop inspect --tui` in a real terminal (tmux): a checkpoint's layers in the dashboard.
final class InspectDashboardTests: XCTestCase {
    private let socket = "prunetop-inspect-\(ProcessInfo.processInfo.processIdentifier)"
    private let session = "inspect"
    private var server: TmuxServer { TmuxServer(socket: socket, session: session) }
    private var directory = ""

    override func setUpWithError() throws {
        directory = PrunetopProcess.temporaryPath("inspect-tui")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        _ = try? server.run(["kill-server"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testACheckpointAndItsExportShowTheirLayersAndQuit() throws {
        guard (try? server.run(["-V"], capturing: true))?.hasPrefix("tmux") == true else { throw XCTSkip("tmux is not installed") }
        let checkpoints = directory + "/checkpoints", exported = directory + "/lenet5.safetensors"
        let run = try PrunetopProcess.run(["run", "--data", "embedded", "--model", "lenet5", "--epochs", "1", "--batch", "32",
                                           "--method", "magnitude", "--sparsity", "0.8", "--schedule", "oneshot:2",
                                           "--stop-after-steps", "2", "--checkpoint-every", "2", "--checkpoint-dir", checkpoints])
        XCTAssertEqual(run.status, 0, run.standardError)
        let checkpoint = checkpoints + "/step-000002.ckpt"
        XCTAssertEqual(try PrunetopProcess.run(["export", checkpoint, "--safetensors", exported]).status, 0)

        for (file, method) in [(checkpoint, "magnitude"), (exported, "torch.nn.utils.prune")] {
            let exitFile = directory + "/exit"
            try? FileManager.default.removeItem(atPath: exitFile)
            let command = "TERM=xterm-256color \(PrunetopProcess.executable.path) inspect \(file) --tui; echo EXIT=$? > \(exitFile); sleep 30"
            try server.run(["new-session", "-d", "-s", session, "-x", "140", "-y", "45", command])
            let screen = try server.waitForScreen("\(file)'s layers in the panels") { screen in
                ["Sparsity", "Weights", "Speedup"].allSatisfy(screen.contains) && screen.contains("conv1") && screen.contains("6×1×5×5")
                    && screen.contains("sparsity 0.800")
            }
            XCTAssertTrue(screen.split(separator: "\n").first?.contains(method) == true, screen)
            XCTAssertTrue(screen.contains("effective sparsity 80.0%"), screen)
            XCTAssertTrue(screen.split(separator: "\n").first?.contains("INSPECT") == true, screen)
            XCTAssertFalse(screen.contains("REPLAY") || screen.contains("replay"), screen)
            // A key that would steer a run says why it does nothing.
            try server.run(["send-keys", "-t", session, "Space"])
            _ = try server.waitForScreen("the refusal of space") { $0.contains("an inspected file does not run") }
            try server.run(["send-keys", "-t", session, "q"])
            let deadline = Date().addingTimeInterval(20)
            // The shell creates the file before it writes the line: wait for the line.
            while (try? String(contentsOfFile: exitFile, encoding: .utf8))?.hasSuffix("\n") != true && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
            XCTAssertEqual(try? String(contentsOfFile: exitFile, encoding: .utf8), "EXIT=0\n")
            try server.run(["kill-server"])
        }

        let refused = try PrunetopProcess.run(["inspect", checkpoint, "--tui"])
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.standardError.contains("inspect --tui needs a terminal"), refused.standardError)
    }
}
