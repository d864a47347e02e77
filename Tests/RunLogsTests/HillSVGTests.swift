import Foundation
@testable import RunLogs
#if canImport(FoundationXML)
import FoundationXML
#endif
import Metrics
import XCTest

final class HillSVGTests: XCTestCase {
    /// Dense to 0.90 (converged: +0.3 points in its last interval, the baseline), pruned
    /// through 0.5 and 0.8, then at 0.9: the first 0.9 point is still moving, the second
    /// settled and the knee (89.3%, within the 1% budget).
    private func runLog(method: String = "magnitude") throws -> RunLog {
        let evaluations: [(step: Int, phase: String, sparsity: Double, accuracy: Double?)] = [
            (10, "dense", 0, 0.897), (20, "dense", 0, 0.90), (30, "pruning", 0.5, 0.91), (40, "pruning", 0.8, 0.895),
            (50, "fine-tune", 0.9, 0.891), (60, "fine-tune", 0.9, 0.893), (70, "fine-tune", 0.9, nil),
        ]
        let methodJSON = String(decoding: try JSONSerialization.data(withJSONObject: [method]), as: UTF8.self).dropFirst().dropLast()
        let lines = ["{\"event\":\"start\",\"config\":{\"sparsity\":{\"method\":\(methodJSON),\"target\":0.9}}}"] + evaluations.map {
            "{\"event\":\"eval\",\"step\":\($0.step),\"epoch\":\(Double($0.step) / 10),\"train_loss\":0.5,\"test_acc\":\($0.accuracy.map { "\($0)" } ?? "null"),"
                + "\"lr\":0.05,\"phase\":\"\($0.phase)\",\"target\":\($0.sparsity),\"sparsity\":\($0.sparsity),\"layers\":[]}"
        }
        return try RunLog(text: lines.joined(separator: "\n"), path: "/tmp/runs/gmp.jsonl")
    }

    func testRunDocumentIsWellFormedSVG() throws {
        let svg = try SVGDocument(HillSVG.run(try runLog()).document)
        let root = try XCTUnwrap(svg.elements.first)
        XCTAssertEqual(root.name, "svg")
        XCTAssertEqual(root.attributes["xmlns"], "http://www.w3.org/2000/svg")
        XCTAssertEqual(root.attributes["version"], "1.1")
        XCTAssertEqual(root.attributes["viewBox"], "0 0 720 480")
        XCTAssertEqual(root.attributes["width"], "720")
        XCTAssertEqual(root.attributes["height"], "480")
        let background = try XCTUnwrap(svg.elements(class: "background").first)
        XCTAssertEqual(background.attributes["fill"], "#ffffff")
        XCTAssertEqual(background.attributes["width"], "720")
    }

    func testRunDocumentShowsEveryEvaluationTheBaselineAndTheKnee() throws {
        let svg = try SVGDocument(HillSVG.run(try runLog()).document)
        XCTAssertEqual(svg.elements(class: "title").first?.text, "Occam's hill: magnitude, gmp.jsonl")
        // The dense phase's end and four later evaluations with a test accuracy, in three
        // phases with a legend entry each (the still-training dense point is not on the hill).
        let points = svg.elements(class: "point")
        XCTAssertEqual(points.count, 5)
        XCTAssertEqual(svg.elements(class: "legend-marker").count, 3)
        XCTAssertTrue(svg.texts.contains("after pruning") && svg.texts.contains("after fine-tuning") && svg.texts.contains("dense"))
        XCTAssertEqual(svg.elements(class: "trajectory").first?.attributes["points"]?.split(separator: " ").count, 5)

        XCTAssertEqual(svg.elements(class: "baseline-label").first?.text, "dense baseline 90.0%")
        let baseline = try XCTUnwrap(svg.elements.first { $0.attributes["stroke-dasharray"] != nil })
        XCTAssertEqual(baseline.attributes["y1"], baseline.attributes["y2"])
        // The baseline is the dense phase's end: the dense point at 90% sits on it.
        XCTAssertEqual(points[0].attributes["cy"], baseline.attributes["y1"])

        XCTAssertEqual(svg.elements(class: "knee-label").first?.text, "knee: 90.0% sparsity, 89.3%")
        let ring = try XCTUnwrap(svg.elements.first { $0.name == "circle" && $0.attributes["r"] == "8" })
        XCTAssertEqual([ring.attributes["cx"], ring.attributes["cy"]], [points[4].attributes["cx"], points[4].attributes["cy"]])

        // Without a converged dense phase there is no baseline, however many dense points.
        var rising = try runLog()
        rising.evaluations[0].testAccuracy = 0.85
        let unconverged = try SVGDocument(HillSVG.run(rising).document)
        XCTAssertEqual(unconverged.elements(class: "baseline-label").first?.text, "no dense baseline")
        XCTAssertTrue(unconverged.elements(class: "region").isEmpty)
    }

    func testAxesFollowTheDashboardsLogDensityScale() throws {
        let svg = try SVGDocument(HillSVG.run(try runLog()).document)
        let xTicks = svg.elements(class: "tick-label").filter { $0.attributes["text-anchor"] == "middle" }
        XCTAssertEqual(xTicks.map(\.text), ["0%", "90%", "99%"])
        let x = xTicks.map { Double($0.attributes["x"]!)! }
        // Decades are evenly spaced: 90% is half way to 99%.
        XCTAssertEqual(x[1] - x[0], x[2] - x[1], accuracy: 0.11)
        let points = svg.elements(class: "point")
        XCTAssertEqual(points[0].attributes["cx"], xTicks[0].attributes["x"])
        XCTAssertEqual(points[3].attributes["cx"], xTicks[1].attributes["x"])
        // 50% is log10(2) of a decade in.
        XCTAssertEqual(Double(points[1].attributes["cx"]!)! - x[0], (x[1] - x[0]) * log10(2), accuracy: 0.1)

        let yTicks = svg.elements(class: "tick-label").filter { $0.attributes["text-anchor"] == "end" }.map(\.text)
        XCTAssertTrue(yTicks.contains("90.0%") || yTicks.contains("90%"), "\(yTicks)")
        XCTAssertEqual(svg.elements(class: "axis-title").map(\.text), ["sparsity", "test accuracy"])
        XCTAssertEqual(svg.elements(class: "region-label").map(\.text), ["A", "B", "C"])
        XCTAssertEqual(svg.elements(class: "region").count, 3)
    }

    func testAPointBeyond99PercentAddsADecade() throws {
        let points = [HillPoint(sparsity: 0, accuracy: 0.9, phase: .dense, runID: "r"),
                      HillPoint(sparsity: 0.999, accuracy: 0.5, phase: .afterFineTuning, runID: "r")]
        let chart = HillSVG(title: "t", series: [.init(label: "s", color: "#000000", points: points, isJoined: true)],
                            baseline: 0.9, knee: points[0])
        let svg = try SVGDocument(chart.document)
        XCTAssertEqual(svg.elements(class: "tick-label").filter { $0.attributes["text-anchor"] == "middle" }.map(\.text),
                       ["0%", "90%", "99%", "99.9%"])
        XCTAssertEqual(svg.elements(class: "knee-label").first?.text, "knee: 0.0% sparsity, 90.0%")
    }

    func testSweepDrawsTwoSeriesAndTheTablesKnee() throws {
        let table = SweepTable(runs: [
            (0, try sweepPointLog(prunedAccuracy: 0.88, finalAccuracy: 0.9, sparsity: 0), "sparsity-0.0000.jsonl"),
            (0.5, try sweepPointLog(prunedAccuracy: 0.88, finalAccuracy: 0.9, sparsity: 0.5), "sparsity-0.5000.jsonl"),
            (0.9, try sweepPointLog(prunedAccuracy: 0.6, finalAccuracy: 0.8, sparsity: 0.9), "sparsity-0.9000.jsonl"),
        ])
        XCTAssertEqual(table.rows.map(\.isKnee), [false, true, false])
        let svg = try SVGDocument(HillSVG.sweep(table, name: "sweep-lenet/sweep.jsonl", method: "snip").document)
        XCTAssertEqual(svg.elements(class: "title").first?.text, "Occam's hill: snip, sweep-lenet/sweep.jsonl")
        XCTAssertEqual(svg.elements(class: "point").count, 3 + 2)
        XCTAssertEqual(svg.elements(class: "legend-marker").count, 2)
        XCTAssertEqual(svg.elements.filter { $0.name == "polyline" }.count, 2)
        XCTAssertTrue(svg.elements(class: "trajectory").isEmpty)
        XCTAssertEqual(svg.elements(class: "knee-label").first?.text, "knee: 50.0% sparsity, 90.0%")
        XCTAssertEqual(svg.elements(class: "baseline-label").first?.text, "dense baseline 90.0%")
    }

    /// Two methods x two sparsities x two seeds: one hill per method through its cells'
    /// means, each mean with an error bar of one sample standard deviation.
    func testAGridSweepDrawsOneHillPerGroupWithErrorBars() throws {
        var lines: [String] = []
        let accuracies: [(String, Double, [Double])] = [("magnitude", 0, [0.90, 0.92]), ("magnitude", 0.9, [0.86, 0.88]),
                                                        ("random", 0, [0.90, 0.92]), ("random", 0.9, [0.30, 0.40])]
        for (method, target, values) in accuracies {
            for (seed, accuracy) in values.enumerated() {
                lines.append(#"{"event":"sweep_point","target":\#(target),"sparsity":\#(target),"accuracy_after_fine_tuning":\#(accuracy),"#
                             + #""log":"\#(method)-\#(target)-\#(seed).jsonl","settings":[{"key":"method","value":"\#(method)"}],"seed":\#(seed)}"#)
            }
        }
        let table = try XCTUnwrap(try SweepTable(jsonLines: lines.joined(separator: "\n") + "\n", path: "sweep.jsonl"))
        XCTAssertEqual(table.groups.map { $0.cells.map(\.accuracyAfterFineTuning.count) }, [[2, 2], [2, 2]])
        let hill = HillSVG.sweep(table, name: "sweep.jsonl", method: nil)
        let svg = try SVGDocument(hill.document)
        XCTAssertEqual(svg.elements(class: "title").first?.text, "Occam's hill: sweep.jsonl (mean ± sd of 2 seeds)")
        XCTAssertEqual(svg.elements(class: "legend-marker").count, 2)
        XCTAssertEqual(svg.elements.filter { $0.name == "polyline" }.count, 2, "one hill per method")
        XCTAssertEqual(svg.elements(class: "point").count, 4, "one mark per cell")
        let bars = svg.elements(class: "error-bar")
        XCTAssertEqual(bars.count, 4)
        let frame = hill.frame
        let random = try XCTUnwrap(table.groups.last?.cells.last)
        XCTAssertEqual(random.accuracyAfterFineTuning.mean, 0.35, accuracy: 1e-12)
        let deviation = try XCTUnwrap(random.accuracyAfterFineTuning.standardDeviation)
        XCTAssertEqual(deviation, 0.1 / 2.0.squareRoot(), accuracy: 1e-12, "sample standard deviation")
        // The second of two groups sits 3 px right of the true sparsity, the first 3 px left.
        XCTAssertEqual([HillSVG.dodge(0, of: 2), HillSVG.dodge(1, of: 2)], [-3, 3])
        let x = HillSVG.format(frame.x(sparsity: 0.9) + 3)
        let expected = "M\(x) \(HillSVG.format(frame.y(accuracy: 0.35 + deviation)))V\(HillSVG.format(frame.y(accuracy: 0.35 - deviation)))"
        XCTAssertTrue(bars.contains { $0.attributes["d"]?.hasPrefix(expected) == true }, "the random 90% bar spans mean ± sd: \(expected)")
        XCTAssertEqual(svg.elements(class: "point").map(\.name), ["circle", "circle", "path", "path"], "each group its own shape")
        XCTAssertEqual(svg.elements(class: "legend-marker").map(\.name), ["circle", "path"])
        let randomPoint = try XCTUnwrap(svg.elements(class: "point").last?.attributes["d"])
        XCTAssertTrue(randomPoint.hasPrefix("M\(HillSVG.format(frame.x(sparsity: 0.9) + 3 - 3.5)) "), "a square around the dodged x: \(randomPoint)")
        XCTAssertEqual(Set(bars.compactMap { $0.attributes["stroke"] }), Set(HillSVG.groupColors.prefix(2)))
    }

    func testWithoutABaselineThereAreNoRegionsAndItSaysSo() throws {
        let points = [HillPoint(sparsity: 0.5, accuracy: 0.7, phase: .afterPruning, runID: "r")]
        let svg = try SVGDocument(HillSVG(title: "t", series: [.init(label: "s", color: "#000000", points: points, isJoined: false)],
                                          baseline: nil, knee: nil).document)
        XCTAssertEqual(svg.elements(class: "baseline-label").first?.text, "no dense baseline")
        XCTAssertTrue(svg.elements(class: "region").isEmpty)
        XCTAssertTrue(svg.elements(class: "knee-label").isEmpty)
        XCTAssertEqual(svg.elements(class: "point").count, 1)
    }

    func testTextIsEscapedForXML() throws {
        let method = "a<b & \"c\" 'd'>"
        let document = HillSVG.run(try runLog(method: method)).document
        XCTAssertTrue(document.contains("a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"))
        XCTAssertEqual(try SVGDocument(document).elements(class: "title").first?.text, "Occam's hill: \(method), gmp.jsonl")
    }

    func testSameInputGivesTheSameBytes() throws {
        let first = HillSVG.run(try runLog()).document
        XCTAssertEqual(HillSVG.run(try runLog()).document, first)
        // Coordinates have one decimal, never an exponent.
        let coordinates = try SVGDocument(first).elements.flatMap { element in
            ["x", "y", "cx", "cy", "x1", "y1", "x2", "y2"].compactMap { element.attributes[$0] }
        }
        XCTAssertGreaterThan(coordinates.count, 50)
        for coordinate in coordinates {
            XCTAssertNotNil(coordinate.wholeMatch(of: /-?[0-9]+(\.[0-9])?/), coordinate)
        }
        XCTAssertNotEqual(HillSVG.run(try runLog(method: "snip")).document, first)
    }
}

/// The elements of an XML document in document order, read with Foundation's XMLParser
/// (so a document that is not well-formed fails to load).
struct SVGDocument {
    struct Element {
        var name: String
        var attributes: [String: String]
        /// The element's own character data, not its children's.
        var text = ""
    }

    private(set) var elements: [Element] = []

    init(_ text: String) throws {
        let reader = Reader()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = reader
        guard parser.parse() else {
            throw NSError(domain: "SVGDocument", code: 1,
                          userInfo: [NSLocalizedDescriptionKey: "not well-formed: \(parser.parserError.map { "\($0)" } ?? "?")"])
        }
        elements = reader.elements
    }

    func elements(class name: String) -> [Element] { elements.filter { $0.attributes["class"] == name } }

    var texts: [String] { elements.map(\.text).filter { !$0.isEmpty } }

    private final class Reader: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        var open: [Int] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            open.append(elements.count)
            elements.append(Element(name: name, attributes: attributes))
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let index = open.last { elements[index].text += string }
        }
    }
}
