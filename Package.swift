// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "prunetop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "prunetop", targets: ["prunetop"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Recipes", targets: ["Recipes"]),
        .library(name: "SparseKernels", targets: ["SparseKernels"]),
        .library(name: "Metrics", targets: ["Metrics"]),
        .library(name: "DashboardModel", targets: ["DashboardModel"]),
        .library(name: "RunLogs", targets: ["RunLogs"]),
        .library(name: "TUI", targets: ["TUI"]),
        .library(name: "ModelFiles", targets: ["ModelFiles"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(name: "CNCurses", pkgConfig: "ncursesw",
                       providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Training", dependencies: ["COpenBLAS", "CZlib"]),
        .target(name: "Recipes", dependencies: ["Training", .product(name: "Yams", package: "Yams")]),
        .target(name: "SparseKernels", dependencies: ["COpenBLAS", "Training"]),
        .target(name: "Metrics", dependencies: ["SparseKernels", "Training"]),
        .target(name: "DashboardModel", dependencies: ["Metrics", "Training"]),
        .target(name: "RunLogs", dependencies: ["DashboardModel", "Metrics", "Training"]),
        .target(name: "ModelFiles", dependencies: ["COpenBLAS", "Metrics", "RunLogs", "SparseKernels", "Training"]),
        .target(name: "TUI", dependencies: ["CNCurses", "DashboardModel", "Metrics", "Recipes", "RunLogs", "SparseKernels", "Training"]),
        .executableTarget(
            name: "prunetop",
            dependencies: [
                "Training", "Recipes", "SparseKernels", "Metrics", "DashboardModel", "RunLogs", "TUI", "ModelFiles", "COpenBLAS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "TrainingTests", dependencies: ["Training"]),
        .testTarget(name: "RecipesTests", dependencies: ["Recipes", "Training"]),
        .testTarget(name: "SparseKernelsTests", dependencies: ["SparseKernels", "Metrics", "Training"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Training"]),
        .testTarget(name: "DashboardModelTests", dependencies: ["DashboardModel", "Metrics", "Training"]),
        .testTarget(name: "RunLogsTests", dependencies: ["RunLogs", "DashboardModel", "Metrics", "Training"]),
        .testTarget(name: "TUITests", dependencies: ["TUI", "DashboardModel", "Metrics", "Recipes", "RunLogs", "Training"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["ModelFiles", "Metrics", "Training"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Training", "Metrics", "DashboardModel", "RunLogs", "TUI", "ModelFiles", "Recipes",
                                                   .product(name: "Yams", package: "Yams")]),
    ]
)
