// swift-tools-version: 6.0
import PackageDescription

/// Profile-guided optimisation of release builds: the compiler lays out branches and weighs inlining by the
/// counts in `pgo/mailstats.profdata`, recorded by `scripts/refresh-pgo-profile.sh` from an instrumented build
/// running `mailstats run` over a generated log family (README, "Development", says when to refresh it). Only our
/// own targets, and only `-c release`: debug builds and `swift test` never see it. `MAILSTATS_PGO` chooses:
/// unset, the committed profile; `off`, none; `generate`, the instrumented build the script records with; a path,
/// that profile. `-static-func-full-module-prefix=false` names private functions in the profile by their object
/// file's name alone, not its path, so a clone in another directory finds them.
let pgo = Context.environment["MAILSTATS_PGO"] ?? "\(Context.packageDirectory)/pgo/mailstats.profdata"
let pgoNames = ["-Xllvm", "-static-func-full-module-prefix=false"]
let pgoSwiftSettings: [SwiftSetting] = switch pgo {
case "off": []
case "generate": [.unsafeFlags(["-Xfrontend", "-ir-profile-generate"] + pgoNames, .when(configuration: .release))]
default: [.unsafeFlags(["-Xfrontend", "-ir-profile-use=\(pgo)"] + pgoNames, .when(configuration: .release))]
}
/// The instrumented build links the profile runtime, which writes the counts when the process exits.
let pgoLinkerSettings: [LinkerSetting] =
    pgo == "generate" ? [.unsafeFlags(["-profile-generate"], .when(configuration: .release))] : []

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
            ],
            swiftSettings: pgoSwiftSettings
        ),
        .target(
            name: "Stages",
            dependencies: [
                "Pipeline",
                "CZlib",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: pgoSwiftSettings
        ),
        .executableTarget(
            name: "mailstats",
            dependencies: [
                "Pipeline",
                "Stages",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: pgoSwiftSettings,
            linkerSettings: pgoLinkerSettings
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
