import Training
import XCTest

final class DropBackMethodTests: XCTestCase {
    private let total = 784 * 300 + 300 * 100 + 100 * 10

    private func config(target: Double = 0.96, budget: LayerBudget? = nil, options: [String: Double] = [:]) -> RunConfig {
        DSTTest.config(SparsityConfig(method: "dropback", target: target, budget: budget, options: options))
    }

    /// The initial weights of a fresh session with the same seed.
    private func initialWeights() throws -> [[Float]] {
        DSTTest.weights(try DSTTest.session(DSTTest.config(SparsityConfig())))
    }

    func testUntrackedWeightsStayAtTheirRegeneratedInitialValuesBitForBit() throws {
        let session = try DSTTest.session(config())
        let method = try XCTUnwrap(session.sparsity.method as? DropBackMethod)
        XCTAssertFalse(method.usesServiceForInitialValues, "the fast regeneration matches the session's initialiser")
        let initial = try initialWeights()
        for _ in 0..<25 { session.trainStep() }  // crosses an epoch
        var (untracked, moved) = (0, 0)
        for (l, parameter) in session.sparsity.prunable.enumerated() {
            let mask = session.sparsity.masks[l]
            for i in parameter.value.indices {
                if mask[i] == 0 {
                    XCTAssertEqual(parameter.value[i].bitPattern, initial[l][i].bitPattern, "\(parameter.name)[\(i)]")
                    XCTAssertEqual(parameter.value[i].bitPattern, session.sparsity.services.initialValue(l, i).bitPattern)
                    untracked += 1
                } else if parameter.value[i] != initial[l][i] {
                    moved += 1
                }
            }
        }
        XCTAssertEqual(untracked, total - 10_648)
        XCTAssertGreaterThan(moved, 10_000)
    }

    func testTracksKWeightsForACompressionOf25x() throws {
        let session = try DSTTest.session(config())
        XCTAssertEqual(session.sparsity.budget, LayerBudget(.global))
        XCTAssertEqual(session.sparsity.measuredSparsity, 0, "the first step is dense, as in the reference emulation")
        for _ in 0..<3 { session.trainStep() }
        let k = MaskSelection.keepCount(count: total, sparsity: 0.96)
        XCTAssertEqual(k, 10_648)
        XCTAssertEqual(DSTTest.activeCounts(session).reduce(0, +), k)
        XCTAssertEqual(DSTTest.statistic(session, "tracked"), Double(k))
        XCTAssertEqual(DSTTest.statistic(session, "compression")!, 1 / 0.04, accuracy: 1e-9)
        XCTAssertEqual(session.sparsity.measuredSparsity, 0.96, accuracy: 1e-9)
        XCTAssertNotNil(DSTTest.statistic(session, "entered"))
    }

    /// With the default optimizer (Nesterov momentum, weight decay): DropBack leaves the
    /// optimizer state alone, so the dense twin's state matches and its step is exact.
    /// Also shows the training forward pass uses w0 in the untracked positions: the
    /// twin's forward runs on those weights, and the weights would diverge otherwise.
    func testTheTrackedSetIsTheTopKOfTheChangeFromInitialisation() throws {
        let run = try Lockstep(config())
        let initial = try initialWeights()
        for step in 1...12 {
            if step == 8 { try run.sparse.sparsity.setTarget(0.9) }  // k grows: a full re-selection
            run.step()
            let after = run.twinWeights  // the sparse weights after the optimizer step, before the selection
            let scores = zip(after, initial).flatMap { zip($0, $1).map { abs($0 - $1) } }
            let masks = run.sparse.sparsity.masks
            let keep = MaskSelection.keepCount(count: total, sparsity: step >= 8 ? 0.9 : 0.96)
            DSTTest.assertTopK(scores, selected: Array(masks.joined()), keep: keep, "step \(step)")
            for (l, parameter) in run.sparse.sparsity.prunable.enumerated() {
                XCTAssertEqual(parameter.value, parameter.value.indices.map { masks[l][$0] != 0 ? after[l][$0] : initial[l][$0] },
                               "step \(step): tracked weights as trained, untracked at w0")
            }
        }
        XCTAssertEqual(DSTTest.statistic(run.sparse, "tracked"), Double(MaskSelection.keepCount(count: total, sparsity: 0.9)))
    }

    func testALayerBudgetRanksWithinEachLayer() throws {
        let run = try Lockstep(config(budget: LayerBudget(.uniform)))
        let initial = try initialWeights()
        for _ in 0..<3 { run.step() }
        let after = run.twinWeights
        for (l, mask) in run.sparse.sparsity.masks.enumerated() {
            let keep = MaskSelection.keepCount(count: mask.count, sparsity: 0.96)
            let scores = zip(after[l], initial[l]).map { abs($0 - $1) }
            XCTAssertEqual(DSTTest.ones(mask), DSTTest.largest(scores, among: Array(scores.indices), count: keep), "layer \(l)")
        }
    }

    func testFreezeFixesTheTrackedSet() throws {
        let session = try DSTTest.session(config(options: ["freeze_step": 5]))
        let initial = try initialWeights()
        for _ in 0..<5 { session.trainStep() }
        XCTAssertEqual(session.sparsity.phase, "frozen")
        let frozen = session.sparsity.masks
        let weights = DSTTest.weights(session)
        for _ in 0..<8 { session.trainStep() }
        XCTAssertEqual(session.sparsity.masks, frozen)
        var changed = 0
        for (l, parameter) in session.sparsity.prunable.enumerated() {
            for i in parameter.value.indices {
                if frozen[l][i] == 0 {
                    XCTAssertEqual(parameter.value[i].bitPattern, initial[l][i].bitPattern)
                } else if parameter.value[i] != weights[l][i] {
                    changed += 1
                }
            }
        }
        XCTAssertGreaterThan(changed, 10_000, "tracked weights keep training")
        // Unfrozen, the same run keeps re-selecting.
        let free = try DSTTest.session(config())
        for _ in 0..<13 { free.trainStep() }
        XCTAssertNotEqual(free.sparsity.masks, frozen)
    }

    func testSameSeedGivesTheSameRun() throws {
        func weights() throws -> [[Float]] {
            let session = try DSTTest.session(config())
            for _ in 0..<6 { session.trainStep() }
            return DSTTest.weights(session)
        }
        XCTAssertEqual(try weights(), try weights())
    }

    func testBadOptionsAreRefused() {
        XCTAssertEqual(DSTTest.errors("dropback", ["freeze_step": -1]),
                       ["dropback.freeze_step: expected an integer from 0 to 1000000000, found -1"])
        XCTAssertEqual(DSTTest.errors("dropback", ["zeta": 0.3]).count, 1)
        XCTAssertEqual(DSTTest.errors("dropback", ["freeze_step": 100]), [])
    }

    func testTheForwardPassAndSnapshotsSeeInitialValuesInUntrackedPositions() throws {
        let session = try SparsityTestSupport.session(SparsityConfig(method: "dropback", target: 0.96))
        for _ in 0..<5 { session.trainStep() }
        let engine = session.sparsity!
        for (l, parameter) in engine.prunable.enumerated() {
            let effective = engine.effectiveWeights(l)
            var checked = 0
            for i in stride(from: 0, to: effective.count, by: 7) where engine.masks[l][i] == 0 {
                XCTAssertEqual(effective[i].bitPattern, engine.services.initialValue(l, i).bitPattern, "\(parameter.name)[\(i)]")
                checked += 1
            }
            XCTAssertGreaterThan(checked, 0)
            let snapshot = LayerSnapshot(parameter: parameter, effectiveWeights: effective, mask: engine.masks[l])
            XCTAssertEqual(snapshot.nonzeroCount, Int(engine.masks[l].reduce(0, +)), "active = tracked")
        }
        let active = engine.masks.reduce(0.0) { $0 + Double($1.reduce(0, +)) }
        XCTAssertEqual(1 - active / 266_200, 0.96, accuracy: 1e-6)
    }
}
