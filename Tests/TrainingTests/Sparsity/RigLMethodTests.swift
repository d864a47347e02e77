import Training
import XCTest

final class RigLMethodTests: XCTestCase {
    /// 2 epochs of 22 steps: T_end = 0.75 × 44 = 33; with ΔT = 11, updates at 11 and 22.
    private func config(target: Double = 0.9, options: [String: Double] = ["delta_t": 11],
                        optimizer: OptimizerConfig = .defaultSGD) -> RunConfig {
        DSTTest.config(SparsityConfig(method: "rigl", target: target, options: options), optimizer: optimizer)
    }

    func testDropFractionFollowsTheCosineDecayAndStopsAtTEnd() {
        let f = { (step: Int) in RigLMethod.dropFraction(step: step, alpha: 0.3, endStep: 100) }
        XCTAssertEqual(f(0), 0.3, accuracy: 1e-15)
        XCTAssertEqual(f(25), 0.15 * (1 + 0.5.squareRoot()), accuracy: 1e-15)  // cos(π/4) = √½
        XCTAssertEqual(f(50), 0.15, accuracy: 1e-15)
        XCTAssertEqual(f(75), 0.15 * (1 - 0.5.squareRoot()), accuracy: 1e-15)
        XCTAssertEqual(f(100), 0)
        XCTAssertEqual(f(150), 0)
        XCTAssertEqual(RigLMethod.dropFraction(step: 40, alpha: 0.5, endStep: 120), 0.375, accuracy: 1e-15)  // cos(π/3) = ½
    }

    func testStartsFromARandomMaskWithinERKBudgets() throws {
        let session = try DSTTest.session(config())
        let engine = session.sparsity!
        XCTAssertEqual(engine.budget, LayerBudget(.erdosRenyiKernel))
        let sparsities = try XCTUnwrap(LayerBudget(.erdosRenyiKernel).layerSparsities(shapes: engine.shapes, target: 0.9))
        XCTAssertEqual(DSTTest.activeCounts(session),
                       zip(engine.prunable, sparsities).map { MaskSelection.keepCount(count: $0.count, sparsity: $1) })
        XCTAssertEqual(engine.measuredSparsity, 0.9, accuracy: 0.005)
        DSTTest.assertMaskedWeightsAreZero(session)
    }

    func testUpdatesDropTheSmallestAndGrowTheLargestGradientsOnTheCosineSchedule() throws {
        let run = try Lockstep(config(optimizer: DSTTest.plainSGD))
        let counts = DSTTest.activeCounts(run.sparse)
        let method = try XCTUnwrap(run.sparse.sparsity.method as? RigLMethod)
        XCTAssertEqual(method.endStep(run.sparse.sparsity), 33)
        var updates = 0
        for step in 1...24 {
            let before = run.sparse.sparsity.masks
            run.step()
            let after = run.sparse.sparsity.masks
            XCTAssertEqual(DSTTest.activeCounts(run.sparse), counts, "per-layer counts after step \(step)")
            DSTTest.assertMaskedWeightsAreZero(run.sparse)
            guard step == 11 || step == 22 else {
                XCTAssertEqual(after, before, "no update at step \(step)")
                continue
            }
            let fraction = step == 11 ? 0.225 : 0.075  // 0.15·(1 + cos(π/3)), 0.15·(1 + cos(2π/3))
            XCTAssertEqual(DSTTest.statistic(run.sparse, "drop fraction")!, fraction, accuracy: 1e-12)
            // The twin's step: the dense gradient of this minibatch, and the weights the drop ranks.
            let weights = run.twinWeights, gradients = run.twinGradients
            var (dropTotal, regrownTotal) = (0, 0)
            for l in before.indices {
                let active = DSTTest.ones(before[l])
                let k = min(Int(fraction * Double(active.count)), before[l].count - active.count)
                let drop = DSTTest.smallestActive(weights[l], mask: before[l], count: k)
                let candidates = before[l].indices.filter { !active.contains($0) || drop.contains($0) }
                let grow = DSTTest.largest(gradients[l].map(abs), among: candidates, count: k)
                XCTAssertEqual(DSTTest.ones(after[l]), active.subtracting(drop).union(grow), "layer \(l) at step \(step)")
                for i in grow {
                    // New connections start at zero; a weight dropped and regrown keeps its value.
                    let expected = active.contains(i) ? weights[l][i] : 0
                    XCTAssertEqual(run.sparse.sparsity.prunable[l].value[i], expected)
                }
                dropTotal += k
                regrownTotal += grow.intersection(drop).count
            }
            XCTAssertGreaterThan(dropTotal, 0)
            XCTAssertEqual(DSTTest.statistic(run.sparse, "dropped"), Double(dropTotal))
            XCTAssertEqual(DSTTest.statistic(run.sparse, "grown"), Double(dropTotal))
            XCTAssertEqual(DSTTest.statistic(run.sparse, "regrown"), Double(regrownTotal))
            updates += 1
        }
        XCTAssertEqual(updates, 2)
    }

    func testNewConnectionsHaveNoMomentumAndNothingChangesAfterTEnd() throws {
        let session = try DSTTest.session(config(options: ["delta_t": 4, "t_end_fraction": 0.5]))
        var masksAtEnd: [[Float]]?
        let counts = DSTTest.activeCounts(session)
        while !session.isComplete {
            let before = session.sparsity.masks
            session.trainStep()
            XCTAssertEqual(DSTTest.activeCounts(session), counts)
            if session.step % 4 == 0 && session.step < 22 {
                let sgd = try XCTUnwrap(session.optimizer as? SGD)
                for (l, parameter) in session.sparsity.prunable.enumerated() {
                    for i in DSTTest.ones(session.sparsity.masks[l]).subtracting(DSTTest.ones(before[l])) {
                        XCTAssertEqual(parameter.value[i], 0)
                        XCTAssertEqual(sgd.velocities[parameter.index][i], 0)
                    }
                }
                XCTAssertNotEqual(session.sparsity.masks, before, "update at step \(session.step)")
            }
            if session.step == 22 { masksAtEnd = session.sparsity.masks }
            XCTAssertEqual(session.sparsity.phase, session.step >= 22 ? "fine-tune" : "sparse")
        }
        XCTAssertEqual(session.sparsity.masks, masksAtEnd, "no mask update after T_end = 22")
        XCTAssertEqual(DSTTest.statistic(session, "updates"), 5)  // steps 4, 8, 12, 16, 20
        DSTTest.assertMaskedWeightsAreZero(session)
    }

    func testSameSeedGivesTheSameMasks() throws {
        func masks() throws -> [[Float]] {
            let session = try DSTTest.session(config())
            for _ in 0..<12 { session.trainStep() }
            return session.sparsity.masks
        }
        XCTAssertEqual(try masks(), try masks())
    }

    func testBadOptionsAreRefused() {
        XCTAssertEqual(DSTTest.errors("rigl", ["alpha": 1.5]), ["rigl.alpha: expected a number in [0, 1], found 1.5"])
        XCTAssertEqual(DSTTest.errors("rigl", ["delta_t": 0]).count, 1)
        XCTAssertEqual(DSTTest.errors("rigl", ["t_end_fraction": 2]).count, 1)
        XCTAssertEqual(DSTTest.errors("rigl", ["zeta": 0.3]).count, 1)
        XCTAssertEqual(DSTTest.errors("rigl", ["alpha": 0.5, "delta_t": 50, "t_end_fraction": 0.9]), [])
    }
}
