// swift-tools-version:6.0
import PackageDescription

/// The numeric modules build with SwiftPM's own release settings (-O): no `unsafeFlags`, so
/// that the package can be a versioned dependency. The hot loops run on unsafe pointers (no
/// bounds checks) and the C kernels (CKernels).
let numericSettings: [SwiftSetting] = []

let package = Package(
    name: "MeanFieldGames",
    products: [
        .executable(name: "mfg", targets: ["mfg"]),
        // The library (docs/library.md): math and BLAS, problem files, the neural solver, the grid
        // solver, grid starts, checkpoints and results, SVG figures.
        .library(name: "MFGMath", targets: ["MFGMath"]),
        .library(name: "MFGProblem", targets: ["MFGProblem"]),
        .library(name: "MFGNeural", targets: ["MFGNeural"]),
        .library(name: "MFGGrid", targets: ["MFGGrid"]),
        .library(name: "MFGStart", targets: ["MFGStart"]),
        .library(name: "MFGStore", targets: ["MFGStore"]),
        .library(name: "MFGPlot", targets: ["MFGPlot"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "CKernels"),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial",
                       providers: [.apt(["libhdf5-dev"])]),
        .target(name: "MFGMath",
                dependencies: ["CBLAS", "CKernels", .product(name: "Numerics", package: "swift-numerics")],
                swiftSettings: numericSettings),
        .target(name: "MFGProblem",
                dependencies: ["MFGMath", "CHDF5", .product(name: "Yams", package: "Yams")],
                swiftSettings: numericSettings),
        .target(name: "MFGNeural", dependencies: ["MFGMath", "MFGProblem"],
                swiftSettings: numericSettings),
        .target(name: "MFGGrid", dependencies: ["MFGMath", "MFGProblem", "CKernels"],
                swiftSettings: numericSettings),
        .target(name: "MFGStart", dependencies: ["MFGNeural", "MFGGrid", "MFGProblem", "MFGMath"]),
        .target(name: "MFGStore", dependencies: ["CHDF5", "MFGNeural", "MFGGrid", "MFGProblem"]),
        .target(name: "MFGPlot", dependencies: []),
        .executableTarget(name: "mfg",
                          dependencies: ["MFGNeural", "MFGMath", "MFGGrid", "MFGStore", "MFGPlot", "MFGProblem", "MFGStart",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "mfg-bench",
                          dependencies: ["MFGNeural", "MFGMath", "MFGGrid", "MFGProblem",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "benchmarks/Sources/mfg-bench",
                          swiftSettings: numericSettings),
        .testTarget(name: "MFGMathTests", dependencies: ["MFGMath"]),
        .testTarget(name: "MFGProblemTests", dependencies: ["MFGProblem"]),
        .testTarget(name: "MFGNeuralTests", dependencies: ["MFGNeural", "CKernels"]),
        .testTarget(name: "MFGGridTests", dependencies: ["MFGGrid", "MFGProblem"]),
        .testTarget(name: "MFGStartTests", dependencies: ["MFGStart", "MFGGrid", "MFGNeural", "MFGProblem"]),
        .testTarget(name: "MFGStoreTests", dependencies: ["MFGStore", "MFGProblem"]),
        .testTarget(name: "MFGPlotTests", dependencies: ["MFGPlot"]),
        .testTarget(name: "CLITests", dependencies: ["mfg", "MFGStore", "MFGNeural"]),
    ],
    swiftLanguageModes: [.v5]
)
