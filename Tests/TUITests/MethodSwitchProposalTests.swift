@testable import TUI
import Training
import XCTest

final class MethodSwitchProposalTests: XCTestCase {
    func testTheProposalSaysWhatTheSwitchWouldDoAndHowToDecide() {
        let abrupt = MethodSwitchPreview(from: "magnitude", to: "random", step: 1_560, changedMasks: 239_400, prunableWeights: 266_200,
                                         sparsityBefore: 0.3, sparsityAfter: 0.9)
        XCTAssertEqual(MethodSwitchProposal.message(abrupt),
                       "Enter: switch magnitude → random (m next, Esc keeps magnitude): it changes 239,400 of 266,200 masks at once, "
                       + "sparsity 30.0% → 90.0%")
        let gentle = MethodSwitchPreview(from: "magnitude", to: "set", step: 10, changedMasks: 0, prunableWeights: 100,
                                         sparsityBefore: 0.5, sparsityAfter: 0.5)
        XCTAssertEqual(MethodSwitchProposal.message(gentle),
                       "Enter: switch magnitude → set (m next, Esc keeps magnitude): no mask changes at once; set selects by its own rule from its next update")
        XCTAssertEqual(MethodSwitchProposal.applied(UndoableMethodSwitch(from: "magnitude", to: "random", step: 1_560)),
                       "method magnitude → random at step 1,560 · u undoes it")
    }

    func testMethodsCycleInTheRegistrysOrderBothWays() {
        let names = MethodRegistry.names
        XCTAssertEqual(MethodSwitchProposal.method(after: names[0], steps: 1), names[1])
        XCTAssertEqual(MethodSwitchProposal.method(after: names[0], steps: -1), names[names.count - 1])
        XCTAssertEqual(MethodSwitchProposal.method(after: names[names.count - 1], steps: 1), names[0])
        XCTAssertEqual(MethodSwitchProposal.method(after: names[2], steps: names.count), names[2])
    }
}
