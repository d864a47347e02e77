import Recipes
import Training
import XCTest

final class BudgetFragmentTests: XCTestCase {
    let fragment = BudgetFragment(layers: [("fc1.weight", 0.97123), ("fc2.weight", 0.9), ("fc3.weight", 0.99999)],
                                  comments: ["from prunetop sensitivity"])

    func testTheBlockPastedIntoARecipeLoadsAsAManualBudget() throws {
        XCTAssertEqual(fragment.yaml, """
            # from prunetop sensitivity
            budget:
              distribution: manual
              layers:
                fc1.weight: 0.9712
                fc2.weight: 0.9000
                fc3.weight: 0.9999

            """)
        let recipe = try RecipeLoader.parse(yaml: "model: lenet300\nmethod: magnitude\nschedule:\n  final: 0.95\n" + fragment.yaml,
                                            path: "pasted.yaml")
        XCTAssertEqual(recipe.config.sparsity.budget?.distribution,
                       .manual(["fc1.weight": 0.9712, "fc2.weight": 0.9, "fc3.weight": 0.9999]))
    }

    func testTheSetFormOverridesARecipesNamedBudget() throws {
        XCTAssertEqual(fragment.overrides, ["budget.distribution=manual", "budget.layers.fc1.weight=0.9712",
                                            "budget.layers.fc2.weight=0.9000", "budget.layers.fc3.weight=0.9999"])
        let recipe = try RecipeLoader.parse(yaml: "model: lenet300\nmethod: magnitude\nschedule:\n  final: 0.95\nbudget: global\n",
                                            path: "r.yaml", overrides: fragment.overrides)
        XCTAssertEqual(recipe.config.sparsity.budget?.distribution,
                       .manual(["fc1.weight": 0.9712, "fc2.weight": 0.9, "fc3.weight": 0.9999]))
    }
}
