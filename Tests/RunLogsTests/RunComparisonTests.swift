import Foundation
import RunLogs
import XCTest

/// The comparison of two runs, pure: final numbers and B − A, evaluations aligned by sparsity
/// (gaps where one run has none), layers aligned by name (the union, and a message
/// when the networks differ).
final class RunComparisonTests: XCTestCase {
    /// A run log: start, one evaluation per (step, accuracy, sparsity, layers as name: (weights, nonzero)), done.
    static func log(method: String, model: String = "lenet300", evaluations: [(step: Int, accuracy: Double, sparsity: Double)],
                    layers: [(name: String, weights: Int, nonzero: Int)]) -> String {
        let layerJSON = layers.map { #"{"name":"\#($0.name)","shape":[\#($0.weights)],"params":\#($0.weights),"nonzero":\#($0.nonzero)}"# }
            .joined(separator: ",")
        var lines = [#"{"event":"start","config":{"model":"\#(model)","sparsity":{"method":"\#(method)","target":0.9}},"dataset":{"name":"d","rows":28,"columns":28,"classes":10},"total_steps":40,"steps_per_epoch":10}"#]
        for evaluation in evaluations {
            lines.append(#"{"event":"eval","step":\#(evaluation.step),"epoch":1,"train_loss":1,"test_acc":\#(evaluation.accuracy),"lr":0.05,"method":"\#(method)","phase":"pruning","target":0.9,"sparsity":\#(evaluation.sparsity),"layers":[\#(layerJSON)]}"#)
        }
        let last = evaluations.last!
        lines.append(#"{"event":"done","step":\#(last.step),"test_acc":\#(last.accuracy),"sparsity":\#(last.sparsity)}"#)
        return lines.joined(separator: "\n") + "\n"
    }

    static func run(_ name: String, _ text: String) throws -> RunComparison.Run {
        RunComparison.Run(name: name, timeline: try ReplayTimeline(text: text, path: name))
    }

    func testFinalNumbersAndTheirDifferencesBMinusA() throws {
        let a = try Self.run("a.jsonl", Self.log(method: "magnitude", evaluations: [(10, 0.80, 0.5), (20, 0.85, 0.9)],
                                                 layers: [("fc1.weight", 100, 10), ("fc2.weight", 10, 5)]))
        let b = try Self.run("b.jsonl", Self.log(method: "snip", evaluations: [(10, 0.70, 0.9), (30, 0.82, 0.9)],
                                                 layers: [("fc1.weight", 100, 8), ("fc2.weight", 10, 9)]))
        let comparison = RunComparison(a: a, b: b)
        XCTAssertEqual([a.method, b.method], ["magnitude", "snip"])
        XCTAssertEqual(comparison.finalAccuracy.a, 0.85)
        XCTAssertEqual(comparison.finalAccuracy.b, 0.82)
        XCTAssertEqual(try XCTUnwrap(comparison.finalAccuracy.delta), -0.03, accuracy: 1e-12, "B − A, negative when B is worse")
        XCTAssertEqual(comparison.steps, RunComparison.Pair(a: 20, b: 30))
        XCTAssertEqual(comparison.layers.map(\.name), ["fc1.weight", "fc2.weight"])
        XCTAssertEqual(try XCTUnwrap(comparison.layers[0].sparsity.a), 0.9, accuracy: 1e-12, "1 − 10/100")
        XCTAssertEqual(try XCTUnwrap(comparison.layers[0].sparsity.delta), 0.02, accuracy: 1e-12, "0.92 − 0.90")
        XCTAssertEqual(try XCTUnwrap(comparison.layers[1].sparsity.delta), -0.4, accuracy: 1e-12, "0.1 − 0.5")
        XCTAssertNil(comparison.layerMismatch)
    }

    func testEvaluationsAlignBySparsityWithGaps() throws {
        let a = try Self.run("a.jsonl", Self.log(method: "magnitude", evaluations: [(10, 0.80, 0.5), (20, 0.85, 0.8999999)],
                                                 layers: [("fc1.weight", 10, 1)]))
        let b = try Self.run("b.jsonl", Self.log(method: "snip", evaluations: [(10, 0.70, 0.9), (30, 0.82, 0.9)],
                                                 layers: [("fc1.weight", 10, 1)]))
        let comparison = RunComparison(a: a, b: b)
        XCTAssertNil(comparison.accuracyBySparsity[0].accuracy.delta, "no Δ across a gap")
        XCTAssertEqual(comparison.accuracyBySparsity.map(\.sparsity), [0.5, 0.9], "0.8999999 is 90% to 0.1%")
        XCTAssertEqual(comparison.accuracyBySparsity.map(\.accuracy), [.init(a: 0.80, b: nil), .init(a: 0.85, b: 0.82)],
                       "each run's last evaluation at 90%")
    }

    func testDifferentNetworksGiveTheUnionWithGapsAndSaySo() throws {
        let a = try Self.run("a.jsonl", Self.log(method: "magnitude", evaluations: [(10, 0.8, 0.5)],
                                                 layers: [("fc1.weight", 10, 5), ("fc2.weight", 10, 5)]))
        let b = try Self.run("b.jsonl", Self.log(method: "magnitude", model: "lenet5", evaluations: [(10, 0.8, 0.5)],
                                                 layers: [("conv1.weight", 10, 5), ("fc1.weight", 10, 2)]))
        let comparison = RunComparison(a: a, b: b)
        XCTAssertEqual(comparison.layers.map(\.name), ["fc1.weight", "fc2.weight", "conv1.weight"], "A's order, then B's others")
        XCTAssertEqual(comparison.layers[1].sparsity, .init(a: 0.5, b: nil))
        XCTAssertEqual(comparison.layers[2].sparsity, .init(a: nil, b: 0.5))
        XCTAssertEqual(comparison.layerMismatch, "different networks (lenet300 and lenet5): only A has fc2.weight; only B has conv1.weight")
    }

    func testTheHillDrawsAAsTheRunAndBAsAnotherRun() throws {
        let a = try Self.run("a.jsonl", Self.log(method: "magnitude", evaluations: [(10, 0.8, 0.5), (20, 0.85, 0.9)], layers: [("w", 10, 1)]))
        let b = try Self.run("b.jsonl", Self.log(method: "snip", evaluations: [(10, 0.7, 0.9)], layers: [("w", 10, 1)]))
        let points = RunComparison(a: a, b: b).hill.points
        XCTAssertEqual(points.filter { $0.runID == "B:b.jsonl" }.map(\.accuracy), [0.7])
        XCTAssertEqual(points.filter { $0.runID != "B:b.jsonl" }.map(\.accuracy), [0.8, 0.85])
    }
}
