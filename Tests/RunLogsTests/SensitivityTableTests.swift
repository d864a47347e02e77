import RunLogs
import Training
import XCTest

final class SensitivityTableTests: XCTestCase {
    let table = SensitivityTable(
        provenance: .init(source: "examples/dense.yaml", model: "lenet300", dataset: "fashion-mnist", seed: 7, heldOutIndices: [3, 9, 12],
                          heldOutDuringTraining: true, fineTuneSteps: 5, fineTuneLearningRate: 0.005),
        curves: SensitivityCurves(sparsities: [0.5, 0.9], denseAccuracy: 0.8, denseLoss: 0.5, layers: [
            .init(name: "fc1.weight", shape: [3, 4], accuracies: [0.8, 0.6], losses: [0.5, 0.9]),
            .init(name: "fc2.weight", shape: [2, 3], accuracies: [0.82, 0.4], losses: [0.45, 1.5]),
        ]))

    func testTheCSVHasOneRowPerLayerAndSparsity() {
        XCTAssertEqual(table.csv, """
            layer,shape,parameters,sparsity,accuracy,loss,accuracy_drop,dense_accuracy
            fc1.weight,3x4,12,0.5,0.8,0.5,0,0.8
            fc1.weight,3x4,12,0.9,0.6,0.9,0.2,0.8
            fc2.weight,2x3,6,0.5,0.82,0.45,-0.02,0.8
            fc2.weight,2x3,6,0.9,0.4,1.5,0.4,0.8

            """)
    }

    func testTheJSONLinesReadBackAsTheSameTable() throws {
        let lines = table.jsonLines.split(separator: "\n")
        XCTAssertEqual(lines.count, 5)
        let start = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(start["event"] as? String, "sensitivity_start")
        XCTAssertEqual((start["provenance"] as? [String: Any])?["held_out_indices"] as? [Int], [3, 9, 12])
        let point = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[4].utf8)) as? [String: Any])
        XCTAssertEqual(point["layer"] as? String, "fc2.weight")
        XCTAssertEqual(point["sparsity"] as? Double, 0.9)
        XCTAssertEqual(try XCTUnwrap(point["accuracy_drop"] as? Double), 0.4, accuracy: 1e-12)
        XCTAssertEqual(try SensitivityTable(jsonLines: table.jsonLines, path: "t.jsonl"), table)
    }

    func testABrokenTableIsRefusedNamingTheFileAndLine() {
        let lines = table.jsonLines.split(separator: "\n").map(String.init)
        func problem(_ text: String) -> String {
            do { _ = try SensitivityTable(jsonLines: text, path: "t.jsonl"); return "accepted" } catch { return "\(error)" }
        }
        XCTAssertEqual(problem(lines.dropFirst().joined(separator: "\n")),
                       "t.jsonl:1: a sensitivity_point before the sensitivity_start line")
        XCTAssertEqual(problem(lines.prefix(4).joined(separator: "\n")), "t.jsonl: fc2.weight has 1 of 2 points (a table cut short)")
        XCTAssertEqual(problem(lines[0] + "\n{\"event\": \"eval\"}"), "t.jsonl:2: event 'eval': expected sensitivity_start or sensitivity_point")
        XCTAssertEqual(problem(lines[0] + "\n" + lines[1].replacingOccurrences(of: "\"loss\"", with: "\"lost\"")),
                       "t.jsonl:2: not a line of a sensitivity table: missing key 'loss'")
        XCTAssertEqual(problem(lines[0] + "\n" + lines[2]),
                       "t.jsonl:2: fc1.weight at sparsity 0.9: expected the sparsities [0.5, 0.9] in order for each layer")
        XCTAssertEqual(problem(""), "t.jsonl: no sensitivity_start line; not a table `prunetop sensitivity` wrote")
    }

    func testTheSVGHasOneShadedCellPerPointWithItsDrop() {
        let svg = SensitivitySVG(title: "Per-layer sensitivity: lenet300 & co", curves: table.curves).document
        XCTAssertTrue(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
        XCTAssertTrue(svg.contains("<title>Per-layer sensitivity: lenet300 &amp; co</title>"))
        let cells = svg.split(separator: "\n").filter { $0.hasPrefix("<rect class=\"cell\"") }
        XCTAssertEqual(cells.count, 4)
        // Drops 0, 20, -2 and 40 points: the largest is full red, no drop and a gain white, 20 halfway
        // (0.2000000000000001 / 0.4 a hair over 0.5: green and blue 147.4999, not 147.5).
        XCTAssertEqual(cells.map { $0.components(separatedBy: "fill=\"")[1].prefix(7) }, ["#ffffff", "#e39393", "#ffffff", "#c62828"])
        let drops = svg.split(separator: "\n").filter { $0.hasPrefix("<text class=\"drop\"") }.map { $0.components(separatedBy: ">")[1].prefix { $0 != "<" } }
        XCTAssertEqual(drops, ["0.0", "20.0", "-2.0", "40.0"])
        XCTAssertEqual(svg.split(separator: "\n").filter { $0.hasPrefix("<text class=\"layer\"") }.count, 2)
        XCTAssertTrue(svg.contains(">90%</text>"))
        XCTAssertEqual(svg, SensitivitySVG(title: "Per-layer sensitivity: lenet300 & co", curves: table.curves).document, "same bytes")
    }
}
