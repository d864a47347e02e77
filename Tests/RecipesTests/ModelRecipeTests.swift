import Recipes
import Training
import XCTest

/// The recipe's `model`: zoo names, zoo options, and networks written layer by layer.
final class ModelRecipeTests: XCTestCase {
    private func recipe(_ yaml: String) throws -> Recipe { try RecipeLoader.parse(yaml: yaml, path: "r.yaml") }

    private func errors(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        do {
            _ = try RecipeLoader.parse(yaml: yaml, path: "r.yaml")
            XCTFail("expected the recipe to be refused", file: file, line: line)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    func testAZooNameOrAZooModelWithOptions() throws {
        XCTAssertEqual(try recipe("model: resnet20").config.model, "resnet20")
        let wide = try recipe("model:\n  zoo: resnet20\n  width: 2\n").config
        XCTAssertEqual(wide.model, "resnet20")
        XCTAssertEqual(wide.modelOptions, .init(width: 2))
        XCTAssertNil(wide.architecture)
        let mlp = try recipe("model: {zoo: mlp, widths: [64, 32]}").config
        let model = try mlp.makeModel(inputShape: [1, 28, 28], classCount: 10)
        XCTAssertEqual(model.prunableParameters.map(\.shape), [[64, 784], [32, 64], [10, 32]])
    }

    func testALayerListBecomesTheArchitecture() throws {
        let config = try recipe("""
        model:
          name: tiny-res
          layers:
            - conv: 8
              kernel: 3
              padding: 1
              bias: false
            - batchnorm
            - relu
            - residual:
                body:
                  - conv: 8
                    padding: 1
                  - batchnorm
              name: block
            - relu
            - maxpool: 2
            - dropout: 0.25
            - avgpool
            - dense: classes
        """).config
        XCTAssertEqual(config.model, "tiny-res")
        XCTAssertEqual(config.architecture, Architecture([
            .convolution(channels: 8, kernel: 3, padding: 1, bias: false), .batchNorm(), .relu(),
            .residual(name: "block", body: [.convolution(channels: 8, kernel: 3, padding: 1), .batchNorm()]),
            .relu(), .maxPool(kernel: 2), .dropout(rate: 0.25), .globalAveragePool(), .dense(units: .classes),
        ]))
        let model = try config.makeModel(inputShape: [3, 32, 32], classCount: 10)
        XCTAssertEqual(model.description.layers.map(\.name), [
            "conv1", "bn1", "relu1", "block.conv1", "block.bn1", "block.add", "relu2", "pool1", "dropout1", "avgpool", "fc1",
        ])
        XCTAssertEqual(try recipe("model: [dense: 100, relu, dense: classes]").config.model, "custom")
    }

    func testUnknownKindsAndOptionsGetSuggestionsAndLocations() {
        XCTAssertEqual(errors("model:\n  - conv: 8\n  - rleu\n  - dense: classes\n"), [
            "r.yaml:3:5: model[1]: unknown layer kind 'rleu'; did you mean 'relu'? "
                + "(kinds: dense, conv, batchnorm, relu, maxpool, avgpool, flatten, dropout, residual)",
        ])
        XCTAssertEqual(errors("model:\n  - conv: 8\n    kernal: 5\n  - dense: classes\n"), [
            "r.yaml:3:5: model[0].conv: unknown option 'kernal' of conv; did you mean 'kernel'? (options: name, kernel, stride, padding, bias)",
        ])
        XCTAssertEqual(errors("model:\n  - conv\n  - dense: classes\n"), [
            "r.yaml:2:5: model[0].conv: conv needs its number of output channels, e.g. `- conv: 16`",
        ])
        XCTAssertEqual(errors("model:\n  - dense: many\n"), [
            "r.yaml:2:12: model[0].dense: expected an integer from 1 to 1000000, found 'many'",
        ])
        XCTAssertEqual(errors("model: {zoo: resnet21}"), [
            "r.yaml:1:14: model.zoo: expected one of lenet300, lenet5, mlp, vgg-small, resnet20, found 'resnet21'; did you mean 'resnet20'?",
        ])
        XCTAssertEqual(errors("model: {zoo: lenet5, width: 2}"), ["r.yaml:1:8: model: lenet5: width must be given to vgg-small or resnet20 only"])
        XCTAssertEqual(errors("model: {layers: [relu, dense: classes], zoo: mlp}"), [
            "r.yaml:1:41: model.zoo: applies to a zoo model, not to one given by `layers`",
        ])
    }

    func testManualBudgetsNameTheTensorsOfTheRecipesOwnNetwork() {
        XCTAssertEqual(errors("model: [conv: 4, relu, dense: classes]\nmethod: magnitude\nbudget:\n  distribution: manual\n  layers:\n    conv9.weight: 0.5\n"), [
            "r.yaml:6:5: budget.layers: unknown tensor 'conv9.weight' of custom; did you mean 'conv1.weight'? (tensors: conv1.weight, fc1.weight)",
        ])
    }
}
