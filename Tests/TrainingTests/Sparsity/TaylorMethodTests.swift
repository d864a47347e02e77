import Training
import XCTest

final class TaylorMethodTests: XCTestCase {
    func testScoreIsTheMovingAverageOfGradientTimesWeight() throws {
        // Pruning starts at step 4, so the first steps are dense and the gradient left in
        // the parameters after a step is the dense gradient the method saw.
        let schedule = SparsitySchedule.polynomial(initial: 0, beginStep: 4, endStep: 12, frequency: 2, exponent: 3)
        let session = try PAITest.session(SparsityConfig(method: "taylor", target: 0.9, schedule: schedule, options: ["beta": 0.75]))
        let taylor = try XCTUnwrap(session.sparsity.method as? TaylorMethod)
        var expected = PAITest.weights(session).map { [Float](repeating: 0, count: $0.count) }
        let beta: Float = 0.75
        for _ in 0..<4 {
            let weights = PAITest.weights(session)
            session.trainStep()
            for (l, parameter) in session.sparsity.prunable.enumerated() {
                for i in weights[l].indices {
                    expected[l][i] = beta * expected[l][i] + (1 - beta) * abs(parameter.gradient[i] * weights[l][i])
                }
            }
            XCTAssertEqual(taylor.scores, expected)
        }
        XCTAssertEqual(session.sparsity.measuredSparsity, 0)
    }

    func testUpdatesKeepTheHighestScoresAndPrunedWeightsStayPruned() throws {
        let schedule = SparsitySchedule.polynomial(initial: 0, beginStep: 2, endStep: 12, frequency: 2, exponent: 3)
        let session = try PAITest.session(SparsityConfig(method: "taylor", target: 0.9, schedule: schedule))
        let taylor = try XCTUnwrap(session.sparsity.method as? TaylorMethod)
        var previous = session.sparsity.masks
        while !session.isComplete {
            session.trainStep()
            let masks = session.sparsity.masks
            XCTAssertTrue(PAITest.isSubset(masks, of: previous), "step \(session.step): a pruned weight came back")
            if masks != previous {
                // The weights removed now scored no higher than any weight kept (global budget).
                let kept = zip(taylor.scores, masks).flatMap { zip($0, $1).filter { $0.1 != 0 }.map(\.0) }
                let removed = (0..<masks.count).flatMap { l in
                    masks[l].indices.filter { masks[l][$0] == 0 && previous[l][$0] != 0 }.map { taylor.scores[l][$0] }
                }
                XCTAssertLessThanOrEqual(removed.max()!, kept.min()!, "step \(session.step)")
                XCTAssertEqual(session.sparsity.measuredSparsity, session.sparsity.scheduledSparsity(at: session.step),
                               accuracy: PAITest.oneWeight(session))
            }
            PAITest.assertMaskedWeightsAreZero(session)
            previous = masks
        }
        XCTAssertEqual(session.sparsity.measuredSparsity, 0.9, accuracy: PAITest.oneWeight(session))
        XCTAssertEqual(session.sparsity.phase, "fine-tune")
        XCTAssertGreaterThan(session.evaluate().accuracy, 0.5)
    }

    func testDefaultScheduleIsGradualAndReachesTheTarget() throws {
        let session = try PAITest.session(SparsityConfig(method: "taylor", target: 0.8, budget: LayerBudget(.uniform)))
        guard case let .polynomial(_, begin, end, _, exponent) = session.sparsity.schedule else {
            return XCTFail("expected a polynomial default schedule, got \(session.sparsity.schedule)")
        }
        XCTAssertEqual([begin, end], [2, 13])
        XCTAssertEqual(exponent, 3)
        while !session.isComplete { session.trainStep() }
        for (l, mask) in session.sparsity.masks.enumerated() {
            XCTAssertEqual(PAITest.sparsity(of: mask), 0.8, accuracy: 1e-3, "layer \(l)")
        }
        PAITest.assertMaskedWeightsAreZero(session)
    }

    func testAConstantScheduleStillPrunesAfterTheFirstStep() throws {
        let session = try PAITest.session(SparsityConfig(method: "taylor", target: 0.7, schedule: .constant))
        XCTAssertEqual(session.sparsity.measuredSparsity, 0)
        session.trainStep()
        XCTAssertEqual(session.sparsity.measuredSparsity, 0.7, accuracy: PAITest.oneWeight(session))
        let masks = session.sparsity.masks
        session.trainStep()
        XCTAssertEqual(session.sparsity.masks, masks)
    }

    func testBadOptionsAreRefused() {
        XCTAssertEqual(PAITest.errors("taylor", ["beta": 0]), [])
        XCTAssertEqual(PAITest.errors("taylor", ["beta": 1]), ["taylor.beta: expected a number in [0, 0.9999], found 1"])
        XCTAssertEqual(PAITest.errors("taylor", ["beta": -0.5]).count, 1)
        XCTAssertEqual(PAITest.errors("taylor", ["rounds": 3]).count, 1)
    }
}
