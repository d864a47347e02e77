import Training
import XCTest

final class SETMethodTests: XCTestCase {
    private func config(target: Double = 0.9, options: [String: Double] = [:], optimizer: OptimizerConfig = .defaultSGD,
                        seed: UInt64 = 1) -> RunConfig {
        DSTTest.config(SparsityConfig(method: "set", target: target, options: options), seed: seed, optimizer: optimizer)
    }

    func testStartsFromARandomMaskWithinErdosRenyiBudgets() throws {
        let session = try DSTTest.session(config())
        let engine = session.sparsity!
        XCTAssertEqual(engine.budget, LayerBudget(.erdosRenyi))
        let sparsities = try XCTUnwrap(LayerBudget(.erdosRenyi).layerSparsities(shapes: engine.shapes, target: 0.9))
        let expected = zip(engine.prunable, sparsities).map { MaskSelection.keepCount(count: $0.count, sparsity: $1) }
        XCTAssertEqual(DSTTest.activeCounts(session), expected)
        XCTAssertEqual(expected.last, 1000, "lenet300's output layer is dense under ER at 90%")
        XCTAssertEqual(engine.measuredSparsity, 0.9, accuracy: 0.005)
        DSTTest.assertMaskedWeightsAreZero(session)
        // Random, not by magnitude: the kept weights of fc1 are not its largest |w|.
        let initial = try DSTTest.session(DSTTest.config(SparsityConfig(), seed: 1))
        let largest = DSTTest.largest(initial.sparsity.prunable[0].value.map(abs), among: Array(0..<235_200), count: expected[0])
        XCTAssertLessThan(Double(largest.intersection(DSTTest.ones(engine.masks[0])).count), 0.2 * Double(expected[0]))
        // The same seed gives the same mask, another seed another.
        XCTAssertEqual(try DSTTest.session(config()).sparsity.masks, engine.masks)
        XCTAssertNotEqual(try DSTTest.session(config(seed: 2)).sparsity.masks[0], engine.masks[0])
    }

    func testEachUpdateDropsTheSmallestAndRegrowsAsManyAtZero() throws {
        let zeta = 0.3
        let run = try Lockstep(config(options: ["zeta": zeta, "delta_t": 7], optimizer: DSTTest.plainSGD))
        let counts = DSTTest.activeCounts(run.sparse)
        var checked = 0
        var grownBefore: [[Int]] = []
        for step in 1...20 {
            let before = run.sparse.sparsity.masks
            run.step()
            let after = run.sparse.sparsity.masks
            XCTAssertEqual(DSTTest.activeCounts(run.sparse), counts, "per-layer counts after step \(step)")
            DSTTest.assertMaskedWeightsAreZero(run.sparse)
            if step % 7 != 0 {
                XCTAssertEqual(after, before, "no update at step \(step)")
                continue
            }
            let weightsAfterStep = run.twinWeights  // the sparse weights after the optimizer, before the update
            if !grownBefore.isEmpty {
                // Grown at the last update and trained since: they have moved off zero (many
                // are small enough to be dropped again right away, as SET's zero init implies).
                let moved = grownBefore.enumerated().reduce(0) { sum, entry in
                    sum + entry.element.filter { weightsAfterStep[entry.offset][$0] != 0 }.count
                }
                XCTAssertGreaterThan(moved, grownBefore.joined().count / 2)
            }
            grownBefore = []
            var droppedTotal = 0
            for l in before.indices {
                let kept = DSTTest.ones(before[l]), now = DSTTest.ones(after[l])
                let inactive = before[l].count - kept.count
                let k = min(Int(zeta * Double(kept.count)), inactive)
                let drop = DSTTest.smallestActive(weightsAfterStep[l], mask: before[l], count: k)
                let survivors = kept.subtracting(drop)
                // A dropped weight may be drawn again: it then starts over like any new connection.
                let grown = now.subtracting(survivors)
                XCTAssertTrue(survivors.isSubset(of: now), "layer \(l): only the smallest |w| go")
                XCTAssertEqual(grown.count, k, "layer \(l): as many grown as dropped")
                XCTAssertEqual(kept.subtracting(now), drop.subtracting(grown))
                for i in grown { XCTAssertEqual(run.sparse.sparsity.prunable[l].value[i], 0, "grown weights start at 0") }
                for i in survivors {
                    XCTAssertEqual(run.sparse.sparsity.prunable[l].value[i], weightsAfterStep[l][i], "kept weights are untouched")
                }
                droppedTotal += k
                grownBefore.append(Array(grown))
            }
            XCTAssertGreaterThan(droppedTotal, 0)
            XCTAssertEqual(DSTTest.statistic(run.sparse, "dropped"), Double(droppedTotal))
            XCTAssertEqual(DSTTest.statistic(run.sparse, "grown"), Double(droppedTotal))
            checked += 1
        }
        XCTAssertEqual(checked, 2)
        XCTAssertEqual(DSTTest.statistic(run.sparse, "updates"), 2)
    }

    func testGrownWeightsHaveNoMomentumAndRandomInitStaysInTheHeRange() throws {
        let session = try DSTTest.session(config(options: ["delta_t": 5, "init": 1]))
        for _ in 0..<4 { session.trainStep() }
        let before = session.sparsity.masks
        session.trainStep()
        let sgd = try XCTUnwrap(session.optimizer as? SGD)
        var grownCount = 0
        for (l, parameter) in session.sparsity.prunable.enumerated() {
            let grown = DSTTest.ones(session.sparsity.masks[l]).subtracting(DSTTest.ones(before[l]))
            let bound = ParameterInitializer.heUniformBound(fanIn: parameter.shape[1])
            for i in grown {
                XCTAssertEqual(sgd.velocities[parameter.index][i], 0)
                XCTAssertNotEqual(parameter.value[i], 0)
                XCTAssertLessThanOrEqual(abs(parameter.value[i]), bound)
            }
            grownCount += grown.count
        }
        XCTAssertGreaterThan(grownCount, 100)
    }

    func testUpdatesEveryEpochByDefaultButNotAfterTheLastStep() throws {
        let session = try DSTTest.session(config())
        XCTAssertEqual(session.stepsPerEpoch, 22)
        while !session.isComplete {
            let before = session.sparsity.masks
            session.trainStep()
            if session.step != 22 { XCTAssertEqual(session.sparsity.masks, before, "step \(session.step)") }
        }
        XCTAssertEqual(DSTTest.statistic(session, "updates"), 1)
    }

    func testATargetChangeResizesTheLayersKeepingTheLargestWeights() throws {
        let run = try Lockstep(config(options: ["delta_t": 100], optimizer: DSTTest.plainSGD))
        for _ in 0..<3 { run.step() }
        let before = run.sparse.sparsity.masks
        try run.sparse.sparsity.setTarget(0.95)
        run.step()
        let weights = run.twinWeights  // after the optimizer step, before the masks changed
        let sparsities = try XCTUnwrap(LayerBudget(.erdosRenyi).layerSparsities(shapes: run.sparse.sparsity.shapes, target: 0.95))
        for l in before.indices {
            let keep = MaskSelection.keepCount(count: before[l].count, sparsity: sparsities[l])
            XCTAssertEqual(DSTTest.activeCounts(run.sparse)[l], keep)
            let kept = DSTTest.ones(run.sparse.sparsity.masks[l]), gone = DSTTest.ones(before[l]).subtracting(kept)
            XCTAssertTrue(kept.isSubset(of: DSTTest.ones(before[l])))
            XCTAssertEqual(gone.count, before[l].reduce(0) { $0 + Int($1) } - keep)
            // Nothing dropped was larger than anything kept (up to the rounding of the ranking scores).
            let smallestKept = kept.map { abs(weights[l][$0]) }.min() ?? 0
            let largestGone = gone.map { abs(weights[l][$0]) }.max() ?? 0
            XCTAssertLessThanOrEqual(largestGone, smallestKept + 1e-6)
        }
        XCTAssertEqual(run.sparse.sparsity.measuredSparsity, 0.95, accuracy: 0.005)
        DSTTest.assertMaskedWeightsAreZero(run.sparse)
    }

    func testBadOptionsAreRefused() {
        XCTAssertEqual(DSTTest.errors("set", ["zeta": 1.5]), ["set.zeta: expected a number in [0, 1], found 1.5"])
        XCTAssertEqual(DSTTest.errors("set", ["delta_t": -1]).count, 1)
        XCTAssertEqual(DSTTest.errors("set", ["init": 2]).count, 1)
        XCTAssertEqual(DSTTest.errors("set", ["alpha": 0.3]).count, 1)
        XCTAssertEqual(DSTTest.errors("set", ["zeta": 0.5, "delta_t": 10, "init": 1]), [])
    }
}
