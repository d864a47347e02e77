import Training
import XCTest

final class SNIPMethodTests: XCTestCase {
    /// |g·w| at the initial weights, from a dense session of the same seed (same initial
    /// weights, same sampling service), summed over the given scoring seeds.
    private func independentScores(seeds: [UInt64], count: Int, seed: UInt64 = 1) throws -> [[Float]] {
        let dense = try PAITest.session(SparsityConfig(method: "dense"), seed: seed)
        let weights = PAITest.weights(dense)
        var scores = weights.map { [Float](repeating: 0, count: $0.count) }
        for s in seeds {
            let gradients = dense.sparsity.services.sampleGradients(count, s)
            for l in weights.indices { for i in weights[l].indices { scores[l][i] += abs(gradients[l][i] * weights[l][i]) } }
        }
        return scores
    }

    func testKeptSetIsTheGlobalTopKOfGradientTimesWeightOnAClassSizedBatch() throws {
        let session = try PAITest.session(SparsityConfig(method: "snip", target: 0.9))
        let snip = try XCTUnwrap(session.sparsity.method as? SNIPMethod)
        XCTAssertEqual(snip.seeds.count, 1)
        XCTAssertEqual(session.sparsity.snapshot.statistics.first, MethodStatistic("scoring samples", 10), "batch = classes")
        let scores = try independentScores(seeds: snip.seeds, count: 10)
        XCTAssertEqual(snip.scores, scores)
        XCTAssertEqual(session.sparsity.masks, PAITest.globalTopK(scores, keep: PAITest.keepCount(session, sparsity: 0.9)))
        XCTAssertEqual(session.sparsity.measuredSparsity, 0.9, accuracy: PAITest.oneWeight(session))
        // Global: the layers end up with different sparsities.
        let layers = session.sparsity.masks.map(PAITest.sparsity(of:))
        XCTAssertGreaterThan(layers.max()! - layers.min()!, 0.01, "\(layers)")
        PAITest.assertMaskedWeightsAreZero(session)
    }

    func testSeveralBatchesSumTheirScores() throws {
        let session = try PAITest.session(SparsityConfig(method: "snip", target: 0.8, options: ["batch": 16, "batches": 3]))
        let snip = try XCTUnwrap(session.sparsity.method as? SNIPMethod)
        XCTAssertEqual(snip.seeds.count, 3)
        XCTAssertEqual(Set(snip.seeds).count, 3, "each batch has its own seed")
        let scores = try independentScores(seeds: snip.seeds, count: 16)
        XCTAssertEqual(session.sparsity.masks, PAITest.globalTopK(scores, keep: PAITest.keepCount(session, sparsity: 0.8)))
    }

    func testMasksAreStaticDuringTrainingAndMaskedWeightsStayZero() throws {
        let session = try PAITest.session(SparsityConfig(method: "snip", target: 0.9, budget: LayerBudget(.uniform)))
        let masks = session.sparsity.masks
        for (l, mask) in masks.enumerated() { XCTAssertEqual(PAITest.sparsity(of: mask), 0.9, accuracy: 1e-3, "layer \(l)") }
        for _ in 0..<8 {
            session.trainStep()
            XCTAssertEqual(session.sparsity.masks, masks)
            PAITest.assertMaskedWeightsAreZero(session)
        }
        XCTAssertEqual(session.sparsity.phase, "sparse")
    }

    func testRaisingTheTargetMidRunOnlyRemovesKeptWeights() throws {
        let session = try PAITest.session(SparsityConfig(method: "snip", target: 0.8))
        for _ in 0..<3 { session.trainStep() }
        let before = session.sparsity.masks
        try session.sparsity.setTarget(0.9)
        session.trainStep()
        XCTAssertEqual(session.sparsity.measuredSparsity, 0.9, accuracy: PAITest.oneWeight(session))
        XCTAssertTrue(PAITest.isSubset(session.sparsity.masks, of: before))
        PAITest.assertMaskedWeightsAreZero(session)
    }

    func testSameSeedGivesTheSameMask() throws {
        let config = SparsityConfig(method: "snip", target: 0.95)
        let a = try PAITest.session(config, seed: 3), b = try PAITest.session(config, seed: 3)
        XCTAssertEqual(a.sparsity.masks, b.sparsity.masks)
    }

    func testBadOptionsAreRefused() {
        XCTAssertEqual(PAITest.errors("snip", ["batch": 0, "batches": 1]), [])
        XCTAssertEqual(PAITest.errors("snip", ["batch": -1]), ["snip.batch: expected an integer from 0 to 8192, found -1"])
        XCTAssertEqual(PAITest.errors("snip", ["batches": 0]), ["snip.batches: expected an integer from 1 to 100, found 0"])
        XCTAssertEqual(PAITest.errors("snip", ["rounds": 2]).count, 1)
    }
}
