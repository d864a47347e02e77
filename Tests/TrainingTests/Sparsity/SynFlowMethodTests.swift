import Foundation
import Training
import XCTest

final class SynFlowMethodTests: XCTestCase {
    func testEachRoundFollowsTheExponentialScheduleAndTheTargetIsMet() throws {
        let session = try PAITest.session(SparsityConfig(method: "synflow", target: 0.9, options: ["rounds": 10]))
        let synflow = try XCTUnwrap(session.sparsity.method as? SynFlowMethod)
        XCTAssertEqual(synflow.roundSparsities.count, 10)
        for (k, measured) in synflow.roundSparsities.enumerated() {
            XCTAssertEqual(measured, 1 - pow(0.1, Double(k + 1) / 10), accuracy: PAITest.oneWeight(session), "round \(k + 1)")
        }
        XCTAssertEqual(session.sparsity.measuredSparsity, 0.9, accuracy: PAITest.oneWeight(session))
        PAITest.assertMaskedWeightsAreZero(session)
    }

    func testOneRoundKeepsTheTopKOfFlowTimesWeight() throws {
        // Scores from a dense session of the same seed: all-ones input, |parameters|.
        let dense = try PAITest.session(SparsityConfig(method: "dense"))
        let flow = dense.sparsity.services.synapticFlowGradients()
        let weights = PAITest.weights(dense)
        let scores = zip(flow, weights).map { zip($0, $1).map { abs($0 * $1) } }
        let session = try PAITest.session(SparsityConfig(method: "synflow", target: 0.8, options: ["rounds": 1]))
        XCTAssertEqual(session.sparsity.masks, PAITest.globalTopK(scores, keep: PAITest.keepCount(session, sparsity: 0.8)))
        // Iterating changes the result: later rounds re-score the masked network.
        let iterated = try PAITest.session(SparsityConfig(method: "synflow", target: 0.8, options: ["rounds": 5]))
        XCTAssertNotEqual(iterated.sparsity.masks, session.sparsity.masks)
    }

    func testNoLayerCollapsesAt99PercentWhereOneShotScoresEmptyALayer() throws {
        // 25 rounds rather than the default 100, to keep the debug-build test short.
        let session = try PAITest.session(SparsityConfig(method: "synflow", target: 0.99, options: ["rounds": 25]))
        XCTAssertEqual(session.sparsity.measuredSparsity, 0.99, accuracy: PAITest.oneWeight(session))
        let masks = session.sparsity.masks
        for (l, mask) in masks.enumerated() { XCTAssertGreaterThan(PAITest.keptCount(mask), 0, "layer \(l) collapsed") }
        // Every output class is still reachable: each row of the last layer keeps a weight.
        let last = masks[masks.count - 1], inputs = session.sparsity.prunable.last!.shape[1]
        for row in 0..<10 { XCTAssertTrue(last[(row * inputs)..<((row + 1) * inputs)].contains(1), "class \(row) cut off") }
        // Kept weights of a hidden layer feed units that still have a kept outgoing weight
        // (a few may not: a round scores before it prunes, so it can cut a unit's last
        // outgoing weight while keeping its incoming ones).
        for l in 0..<(masks.count - 1) {
            let outputs = session.sparsity.prunable[l].shape[0], inputsNext = session.sparsity.prunable[l + 1].shape[1]
            XCTAssertEqual(outputs, inputsNext)
            let next = masks[l + 1], rows = session.sparsity.prunable[l + 1].shape[0]
            let alive = (0..<outputs).map { unit in (0..<rows).contains { next[$0 * inputsNext + unit] != 0 } }
            let inputsHere = session.sparsity.prunable[l].shape[1]
            let dangling = (0..<outputs).filter { !alive[$0] }
                .reduce(0) { $0 + PAITest.keptCount(Array(masks[l][($1 * inputsHere)..<(($1 + 1) * inputsHere)])) }
            XCTAssertLessThan(dangling, PAITest.keptCount(masks[l]) / 100, "layer \(l) keeps weights into units that feed nothing")
        }
        // Global magnitude at init, same budget, would empty the first layer (its He bound is
        // the smallest): the layer collapse SynFlow avoids. It keeps only the one weight
        // every layer is left (MaskSelection.keepCount).
        let oneShot = try PAITest.session(SparsityConfig(method: "magnitude", target: 0.99, schedule: .constant))
        XCTAssertEqual(PAITest.keptCount(oneShot.sparsity.masks[0]), 1)
    }

    func testSameSeedSameMasksAndMasksStayFixedDuringTraining() throws {
        let config = SparsityConfig(method: "synflow", target: 0.95, options: ["rounds": 5])
        let a = try PAITest.session(config), b = try PAITest.session(config)
        XCTAssertEqual(a.sparsity.masks, b.sparsity.masks)
        let masks = a.sparsity.masks
        for _ in 0..<5 {
            a.trainStep()
            XCTAssertEqual(a.sparsity.masks, masks)
            PAITest.assertMaskedWeightsAreZero(a)
        }
        XCTAssertEqual(a.sparsity.snapshot.statistics, [MethodStatistic("rounds", 5), MethodStatistic("rounds done", 5)])
    }

    func testBadOptionsAreRefused() {
        XCTAssertEqual(PAITest.errors("synflow", ["rounds": 100]), [])
        XCTAssertEqual(PAITest.errors("synflow", ["rounds": 0]), ["synflow.rounds: expected an integer from 1 to 10000, found 0"])
        XCTAssertEqual(PAITest.errors("synflow", ["batch": 1]).count, 1)
    }
}
