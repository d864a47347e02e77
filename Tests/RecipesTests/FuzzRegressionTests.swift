import Recipes
import Training
import XCTest

/// Recipes that crashed `prunetop run RECIPE` (found with fuzz/ FuzzRecipes, see
/// scripts/fuzz.sh): a position or interval in epochs too large for an Int of steps
/// trapped converting to steps ("Double value cannot be converted to Int because the
/// result would be greater than Int.max"), in `RecipeLoader.parse` for the intervals checked
/// there, and in `Recipe.runConfig` for the others. They now read, and a position beyond
/// the run is refused by validation like any other.
final class FuzzRegressionTests: XCTestCase {
    private func recipe(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) throws -> Recipe {
        try RecipeLoader.parse(yaml: yaml, path: "fuzz.yaml")
    }

    func testAnIntervalOf1e300EpochsDoesNotTrapWhileParsing() throws {
        let every = try recipe("method: magnitude\nschedule:\n  final: 0.9\n  kind: polynomial\n  every: 1e300\n")
        let roundLength = try recipe("method: magnitude\nschedule:\n  final: 0.9\n  kind: iterative\n  rounds: 2\n  round_length: 1e300\n")
        for recipe in [every, roundLength] {
            let config = recipe.runConfig(stepsPerEpoch: 468)
            XCTAssertNil(config.sparsity.schedule?.validationError)
            XCTAssertNoThrow(try config.validate())
        }
        guard case let .polynomial(_, _, _, frequency, _)? = every.runConfig(stepsPerEpoch: 468).sparsity.schedule else {
            return XCTFail("expected a polynomial schedule")
        }
        XCTAssertEqual(frequency, Int.max)
    }

    func testAPositionOf1e300EpochsIsRefusedAsBeyondTheRun() throws {
        let recipe = try recipe("method: magnitude\nschedule:\n  final: 0.9\n  kind: polynomial\n  begin: 1e300\n")
        for stepsPerEpoch in [0, 1, 468] {
            let config = recipe.runConfig(stepsPerEpoch: stepsPerEpoch)
            XCTAssertEqual(config.sparsity.schedule?.validationError?.hasPrefix("need 0 <= begin <= end"), true)
            XCTAssertThrowsError(try config.validate())
        }
    }

    func testEpochsTooLargeForStepsSaturate() {
        XCTAssertEqual(RunLength.epochs(1e300).steps(perEpoch: 468), Int.max)
        XCTAssertEqual(RunLength.epochs(1e16).steps(perEpoch: 1_000_000), Int.max)
        XCTAssertEqual(RunLength.epochs(2.5).steps(perEpoch: 4), 10)
    }
}
