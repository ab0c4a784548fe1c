public import Foundation
public import Pipeline

/// What the demo did, for the terminal.
public struct DemoResult: Sendable {
    /// The text to print.
    public var summary: String
    /// The exit status.
    public var status: ExitStatus
}

/// A fresh workspace built from the bundled fixtures, on which the main job runs: the newcomer's first command.
public struct DemoWorkspace {
    /// The workspace folder (emptied first).
    public let path: String
    /// The bundled fixtures folder (with `plans/`).
    public let fixtures: URL
    /// The clock.
    public let clock: Clock

    /// Creates the demo.
    public init(path: String, fixtures: URL, clock: Clock = .system) {
        self.path = path
        self.fixtures = fixtures
        self.clock = clock
    }

    /// Builds the workspace and runs the main job on it.
    public func run() throws -> DemoResult {
        let manager = FileManager.default
        let root = URL(fileURLWithPath: path)
        if manager.fileExists(atPath: root.path) { try manager.removeItem(at: root) }
        try manager.createDirectory(at: root.appendingPathComponent("inbox/plan"), withIntermediateDirectories: true)
        let plan = root.appendingPathComponent("inbox/plan/yuanping-2024.tsv")
        try manager.copyItem(at: fixtures.appendingPathComponent("plans/yuanping-2024.tsv"), to: plan)
        try Data(Self.configuration.utf8).write(to: root.appendingPathComponent("suiji.toml"))

        let configuration = try Configuration.load(path: root.appendingPathComponent("suiji.toml").path)
        let store = try Store(path: configuration.resolvedPath(\.store))
        let report = try PlanImportJob(store: store, clock: clock).run(
            PlanSource(path: plan.path, displayName: "inbox/plan/yuanping-2024.tsv", year: configuration.year, region: configuration.region))
        var lines = ["workspace: \(root.path)"]
        lines += report.diagnostics.map(\.description)
        if let outcome = report.outcome { lines.append(outcome.description) }
        if let stored = try store.plan(year: configuration.year, region: configuration.region) {
            lines.append("")
            lines.append(PlanPresenter.table(stored))
        }
        return DemoResult(summary: lines.joined(separator: "\n"), status: report.status)
    }

    /// The demo county's configuration.
    static let configuration = """
    # The demo county: 原平市 (140981), plan year 2024. Paths are relative to this file.
    region = "140981"
    year = 2024
    store = "suiji.sqlite"

    """
}
