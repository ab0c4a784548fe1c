// swift-tools-version: 6.1
// Coverage-guided fuzz targets (libFuzzer) for suiji's readers, in a package of their own so that
// no fuzz entry point is in a production module or in the main package's products. Each target is
// an executable whose main hands its test function to libFuzzer's driver (LLVMFuzzerRunDriver):
// SwiftPM links an executable's main itself, so libFuzzer's own main cannot be used. Build and run
// them with `Benchmarks/fuzz.sh SECONDS` (every module built with `-sanitize=fuzzer`).
import PackageDescription

/// The targets and what each one fuzzes.
let fuzzTargets = ["FuzzCSV", "FuzzXML", "FuzzPlanCell", "FuzzConfiguration"]

let package = Package(
    name: "suiji-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "suiji", path: "../..")],
    targets: [
        .target(name: "FuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["FuzzDriver", .product(name: "Pipeline", package: "suiji")]),
    ]
        + fuzzTargets.map { name in
            .executableTarget(
                name: name,
                dependencies: [
                    "FuzzSupport", .product(name: "Pipeline", package: "suiji"), .product(name: "Stages", package: "suiji"),
                ])
        }
)
