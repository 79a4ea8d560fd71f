// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "mailstats",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mailstats", targets: ["mailstats"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "Stages", targets: ["Stages"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev", "libdeflate-dev", "libisal-dev", "libmimalloc-dev"])]
        ),
        .target(
            name: "Pipeline",
            dependencies: [
                "CZlib",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Stages",
            dependencies: [
                "Pipeline",
                "CZlib",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "mailstats",
            dependencies: [
                "Pipeline",
                "Stages",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "CZlib", "TestSupport"]),
        .testTarget(
            name: "StagesTests",
            dependencies: [
                "Stages", "Pipeline", "TestSupport",
                // DelayHistogram keeps its counts in HdrHistogram's layout (see its doc comment for why not the
                // library itself); DelayHistogramTests checks it against the library's own answers.
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]),
        .testTarget(name: "MailstatsTests", dependencies: ["Stages", "Pipeline", "mailstats", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
