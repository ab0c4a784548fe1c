public import Foundation

/// Where the bundled test data lives: real plans, generated registers and golden files.
public enum FixtureFiles {
    /// The folder holding the fixture resources (`plans/`, …).
    public static var root: URL {
        // Resources are copied beside the test binary; fall back to the source tree for `swift run`.
        if let url = Bundle.module.resourceURL { return url }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    }

    /// A fixture by its path relative to `Fixtures/` (e.g. `plans/yuanping-2024.tsv`).
    public static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// The 2024 plan of 原平市, transcribed from the seed.
    public static var yuanpingPlan: URL { url("plans/yuanping-2024.tsv") }
}
