// swift-tools-version: 6.1
// A libFuzzer target: suiji's XML markup scanner against libxml2 (see README.md).
import PackageDescription

let package = Package(
    name: "FuzzXMLMarkupScanner",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "suiji", path: "../../..")],
    targets: [
        .target(name: "CLibFuzzerDriver"),
        .executableTarget(
            name: "FuzzXMLMarkupScanner",
            dependencies: ["CLibFuzzerDriver", .product(name: "Stages", package: "suiji")]
        ),
    ]
)
