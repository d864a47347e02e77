// libFuzzer target: YAML recipes (`prunetop run RECIPE`, `--set`).
//
// The input is the recipe text; NUL bytes split off `--set KEY.PATH=VALUE` overrides
// (text before the first NUL is the YAML, each later piece one override). After
// parsing, it does what `prunetop run RECIPE` does next with a good recipe: resolves
// positions in epochs to steps (for a few steps-per-epoch values a data set can give,
// 0 included: a batch larger than the training set) and validates the run config.
import FuzzSupport
import Recipes
import Training

@_cdecl("FuzzRecipes_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzRecipe)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecipe(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = inputBuffer(data, size)
    // RecipeLoader.load refuses larger files and text that is not UTF-8 before parsing.
    guard size <= RecipeLoader.maximumBytes,
          let text = String(validating: input, as: UTF8.self)
    else { return -1 }
    let pieces = text.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
    let yaml = pieces[0]
    let overrides = Array(pieces.dropFirst())
    guard let recipe = try? RecipeLoader.parse(yaml: yaml, path: "fuzz.yaml", overrides: overrides) else { return 0 }
    _ = recipe.dataDirectory
    for stepsPerEpoch in [0, 1, 11, 468] {
        let config = recipe.runConfig(stepsPerEpoch: stepsPerEpoch)
        _ = config.sparsity.schedule?.validationError
        try? config.validate()
    }
    return 0
}
