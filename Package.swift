// swift-tools-version: 6.1
import PackageDescription

/// Settings every target shares: Swift 6 mode with the stricter upcoming features.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The rooms (subfolders by stage) of the two library targets; each opens with a README.md saying what lives there.
let pipelineRooms = ["Basics", "Calendar", "Draw", "Generation", "Plan", "Publication", "Registers", "Results"]
let stagesRooms = ["Configuration", "Draw", "Import", "Input", "Nightly", "Output", "Plan", "Publication", "Store", "Threads"]

/// The rooms' README files, which are documentation, not sources.
func roomNotes(_ rooms: [String]) -> [String] { rooms.map { "\($0)/README.md" } }

let package = Package(
    name: "suiji",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "suiji", targets: ["PipelineCLI"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "Stages", targets: ["Stages"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            path: "Sources/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(name: "CSHA256", path: "Sources/CSHA256"),
        .target(
            name: "Pipeline",
            dependencies: ["CSHA256"],
            exclude: roomNotes(pipelineRooms),
            swiftSettings: strictSettings
        ),
        .target(
            name: "Stages",
            dependencies: [
                "Pipeline",
                "CLibXML2",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            exclude: roomNotes(stagesRooms),
            resources: [.copy("Resources")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "PipelineCLI",
            dependencies: [
                "Pipeline",
                "Stages",
                "Fixtures",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Fixtures",
            path: "Fixtures",
            exclude: [],
            sources: ["Sources"],
            resources: [.copy("plans"), .copy("registers"), .copy("xml"), .copy("golden"), .copy("demo")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Pipeline", "Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StagesTests",
            dependencies: [
                "Stages", "Pipeline", "Fixtures",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PipelineCLITests",
            dependencies: ["PipelineCLI", "Fixtures"],
            swiftSettings: strictSettings
        ),
    ]
)
