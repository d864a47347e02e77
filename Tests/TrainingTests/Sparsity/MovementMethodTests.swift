import Training
import XCTest

final class MovementMethodTests: XCTestCase {
    func testScoreIsTheRunningSumOfMinusGradientTimesWeight() throws {
        // Dense until step 4: the gradient left after a step is the dense one the method saw.
        let schedule = SparsitySchedule.polynomial(initial: 0, beginStep: 4, endStep: 12, frequency: 2, exponent: 3)
        let session = try PAITest.session(SparsityConfig(method: "movement", target: 0.9, schedule: schedule))
        let movement = try XCTUnwrap(session.sparsity.method as? MovementMethod)
        var expected = PAITest.weights(session).map { [Float](repeating: 0, count: $0.count) }
        for _ in 0..<4 {
            let weights = PAITest.weights(session)
            session.trainStep()
            for (l, parameter) in session.sparsity.prunable.enumerated() {
                for i in weights[l].indices { expected[l][i] -= parameter.gradient[i] * weights[l][i] }
            }
            XCTAssertEqual(movement.scores, expected)
        }
        // Then pruning keeps the highest S, and pruned weights (w = 0) no longer move S.
        session.trainStep()
        session.trainStep()  // step 6: first update with a non-zero target
        XCTAssertGreaterThan(session.sparsity.measuredSparsity, 0)
        let masks = session.sparsity.masks
        let kept = zip(movement.scores, masks).flatMap { zip($0, $1).filter { $0.1 != 0 }.map(\.0) }
        let pruned = zip(movement.scores, masks).flatMap { zip($0, $1).filter { $0.1 == 0 }.map(\.0) }
        XCTAssertLessThanOrEqual(pruned.max()!, kept.min()!)
        let frozen = movement.scores
        session.trainStep()
        for l in masks.indices {
            for i in masks[l].indices where masks[l][i] == 0 { XCTAssertEqual(movement.scores[l][i], frozen[l][i]) }
        }
        PAITest.assertMaskedWeightsAreZero(session)
    }

    func testWeightsMovingAwayFromZeroSurviveLargerOnesShrinkingTowardIt() throws {
        // A constructed case on a real engine: in every layer, even-indexed weights are
        // large (|w| = 1) with gradients that shrink them (g·w > 0), odd-indexed ones are
        // small (|w| = 0.01) with gradients that grow them (g·w < 0).
        let session = try PAITest.session(SparsityConfig(method: "movement", target: 0.5, schedule: .constant,
                                                         budget: LayerBudget(.uniform)))
        let engine = session.sparsity!
        let movement = try XCTUnwrap(engine.method as? MovementMethod)
        for parameter in engine.prunable {
            for i in parameter.value.indices {
                let sign: Float = i % 3 == 0 ? -1 : 1
                parameter.value[i] = sign * (i % 2 == 0 ? 1 : 0.01)
                parameter.gradient[i] = sign * (i % 2 == 0 ? 0.1 : -0.1)
            }
        }
        for _ in 0..<3 { movement.afterBackward(engine) }
        for l in engine.prunable.indices {
            XCTAssertEqual(movement.scores[l][0], -0.3, accuracy: 1e-6)  // w = -1, g = -0.1: shrinking
            XCTAssertEqual(movement.scores[l][1], 0.003, accuracy: 1e-7)  // w = 0.01, g = -0.1: growing
        }
        movement.afterStep(engine)
        for (l, mask) in engine.masks.enumerated() {
            XCTAssertEqual(mask, mask.indices.map { $0 % 2 == 0 ? 0 : 1 }, "layer \(l): the growing weights are kept")
            // Magnitude would have kept exactly the other half.
            XCTAssertTrue(engine.prunable[l].value.allSatisfy { $0 == 0 || abs($0) == 0.01 })
        }
    }

    func testGradualScheduleReachesTheTargetAndPrunedWeightsStayPruned() throws {
        let session = try PAITest.session(SparsityConfig(method: "movement", target: 0.9))
        let movement = try XCTUnwrap(session.sparsity.method as? MovementMethod)
        var previous = session.sparsity.masks
        while !session.isComplete {
            session.trainStep()
            let masks = session.sparsity.masks
            XCTAssertTrue(PAITest.isSubset(masks, of: previous), "step \(session.step): a pruned weight came back")
            if masks != previous {
                // Removed now: the lowest S among the weights kept before.
                let kept = zip(movement.scores, masks).flatMap { zip($0, $1).filter { $0.1 != 0 }.map(\.0) }
                let removed = (0..<masks.count).flatMap { l in
                    masks[l].indices.filter { masks[l][$0] == 0 && previous[l][$0] != 0 }.map { movement.scores[l][$0] }
                }
                XCTAssertLessThanOrEqual(removed.max()!, kept.min()!, "step \(session.step)")
            }
            PAITest.assertMaskedWeightsAreZero(session)
            previous = masks
        }
        XCTAssertEqual(session.sparsity.measuredSparsity, 0.9, accuracy: PAITest.oneWeight(session))
        XCTAssertEqual(session.sparsity.phase, "fine-tune")
        XCTAssertGreaterThan(session.evaluate().accuracy, 0.5)
    }

    func testBadOptionsAreRefused() {
        XCTAssertEqual(PAITest.errors("movement", [:]), [])
        XCTAssertEqual(PAITest.errors("movement", ["beta": 0.5]),
                       ["movement.beta: unknown option; movement takes no options"])
    }
}
