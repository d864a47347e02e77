import Foundation
import RunLogs
@testable import TUI
import XCTest

/// `prunetop compare` on logs still written: a refresh takes the lines appended to either,
/// the legend says which run is live and which finished, and the selected layer stays selected
/// by name when a log starts again with other layers.
final class ComparisonAppFollowTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("compare-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    private func append(_ text: String, to name: String) throws {
        let path = directory + "/" + name
        if !FileManager.default.fileExists(atPath: path) { XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil)) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    /// A log's lines: start, an evaluation, done.
    private func lines(_ method: String, accuracy: Double, layers: [String]) -> [String] {
        ComparisonViewTests.log(method: method, accuracy: accuracy, sparsity: 0.5, layers: layers.map { ($0, 5) })
            .split(separator: "\n").map { String($0) + "\n" }
    }

    func testAppendedLinesRedrawTheComparisonAndKeepTheSelectedLayer() throws {
        let a = lines("magnitude", accuracy: 0.85, layers: ["fc1.weight", "fc2.weight"])
        let b = lines("snip", accuracy: 0.80, layers: ["fc1.weight", "fc2.weight"])
        try append(a[0] + a[1], to: "a.jsonl")
        try append(b.joined(), to: "b.jsonl")
        let logs = (a: FollowedRunLog(path: directory + "/a.jsonl"), b: FollowedRunLog(path: directory + "/b.jsonl"))
        logs.a.poll()
        logs.b.poll()
        let first = RunComparison(a: try XCTUnwrap(logs.a.comparedRun), b: try XCTUnwrap(logs.b.comparedRun))
        let app = try ComparisonApp(comparison: first, following: logs, colorChoice: .none)
        let legend = app.frame(width: 100, height: 30).text(row: 1)
        XCTAssertTrue(legend.contains("a.jsonl (magnitude, live)") && legend.contains("b.jsonl (snip, finished)"), legend)
        XCTAssertFalse(app.refresh(), "nothing appended")

        XCTAssertFalse(app.handle(.character("l")))
        XCTAssertEqual(app.comparison.layers[app.selectedLayer].name, "fc2.weight")
        try append(a[2], to: "a.jsonl")
        XCTAssertTrue(app.refresh())
        XCTAssertTrue(app.frame(width: 100, height: 30).text(row: 1).contains("a.jsonl (magnitude, finished)"), "A's done event read")
        XCTAssertEqual(app.comparison.layers[app.selectedLayer].name, "fc2.weight")

        // A starts again (its file rewritten) with a layer before fc2: fc2 stays selected.
        let again = lines("magnitude", accuracy: 0.75, layers: ["fc0.weight", "fc1.weight", "fc2.weight"])
        try (again[0] + again[1]).write(toFile: directory + "/a.jsonl", atomically: true, encoding: .utf8)
        XCTAssertTrue(app.refresh())
        XCTAssertEqual(app.comparison.finalAccuracy.a, 0.75)
        XCTAssertEqual(app.comparison.layers.map(\.name), ["fc0.weight", "fc1.weight", "fc2.weight"])
        XCTAssertEqual(app.selectedLayer, 2)
        let header = app.frame(width: 100, height: 30).text(row: 0)
        XCTAssertTrue(header.contains("final acc 75.00% → 80.00%"), header)

        // A bad line is named on the message line; the comparison stays.
        try append(#"{"event":"progress","step":-1}"# + "\n", to: "a.jsonl")
        XCTAssertTrue(app.refresh())
        XCTAssertTrue(app.frame(width: 100, height: 30).text(row: 29).contains("a.jsonl:3: step: expected an integer >= 0"),
                      app.frame(width: 100, height: 30).text(row: 29))
        XCTAssertEqual(app.comparison.finalAccuracy.a, 0.75)
    }
}
