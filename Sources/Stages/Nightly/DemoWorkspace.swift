internal import Foundation
public import Logging
public import Pipeline

/// What the demo did, for the terminal.
public struct DemoResult: Sendable {
    /// The text to print.
    public var summary: String
    /// Each night's report, in order.
    public var reports: [NightReport]
    /// The exit status: failure if a night's stage failed, else success (the demo's inputs hold bad
    /// rows on purpose, so a night's 65 is the demo working).
    public var status: ExitStatus
}

/// The newcomer's first command: a fresh workspace built from the demo county compiled into suiji
/// (`Fixtures/demo/` and the seed plan, see ``EmbeddedResources``), on which the nightly job runs
/// night after night as the county's files arrive (`demo/nights.tsv`).
public struct DemoWorkspace {
    /// The workspace folder (emptied first).
    public let path: String
    /// Where log lines go.
    public let logger: Logger

    /// How the reader runs suiji, for the closing hint (`suiji`, or `swift run suiji` from a checkout).
    public let command: String

    /// The marker file that says suiji made the workspace: only such a folder (or an empty one, or none)
    /// is emptied and reused.
    public static let markerName = ".suiji-demo-workspace"

    /// The language of the nights' summary lines.
    public let language: UILanguage

    /// The store the nights run on: nil for the workspace's own SQLite file, else a `postgresql://`
    /// URL whose lane of the demo county holds no rows yet (the workspace's `suiji.toml` names it).
    public let store: String?

    /// Creates the demo.
    public init(path: String, logger: Logger, command: String = "suiji", language: UILanguage = .en, store: String? = nil) {
        self.path = path
        self.logger = logger
        self.command = command
        self.language = language
        self.store = store
    }

    /// One night of the demo.
    public struct Night: Sendable, Hashable {
        /// The run date.
        public var date: CivilDate
        /// The folder under `demo/` whose `inbox/` arrives before the run.
        public var folder: String
        /// What arrives, in words (English).
        public var arrives: String
        /// What arrives, in Chinese.
        public var arrivesZh: String
    }

    /// The nights listed in `demo/nights.tsv`.
    public func nights() throws -> [Night] {
        let text = try EmbeddedResources.text(named: "demo/nights.tsv")
        var nights: [Night] = []
        for (index, line) in text.split(separator: "\n").enumerated() where !line.hasPrefix("#") {
            let cells = line.split(separator: "\t", maxSplits: 3).map(String.init)
            guard cells.count == 4 else {
                // The demo's own embedded data: a developer's mistake, said in English.
                throw StoreError(
                    path: "demo/nights.tsv",
                    Message(verbatim: "line \(index + 1): expected date, folder and descriptions in English and Chinese separated by tabs"))
            }
            nights.append(Night(date: try CivilDate(parsing: cells[0]), folder: cells[1], arrives: cells[2], arrivesZh: cells[3]))
        }
        return nights
    }

    /// Builds the workspace and runs every night on it; each night's clock is fixed at 22:00 UTC of
    /// its date, so the demo writes the same store and files on every machine.
    public func run() throws -> DemoResult {
        let manager = FileManager.default
        let root = URL(fileURLWithPath: path).standardizedFileURL
        var settings = try EmbeddedResources.text(named: "demo/suiji.toml")
        if let store {
            try Self.refuseUsedLane(store, settings: settings)
            settings = try Self.naming(store, in: settings)
        }
        if manager.fileExists(atPath: root.path) {
            let entries = (try? manager.contentsOfDirectory(atPath: root.path)) ?? []
            guard entries.isEmpty || entries.contains(Self.markerName) else {
                throw DemoWorkspaceRefused(path: root.path)
            }
            try manager.removeItem(at: root)
        }
        try manager.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("made by `suiji demo`; the next `suiji demo` here empties this folder\n".utf8)
            .write(to: root.appendingPathComponent(Self.markerName))
        try Data(settings.utf8).write(to: root.appendingPathComponent("suiji.toml"))
        try Self.write("plans/yuanping-2024.tsv", to: root.appendingPathComponent("inbox/plan/yuanping-2024.tsv"))
        let configuration = try Configuration.load(path: root.appendingPathComponent("suiji.toml").path)

        let words = MessageCatalogue(language)
        var lines = [words(.demoWorkspace, ["path": root.path]), ""]
        var reports: [NightReport] = []
        var status = ExitStatus.success
        for night in try nights() {
            try Self.arrive(night, into: root.appendingPathComponent("inbox"))
            let instant = try Date("\(night.date)T22:00:00Z", strategy: .iso8601)
            let report = try NightlyRun(configuration: configuration, today: night.date, clock: .fixed(instant), logger: logger).run()
            lines.append(words(.demoNight, ["date": "\(night.date)", "arrives": language == .zh ? night.arrivesZh : night.arrives]))
            lines.append("  " + report.summary(in: MessageCatalogue(language)))
            reports.append(report)
            if report.exitCode == ExitStatus.failure.rawValue { status = .failure }
        }
        if let last = reports.last {
            lines.append("")
            let reportsFolder = configuration.resolvedPath(\.paths.reports)
            lines.append(words(.demoLastReport, ["path": "\(reportsFolder)/\(last.date)/run.txt"]))
            lines.append("")
            lines.append(last.text(in: words))
            lines.append(words(.demoEveryReport, ["reports": reportsFolder]))
            lines.append(words(.demoPublicPages, ["path": configuration.resolvedPath(\.paths.outbox) + "/public/index.html"]))
            lines.append(words(.demoAnotherNight, ["command": "\(command) run --config \(root.path)/suiji.toml --today YYYY-MM-DD"]))
        }
        return DemoResult(summary: lines.joined(separator: "\n"), reports: reports, status: status)
    }

    /// The demo's settings with `store = "…"` naming `store` instead of the workspace's SQLite file.
    static func naming(_ store: String, in settings: String) throws -> String {
        let line = #"store = "suiji.sqlite""#
        guard settings.contains(line) else {
            // The demo's own embedded data: a developer's mistake, said in English.
            throw StoreError(path: "demo/suiji.toml", Message(verbatim: "expected the line \(line)"))
        }
        let quoted = store.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return settings.replacingOccurrences(of: line, with: "store = \"\(quoted)\"")
    }

    /// Refuses (exit 78, nothing touched) a store in which the demo county already has rows: the demo
    /// starts from nothing, and its nights must not mix with a county's data, nor a second demo with
    /// the first. A PostgreSQL store's lane is made here if it is missing (as any writer makes it).
    static func refuseUsedLane(_ store: String, settings: String) throws {
        let region = try Configuration.load(text: settings, displayName: "demo/suiji.toml").region
        try PostgresAddress.refuse(store, command: "demo")
        guard let address = PostgresAddress.of(store) else { return }
        let lane = try PostgresStageStore.open(address, region: region, command: "demo", writing: true)
        defer { lane.close() }
        let rows = try lane.reading { sql in
            try sql.integer("SELECT (SELECT count(*) FROM imports) + (SELECT count(*) FROM runs) + (SELECT count(*) FROM plans)")
        }
        if rows != 0 { throw DemoStoreRefused(store: address.description, region: region) }
    }

    /// Writes every file of the night's `inbox/` to the same place under `inbox` (folders created).
    static func arrive(_ night: Night, into inbox: URL) throws {
        let prefix = "demo/\(night.folder)/inbox/"
        let names = EmbeddedResources.names(under: prefix)
        if names.isEmpty {
            throw StoreError(
                path: "demo/nights.tsv",
                Message(verbatim: "night \(night.date) names the folder \(night.folder), which holds no inbox files"))
        }
        for name in names { try write(prefix + name, to: inbox.appendingPathComponent(name)) }
    }

    /// Writes the embedded file `name` to `target`, creating its folder and replacing a file there.
    static func write(_ name: String, to target: URL) throws {
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try EmbeddedResources.data(named: name).write(to: target)
    }
}

/// `suiji demo` was pointed at a folder that holds files it did not make: nothing was touched (exit 78).
public struct DemoWorkspaceRefused: LocalizedReportableError, Sendable, Hashable {
    /// The folder.
    public var path: String

    /// The text (the same in every language: its values are paths).
    public func message(in language: UILanguage) -> Message { message }

    /// What happened and what to do.
    public var message: Message { Message(.setupDemoFolderRefused, ["path": path, "marker": DemoWorkspace.markerName]) }

    /// `error: ` and the English text.
    public var description: String { "error: " + MessageCatalogue(.en)(message) }

    /// A setup error.
    public var exitStatus: ExitStatus { .configuration }
}

/// `suiji demo --store` was given a database that already holds the demo county's rows: nothing was touched (exit 78).
public struct DemoStoreRefused: LocalizedReportableError, Sendable, Hashable {
    /// The store (without a password).
    public var store: String
    /// The demo county.
    public var region: String

    /// The text (the same in every language: its values are an address and a code).
    public func message(in language: UILanguage) -> Message { message }

    /// What happened and what to do.
    public var message: Message { Message(.setupDemoLaneNotEmpty, ["store": store, "region": region]) }

    /// `error: ` and the English text.
    public var description: String { "error: " + MessageCatalogue(.en)(message) }

    /// A setup error.
    public var exitStatus: ExitStatus { .configuration }
}
