// swift-tools-version:6.0
// libFuzzer targets for every file format prunetop reads. A package of its own, so the
// main package's `swift build` and `swift test` never see the sanitizer flags; build and
// run them with `scripts/fuzz.sh` (see the comment at its top).
import PackageDescription

let package = Package(
    name: "prunetop-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "prunetop", path: "..")],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(name: "FuzzRecipes", dependencies: [
            "FuzzSupport",
            .product(name: "Recipes", package: "prunetop"), .product(name: "Training", package: "prunetop"),
        ]),
        .executableTarget(name: "FuzzThemes", dependencies: ["FuzzSupport", .product(name: "TUI", package: "prunetop")]),
        .executableTarget(name: "FuzzIDX", dependencies: ["FuzzSupport", .product(name: "Training", package: "prunetop")]),
        .executableTarget(name: "FuzzCheckpoints", dependencies: ["FuzzSupport", .product(name: "Training", package: "prunetop")]),
        .executableTarget(name: "FuzzRunLogs", dependencies: [
            "FuzzSupport",
            .product(name: "Metrics", package: "prunetop"), .product(name: "Training", package: "prunetop"),
            .product(name: "TUI", package: "prunetop"),
        ]),
    ]
)
