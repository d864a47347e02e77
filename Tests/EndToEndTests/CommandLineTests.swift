import Foundation
import XCTest

/// The real binary, as a user or a script runs it.
final class CommandLineTests: XCTestCase {
    func testHeadlessRunWritesTheEventsOfTheRun() throws {
        let log = PrunetopProcess.temporaryPath("run.jsonl")
        let result = try PrunetopProcess.run(["run", "--headless", "--data", "embedded", "--epochs", "2", "--batch", "64",
                                              "--seed", "3", "--jsonl", log])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("lenet300 on digits-8x8 (embedded): test accuracy"), result.standardOutput)
        XCTAssertEqual(result.standardError, "", "no progress bar when stderr is not a terminal")

        let all = try PrunetopProcess.jsonLines(log)
        let events = all.filter { $0["event"] as? String != "progress" }
        XCTAssertEqual(events.map { $0["event"] as? String }, ["start", "eval", "eval", "done"])
        let config = try XCTUnwrap(events[0]["config"] as? [String: Any])
        XCTAssertEqual(config["epochs"] as? Int, 2)
        XCTAssertEqual(config["batch"] as? Int, 64)
        XCTAssertEqual(config["lr"] as? Double, 0.05)
        XCTAssertEqual(config["seed"] as? String, "3")
        XCTAssertEqual((events[0]["dataset"] as? [String: Any])?["train"] as? Int, 1437)

        let evaluations = events.filter { $0["event"] as? String == "eval" }
        XCTAssertEqual(evaluations.map { $0["step"] as? Int }, [22, 44])
        XCTAssertEqual(evaluations.map { $0["epoch"] as? Double }, [1, 2])
        for evaluation in evaluations {
            XCTAssertNotNil(evaluation["train_loss"] as? Double)
            XCTAssertEqual(evaluation["sparsity"] as? Double, 0)
            let activationSparsity = try XCTUnwrap(evaluation["activation_sparsity"] as? Double)
            XCTAssertTrue(activationSparsity > 0 && activationSparsity < 1, "ReLU zeros: \(activationSparsity)")
            let layers = try XCTUnwrap(evaluation["layers"] as? [[String: Any]])
            XCTAssertEqual(layers.map { $0["name"] as? String }, ["fc1.weight", "fc2.weight", "fc3.weight"])
            XCTAssertEqual(layers.map { $0["params"] as? Int }, [235_200, 30_000, 1_000])
            XCTAssertEqual(layers.map { $0["nonzero"] as? Int }, [235_200, 30_000, 1_000])
        }
        let done = try XCTUnwrap(events.last)
        XCTAssertGreaterThan(try XCTUnwrap(done["test_acc"] as? Double), 0.85)
        XCTAssertEqual(done["test_acc"] as? Double, evaluations.last?["test_acc"] as? Double)
        XCTAssertGreaterThan(try XCTUnwrap(done["samples_per_s"] as? Double), 0)
        XCTAssertGreaterThan(try XCTUnwrap(done["seconds"] as? Double), 0)
    }

    func testTheSameSeedGivesTheSameNumbers() throws {
        func losses(seed: String) throws -> [Double] {
            let log = PrunetopProcess.temporaryPath("seed.jsonl")
            let result = try PrunetopProcess.run(["run", "--headless", "--data", "embedded", "--epochs", "2", "--model", "lenet5",
                                                  "--batch", "32", "--seed", seed, "--eval-every", "15", "--jsonl", log])
            XCTAssertEqual(result.status, 0, result.standardError)
            return try PrunetopProcess.jsonLines(log).filter { $0["event"] as? String == "eval" }.flatMap {
                [try XCTUnwrap($0["train_loss"] as? Double), try XCTUnwrap($0["test_loss"] as? Double)]
            }
        }
        let first = try losses(seed: "11")
        XCTAssertEqual(first.count, 2 * 6)
        XCTAssertEqual(first, try losses(seed: "11"))
        XCTAssertNotEqual(first, try losses(seed: "12"))
    }

    func testBadFlagsAreRefusedWithWhatWasExpected() throws {
        let cases: [([String], String)] = [
            (["--epochs", "0"], "--epochs: expected an integer >= 1, found 0"),
            (["--model", "lenet9"], "--model: expected one of lenet300, lenet5, mlp, vgg-small, resnet20, found lenet9"),
            (["--lr=-1"], "--lr: expected a number > 0 and <= 1000000, found -1.0"),
            (["--lr=0"], "--lr: expected a number > 0 and <= 1000000, found 0.0"),
            (["--lr", "fast"], "The value 'fast' is invalid for '--lr <lr>'"),
            (["--batch", "0"], "--batch: expected an integer >= 1, found 0"),
            (["--threads", "0"], "--threads: expected an integer from 1 to 256, found 0"),
            (["--lr-schedule", "wobble"], "--lr-schedule: expected constant, cosine or step:EVERY:GAMMA"),
            (["--optimizer", "rmsprop"], "--optimizer: expected sgd or adam, found 'rmsprop'"),
            (["--momentum", "1.5"], "--momentum: expected a number in [0, 1), found 1.5"),
            (["--eval-every", "0"], "--eval-every: expected an integer >= 1, found 0"),
            (["--epoch", "3"], "Unknown option '--epoch'"),
        ]
        for (arguments, message) in cases {
            let result = try PrunetopProcess.run(["run", "--headless", "--data", "embedded"] + arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(message), "\(arguments): expected «\(message)» in «\(result.standardError)»")
        }
    }

    /// The pace flags of `tui` and `replay` are checked before anything runs, with the same
    /// words as the recipe's `pace` and the knob.
    func testBadPaceAndReplaySpeedsAreRefused() throws {
        let log = PrunetopProcess.temporaryPath("never-read.jsonl")
        let cases: [([String], String)] = [
            (["tui", "--pace", "0"], "--pace: expected 'full' or a number > 0 and <= 100000 (steps a second), found '0'"),
            (["tui", "--pace", "fast"], "--pace: expected 'full' or a number > 0 and <= 100000 (steps a second), found 'fast'"),
            (["tui", "--duration=-3"], "--duration: expected a number > 0 and <= 10000000, found -3 (seconds)"),
            (["tui", "--pace", "5", "--duration", "30"], "--duration: give --pace or --duration, not both"),
            (["replay", log, "--speed", "3"], "--speed: expected one of 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, found 3.0"),
            (["replay", log, "--duration", "0"], "--duration: expected a number > 0 and <= 10000000, found 0 (seconds)"),
            (["replay", log, "--speed", "2", "--duration", "10"], "--duration: give --speed or --duration, not both"),
        ]
        for (arguments, message) in cases {
            let result = try PrunetopProcess.run(arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(message), "\(arguments): expected «\(message)» in «\(result.standardError)»")
        }
    }

    func testBadDataIsReportedWithTheFileNotACrash() throws {
        let missing = try PrunetopProcess.run(["run", "--headless", "--data", "/nonexistent/mnist"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.standardError.contains("/nonexistent/mnist"), missing.standardError)

        let directory = PrunetopProcess.temporaryPath("corrupt")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: "\(directory)/\(name)", contents: Data([0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1])))
        }
        let corrupt = try PrunetopProcess.run(["run", "--headless", "--data", directory])
        XCTAssertEqual(corrupt.status, 1)
        XCTAssertTrue(corrupt.standardError.contains(directory), corrupt.standardError)
        XCTAssertTrue(corrupt.standardError.lowercased().contains("magic"), corrupt.standardError)
    }

    func testADivergingRunStopsWithItsOwnExitCodeAndSaysWhy() throws {
        let log = PrunetopProcess.temporaryPath("diverge.jsonl")
        let result = try PrunetopProcess.run(["run", "--headless", "--data", "embedded", "--lr", "1000000", "--jsonl", log])
        XCTAssertEqual(result.status, 3, result.standardError)
        XCTAssertTrue(result.standardError.contains("training diverged at step"), result.standardError)
        let events = try PrunetopProcess.jsonLines(log)
        XCTAssertEqual(events.first?["event"] as? String, "start")
        XCTAssertEqual(events.last?["event"] as? String, "diverged")
    }

    func testBenchPrintsOneJSONObject() throws {
        let result = try PrunetopProcess.run(["bench", "--json", "--data", "embedded", "--steps", "3", "--repeats", "1", "--batch", "64"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        XCTAssertEqual(object["model"] as? String, "lenet300")
        XCTAssertEqual(object["batch"] as? Int, 64)
        XCTAssertEqual(object["threads"] as? Int, 1)
        XCTAssertGreaterThan(try XCTUnwrap(object["samples_per_s"] as? Double), 0)
        XCTAssertGreaterThan(try XCTUnwrap(object["gflops"] as? Double), 0)
        XCTAssertFalse(try XCTUnwrap(object["blas_core"] as? String).isEmpty)
    }

    /// A recipe's own network is timed, metrics for a given number of steps.
    func testBenchTimesARecipesNetwork() throws {
        let recipe = PrunetopProcess.temporaryPath("mlp.yaml")
        try "model:\n  name: wide\n  layers: [dense: 64, relu, dense: classes]\n".write(toFile: recipe, atomically: true, encoding: .utf8)
        let result = try PrunetopProcess.run(["bench", recipe, "--json", "--data", "embedded", "--steps", "3", "--repeats", "1",
                                              "--metrics", "--metrics-steps", "4"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        XCTAssertEqual(object["model"] as? String, "wide")
        XCTAssertNotNil(object["metrics_cost"])
        let both = try PrunetopProcess.run(["bench", recipe, "--model", "lenet5", "--data", "embedded"])
        XCTAssertEqual(both.status, 64)
        XCTAssertTrue(both.standardError.contains("--model: the recipe names the network; give one or the other"), both.standardError)
    }

    func testBenchMetricsCostRow() throws {
        let result = try PrunetopProcess.run(["bench", "--json", "--data", "embedded", "--steps", "3", "--repeats", "1", "--metrics"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let cost = try XCTUnwrap(object["metrics_cost"] as? [String: Any])
        XCTAssertGreaterThan(try XCTUnwrap(cost["headless_samples_per_s"] as? Double), 0)
        XCTAssertGreaterThan(try XCTUnwrap(cost["with_metrics_samples_per_s"] as? Double), 0)
        XCTAssertGreaterThan(try XCTUnwrap(cost["ratio"] as? Double), 0)
        XCTAssertEqual((cost["headless_runs"] as? [Double])?.count, 3)
    }

    func testBenchFrameRowTimesComposeAndFlushAtBothSizes() throws {
        let result = try PrunetopProcess.run(["bench", "--json", "--data", "embedded", "--steps", "3", "--repeats", "1", "--frame"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let frames = try XCTUnwrap(object["frame_ms"] as? [[String: Any]])
        XCTAssertEqual(frames.map { $0["width"] as? Int }, [80, 200])
        XCTAssertEqual(frames.map { $0["height"] as? Int }, [24, 60])
        for frame in frames {
            XCTAssertGreaterThan(try XCTUnwrap(frame["draw"] as? Double), 0)
            XCTAssertGreaterThan(try XCTUnwrap(frame["flush"] as? Double), 0)
        }
    }

    func testDoctorPicksTheFastKernelAndRespectsTheUsersChoice() throws {
        let result = try PrunetopProcess.run(["doctor", "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        XCTAssertGreaterThan(try XCTUnwrap(report["sgemm_gflops_1_thread"] as? Double), 0)
        XCTAssertEqual(report["fashion_mnist"] as? Bool, FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist"))
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let flags = Set(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? [])
        if flags.isSuperset(of: ["avx2", "fma"]) {
            XCTAssertEqual(report["blas_core"] as? String, "Haswell", "prunetop re-executes with OPENBLAS_CORETYPE=HASWELL")
        }

        var environment = PrunetopProcess.cleanEnvironment
        environment["OPENBLAS_CORETYPE"] = "PRESCOTT"
        let forced = try PrunetopProcess.run(["doctor", "--json"], environment: environment)
        let forcedReport = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(forced.standardOutput.utf8)) as? [String: Any])
        XCTAssertEqual(forcedReport["blas_core"] as? String, "Prescott")
        XCTAssertEqual(forcedReport["blas_core_choice"] as? String, "OPENBLAS_CORETYPE=PRESCOTT set by the user")
    }

    func testProgressBarOnATerminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("util-linux script(1) is not installed") }
        let command = "\(PrunetopProcess.executable.path) run --headless --data embedded --epochs 8 --eval-every 5"
        let result = try PrunetopProcess.run([], environment: PrunetopProcess.cleanEnvironment, timeout: 300, launcher: ["/usr/bin/script", "-qec", command, "/dev/null"])
        XCTAssertEqual(result.status, 0, result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("samples/s"), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("\r\u{1B}[K"), "the bar rewrites one line")
        // script(1)'s terminal reports no size, so the bar assumes 80 columns and must not wrap.
        let frames = result.standardOutput.components(separatedBy: "\r\u{1B}[K").filter { $0.contains("epoch") && !$0.contains("\n") }
        XCTAssertFalse(frames.isEmpty)
        for frame in frames {
            XCTAssertLessThanOrEqual(frame.count, 79, frame)
            XCTAssertNotNil(frame.firstMatch(of: /\[[#-]{12}\] +\d+%  epoch [1-8]\/8/), frame)
        }
    }
}
