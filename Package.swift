// swift-tools-version: 6.1
import PackageDescription

/// Settings every target shares: Swift 6 mode with the stricter upcoming features.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// `SUIJI_TESTING` (debug builds, which `swift test` uses): compiles in the nightly run's fault injection
/// (SUIJI_KILL_AT / SUIJI_STOP_AT) for the kill tests; a release build has none.
let testingSettings: [SwiftSetting] = [.define("SUIJI_TESTING", .when(configuration: .debug))]

/// The rooms (subfolders by stage) of the two library targets; each opens with a README.md saying what lives there.
let pipelineRooms = ["Basics", "Calendar", "Draw", "Plan", "Publication", "Registers", "Results", "Snapshots"]
let stagesRooms = [
    "Configuration", "Draw", "Import", "Input", "Nightly", "Output", "Pages", "Plan", "PostgreSQL", "Publication", "Store", "Threads",
]
/// The rooms of `DevKit`, the development tools that `suiji` does not link.
let devKitRooms = ["Draw", "Generation", "Scratch"]

/// The rooms' README files, which are documentation, not sources.
func roomNotes(_ rooms: [String]) -> [String] { rooms.map { "\($0)/README.md" } }

let package = Package(
    name: "suiji",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "suiji", targets: ["PipelineCLI"]),
        // Development tools (seeded registers, the draw benchmark): never shipped with `suiji`.
        .executable(name: "suiji-dev", targets: ["SuijiDev"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "Stages", targets: ["Stages"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        // postgres-nio's own TLS library, named for its TLS settings (`sslmode=` on a store's URL).
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            path: "Sources/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CZlibChecksum",
            path: "Sources/CZlibChecksum",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "CSHA256", path: "Sources/CSHA256"),
        // Build time only: turns a target's listed data files into a Swift source (base64 literals).
        .executableTarget(name: "EmbedResourcesTool", path: "Sources/EmbedResourcesTool", swiftSettings: strictSettings),
        .plugin(
            name: "EmbedResourcesPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedResourcesTool"],
            path: "Sources/EmbedResourcesPlugin"
        ),
        .target(
            name: "Pipeline",
            dependencies: ["CSHA256"],
            // The message catalogue is compiled in (Resources/embedded-resources.txt), as in Stages.
            exclude: roomNotes(pipelineRooms) + ["Resources"],
            swiftSettings: strictSettings,
            plugins: ["EmbedResourcesPlugin"]
        ),
        .target(
            name: "Stages",
            dependencies: [
                "Pipeline",
                "CLibXML2",
                "CZlibChecksum",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            // No resource bundle: the files listed in Resources/embedded-resources.txt (the tables,
            // schemas, example configuration and the demo county) are compiled in by
            // EmbedResourcesPlugin and read through `EmbeddedResources`, so `suiji` is one file.
            exclude: roomNotes(stagesRooms) + ["Resources"],
            swiftSettings: strictSettings,
            plugins: ["EmbedResourcesPlugin"]
        ),
        // Development only: the register generator and its writer, the draw benchmark. Tests and
        // `suiji-dev` use it; `suiji` does not link it.
        .target(
            name: "DevKit",
            dependencies: ["Pipeline", "Stages"],
            exclude: roomNotes(devKitRooms),
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "PipelineCLI",
            // Not Fixtures (the golden files are the tests'); the demo county is compiled into Stages.
            dependencies: [
                "Pipeline",
                "Stages",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings + testingSettings
        ),
        // `suiji-dev generate register`, `suiji-dev draw bench`: the benchmarks' and make_demo.py's tool.
        .executableTarget(
            name: "SuijiDev",
            dependencies: [
                "DevKit", "Pipeline", "Stages", "Fixtures",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Fixtures",
            path: "Fixtures",
            exclude: ["screenshots"], // the README's pictures of the pages (PagesInBrowserTests)
            sources: ["Sources"],
            resources: [.copy("plans"), .copy("registers"), .copy("xml"), .copy("golden"), .copy("demo")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Pipeline", "DevKit", "Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StagesTests",
            dependencies: [
                "Stages", "Pipeline", "DevKit", "Fixtures",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PipelineCLITests",
            // GRDB: the reader-loop tests read the store through a connection of their own.
            dependencies: [
                "PipelineCLI", "SuijiDev", "DevKit", "Fixtures", "Stages", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings + testingSettings
        ),
        .testTarget(
            name: "DevKitTests",
            dependencies: ["DevKit", "Pipeline"],
            swiftSettings: strictSettings
        ),
    ]
)
