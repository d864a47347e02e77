import Training
import XCTest

final class LayerBudgetTests: XCTestCase {
    let lenet300: [[Int]] = [[300, 784], [100, 300], [10, 100]]
    let lenet5: [[Int]] = [[6, 1, 5, 5], [16, 6, 5, 5], [120, 400], [84, 120], [10, 84]]

    private func nonzeros(_ shapes: [[Int]], _ sparsities: [Double]) -> Double {
        zip(shapes, sparsities).reduce(0) { $0 + Double($1.0.reduce(1, *)) * (1 - $1.1) }
    }

    func testERKKeepsTheUniformBudgetAndCapsDensityAtOne() throws {
        for shapes in [lenet300, lenet5] {
            for target in [0.5, 0.8, 0.9, 0.95, 0.99] {
                let erk = try XCTUnwrap(LayerBudget(.erdosRenyiKernel).layerSparsities(shapes: shapes, target: target))
                let total = Double(shapes.reduce(0) { $0 + $1.reduce(1, *) })
                XCTAssertEqual(nonzeros(shapes, erk), total * (1 - target), accuracy: 1e-6 * total, "\(shapes) at \(target)")
                XCTAssertTrue(erk.allSatisfy { $0 >= 0 && $0 < 1 }, "\(erk)")
            }
        }
    }

    func testERKByHandOnLeNet300() throws {
        // raw = (out + in) / (out * in): fc1 1084/235200, fc2 400/30000, fc3 110/1000.
        // At 90% fc3 (largest raw) would exceed density 1, so it is made dense, and the
        // rest of the 26,620-weight budget is split as epsilon * (out + in).
        let erk = try XCTUnwrap(LayerBudget(.erdosRenyiKernel).layerSparsities(shapes: lenet300, target: 0.9))
        let budget = 0.1 * 266_200
        // fc3 dense (1,000 weights); the rest of the budget split as epsilon * (out + in).
        let epsilon = (budget - 1000) / (1084 + 400)
        XCTAssertEqual(erk[2], 0, accuracy: 1e-12)
        XCTAssertEqual(1 - erk[0], epsilon * 1084 / 235_200, accuracy: 1e-12)
        XCTAssertEqual(1 - erk[1], epsilon * 400 / 30_000, accuracy: 1e-12)
    }

    func testErdosRenyiUsesFanInAndFanOutOnly() throws {
        // For a conv weight ER ignores the kernel size in the sum, ERK includes it.
        let shapes = [[16, 6, 5, 5], [120, 400]]
        let er = try XCTUnwrap(LayerBudget(.erdosRenyi).layerSparsities(shapes: shapes, target: 0.8))
        let erk = try XCTUnwrap(LayerBudget(.erdosRenyiKernel).layerSparsities(shapes: shapes, target: 0.8))
        XCTAssertNotEqual(er[0], erk[0])
        XCTAssertEqual(nonzeros(shapes, er), nonzeros(shapes, erk), accuracy: 1e-6)
    }

    func testUniformManualKeepDenseAndMinimumDensity() throws {
        XCTAssertEqual(LayerBudget(.uniform).layerSparsities(shapes: lenet300, target: 0.9), [0.9, 0.9, 0.9])
        XCTAssertEqual(LayerBudget(.uniform, keepFirstDense: true).layerSparsities(shapes: lenet300, target: 0.9), [0, 0.9, 0.9])
        XCTAssertEqual(LayerBudget(.uniform, keepLastDense: true).layerSparsities(shapes: lenet300, target: 0.9), [0.9, 0.9, 0])
        XCTAssertEqual(LayerBudget(.uniform, minimumDensity: 0.2).layerSparsities(shapes: lenet300, target: 0.9), [0.8, 0.8, 0.8])
        XCTAssertNil(LayerBudget(.global).layerSparsities(shapes: lenet300, target: 0.9))
        XCTAssertEqual(LayerBudget(.manual(["fc2.weight": 0.5])).layerSparsities(
            names: ["fc1.weight", "fc2.weight", "fc3.weight"], shapes: lenet300, target: 0.9), [0.9, 0.5, 0.9])
    }

    /// A manual split written for 90% follows any other target: a gradual schedule's early
    /// targets scale every sparsity down (each layer ramps toward its own final), a higher
    /// target scales every density down, and a split meeting 90% meets each target exactly.
    func testAManualSplitScalesWithTheTargetItWasNotWrittenFor() throws {
        let names = ["fc1.weight", "fc2.weight", "fc3.weight"]
        let sizes = lenet300.map { Double($0.reduce(1, *)) }
        // Meets 90% overall: fc2 and fc3 at 50% and 80%, fc1 whatever makes the total 0.9.
        let fc1 = (0.9 * sizes.reduce(0, +) - 0.5 * sizes[1] - 0.8 * sizes[2]) / sizes[0]
        var budget = LayerBudget(.manual(["fc1.weight": fc1, "fc2.weight": 0.5, "fc3.weight": 0.8]))
        budget.manualTarget = 0.9
        func split(_ target: Double) throws -> [Double] {
            try XCTUnwrap(budget.layerSparsities(names: names, shapes: lenet300, target: target))
        }
        func overall(_ sparsities: [Double]) -> Double {
            zip(sparsities, sizes).reduce(0) { $0 + $1.0 * $1.1 } / sizes.reduce(0, +)
        }
        XCTAssertEqual(try split(0.9), [fc1, 0.5, 0.8], "as written at the target it was written for")
        let early = try split(0.3)
        XCTAssertEqual(early[1], 0.5 / 3, accuracy: 1e-12, "a third of the way: a third of each sparsity")
        XCTAssertEqual(early[2], 0.8 / 3, accuracy: 1e-12)
        let later = try split(0.95)
        XCTAssertEqual(1 - later[1], 0.5 * 0.5, accuracy: 1e-12, "half the overall density: half of each layer's")
        XCTAssertEqual(1 - later[2], 0.2 * 0.5, accuracy: 1e-12)
        for target in [0.1, 0.3, 0.6, 0.9, 0.95, 0.99] {
            XCTAssertEqual(overall(try split(target)), target, accuracy: 1e-12, "target \(target)")
        }
        XCTAssertEqual(try split(0), [0, 0, 0], "dense before the schedule starts")
        budget.manualTarget = nil
        XCTAssertEqual(try split(0.3), [fc1, 0.5, 0.8], "without a reference the split holds at every target")
    }
}
