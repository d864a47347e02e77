import Training
import XCTest

final class SparsityScheduleTests: XCTestCase {
    func testPolynomialMatchesZhuAndGuptaByHand() {
        let agp = SparsitySchedule.polynomial(initial: 0, beginStep: 100, endStep: 500, frequency: 100, exponent: 3)
        XCTAssertEqual(agp.sparsity(at: 99, final: 0.9), 0, "dense before the first update")
        XCTAssertEqual(agp.sparsity(at: 100, final: 0.9), 0, accuracy: 1e-12)
        // t = 200: progress 0.25 -> 0.9 - 0.9 * 0.75^3 = 0.5203125
        XCTAssertEqual(agp.sparsity(at: 200, final: 0.9), 0.5203125, accuracy: 1e-12)
        XCTAssertEqual(agp.sparsity(at: 299, final: 0.9), 0.5203125, accuracy: 1e-12, "holds between updates")
        // t = 300: progress 0.5 -> 0.9 - 0.9 * 0.125 = 0.7875
        XCTAssertEqual(agp.sparsity(at: 300, final: 0.9), 0.7875, accuracy: 1e-12)
        XCTAssertEqual(agp.sparsity(at: 500, final: 0.9), 0.9)
        XCTAssertEqual(agp.sparsity(at: 10_000, final: 0.9), 0.9)
        XCTAssertEqual([99, 100, 150, 200, 500, 600].map(agp.isUpdateStep), [false, true, false, true, true, false])

        let linear = SparsitySchedule.polynomial(initial: 0.2, beginStep: 0, endStep: 10, frequency: 1, exponent: 1)
        XCTAssertEqual(linear.sparsity(at: 5, final: 0.8), 0.5, accuracy: 1e-12)
    }

    func testOneShotConstantAndIterative() {
        XCTAssertEqual(SparsitySchedule.oneShot(atStep: 50).sparsity(at: 49, final: 0.9), 0)
        XCTAssertEqual(SparsitySchedule.oneShot(atStep: 50).sparsity(at: 50, final: 0.9), 0.9)
        XCTAssertTrue(SparsitySchedule.oneShot(atStep: 50).isUpdateStep(50))
        XCTAssertEqual(SparsitySchedule.constant.sparsity(at: 0, final: 0.7), 0.7)

        // Three rounds to 0.875: each keeps half of the remaining weights.
        let rounds = SparsitySchedule.iterative(rounds: 3, stepsPerRound: 10)
        XCTAssertEqual(rounds.sparsity(at: 9, final: 0.875), 0)
        XCTAssertEqual(rounds.sparsity(at: 10, final: 0.875), 0.5, accuracy: 1e-12)
        XCTAssertEqual(rounds.sparsity(at: 25, final: 0.875), 0.75, accuracy: 1e-12)
        XCTAssertEqual(rounds.sparsity(at: 30, final: 0.875), 0.875, accuracy: 1e-12)
        XCTAssertEqual(rounds.sparsity(at: 99, final: 0.875), 0.875, accuracy: 1e-12)
        XCTAssertEqual([10, 20, 30, 40].map(rounds.isUpdateStep), [true, true, true, false])
    }

    func testParsingAndValidation() throws {
        XCTAssertEqual(try SparsitySchedule.parse("agp:100:500:50"),
                       .polynomial(initial: 0, beginStep: 100, endStep: 500, frequency: 50, exponent: 3))
        XCTAssertEqual(try SparsitySchedule.parse("agp:0:10:1:1"),
                       .polynomial(initial: 0, beginStep: 0, endStep: 10, frequency: 1, exponent: 1))
        XCTAssertEqual(try SparsitySchedule.parse("oneshot:300"), .oneShot(atStep: 300))
        XCTAssertEqual(try SparsitySchedule.parse("iterative:3:400"), .iterative(rounds: 3, stepsPerRound: 400))
        XCTAssertThrowsError(try SparsitySchedule.parse("agp:500:100:50")) {
            XCTAssertEqual("\($0)", "schedule: need 0 <= begin <= end, got begin 500, end 100")
        }
        XCTAssertThrowsError(try SparsitySchedule.parse("cubic")) { XCTAssertTrue("\($0)".hasPrefix("schedule: expected constant, oneshot:STEP")) }
        XCTAssertEqual(try Granularity.parse("2:4"), .nOfM(n: 2, m: 4))
        XCTAssertThrowsError(try Granularity.parse("5:4")) { XCTAssertEqual("\($0)", "granularity: N:M needs N <= M, got 5:4") }
        XCTAssertThrowsError(try LayerBudget.Distribution.parse("erk2")) {
            XCTAssertEqual("\($0)", "budget: expected one of global, uniform, er, erk, found 'erk2'")
        }
    }
}
