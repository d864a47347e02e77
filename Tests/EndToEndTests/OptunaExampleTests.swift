import Foundation
import XCTest

/// examples/optuna/tune.py: Optuna (from PyPI, in the test venv) driving `prunetop run
/// --result-json -` as its objective, three trials of the tiny recipe.
final class OptunaExampleTests: XCTestCase {
    func testOptunaTunesARecipeThroughTheResultLine() throws {
        let python = try PythonEnvironment.python()
        let script = PythonEnvironment.packageDirectory.deletingLastPathComponent().appendingPathComponent("examples/optuna/tune.py")
        let process = Process()
        process.executableURL = python
        process.arguments = [script.path, "--trials", "3", "--prunetop", PrunetopProcess.executable.path]
        process.environment = PrunetopProcess.cleanEnvironment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, errorText)
        let lines = try text.split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], String($0))
        }
        XCTAssertEqual(lines.count, 4, text)
        let trials = lines.dropLast()
        XCTAssertEqual(trials.map { $0["trial"] as? Int }, [0, 1, 2])
        var accuracies: [Double] = []
        for trial in trials {
            XCTAssertEqual(trial["outcome"] as? String, "done")
            let accuracy = try XCTUnwrap(trial["test_acc"] as? Double)
            XCTAssertTrue((0.05...1).contains(accuracy), "\(accuracy)")
            XCTAssertEqual(try XCTUnwrap(trial["sparsity"] as? Double), 0.8, accuracy: 0.002, "the recipe's final sparsity, measured")
            accuracies.append(accuracy)
        }
        let best = try XCTUnwrap(lines.last)
        XCTAssertEqual(try XCTUnwrap(best["test_acc"] as? Double), accuracies.max()!, "the best trial is the most accurate run")
        XCTAssertNotNil((best["params"] as? [String: Any])?["lr"] as? Double)
    }
}
