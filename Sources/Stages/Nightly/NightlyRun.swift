// `suiji run`: the nightly job. Lock, inbox, prepare, draw, publish, report; see README "The nightly run".
//
// The store: SQLite (the lock is the store's lock file) or a county's lane of PostgreSQL (the lock is
// the county's advisory lock, held by the night's one connection); the stages see either through the
// seam (StageSQL.swift), so what follows holds for both.
//
// Crash safety. Every write is one transaction that carries the night's `run_id`, and every
// step is decided from the store and the folders as they are, never from memory of an earlier
// attempt. So a run killed at any moment and run again finds each file either still in the inbox
// (its import committed or not: the content hash tells) or already moved, each commitment, draw and
// publication either committed or not, and ends where one uninterrupted run would have. The night's
// report is a query over what carries the night's `run_id`, so it is the same too.
//
// Per file: hash it; if tonight's journal (`run_files`) has it, only finish moving it; else if the
// same content was imported before (tonight by a killed attempt, or on an earlier night) record
// that; else import it (one transaction, rejects file written before the commit). Then journal it
// (one transaction), then move it to archive/<date>/ or rejects/<date>/.

internal import Foundation
public import Logging
public import Pipeline

/// A stage of the nightly run, as named in its report.
public enum RunStage: String, Sendable, Hashable, Codable, CaseIterable {
    /// Taking the lock and opening the store.
    case lock
    /// Importing the inbox.
    case inbox
    /// Preparing commitments for rounds within the lead time.
    case prepare
    /// Drawing rounds whose seed arrived.
    case draw
    /// Publishing results.
    case publish
    /// Writing the report.
    case report
}

/// The nightly job over one workspace.
public struct NightlyRun {
    /// The configuration (paths are resolved against its folder).
    public let configuration: Configuration
    /// The night: names the archive, rejects and report folders and decides which rounds are due.
    public let today: CivilDate
    /// Timestamps.
    public let clock: Clock
    /// Where events go.
    public let logger: Logger
    /// Shows a progress line on a terminal: called with the line's text, and with nil to clear it.
    public var progress: ((String?) -> Void)?
    /// Called at named points of the run (fault injection in tests; does nothing by default).
    public var checkpoint: (String) -> Void

    /// Creates a run.
    public init(
        configuration: Configuration, today: CivilDate, clock: Clock = .system, logger: Logger,
        progress: ((String?) -> Void)? = nil, checkpoint: @escaping (String) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.today = today
        self.clock = clock
        self.logger = logger
        self.progress = progress
        self.checkpoint = checkpoint
    }

    /// Where this night's files go.
    var paths: NightPaths { NightPaths(configuration: configuration, date: today) }

    /// Runs the night. Throws ``RunLockHeld`` when another run holds the lock (nothing was done);
    /// every other problem ends up in the report as the failed stage.
    public func run() throws -> NightReport {
        try checkSetup()
        let store: any StageStore
        let runID: Int64
        // The lock: the store's lock file on SQLite, the county's advisory lock on PostgreSQL (taken as
        // its lane is opened). Another run holding it throws ``RunLockHeld`` (exit 75); nothing was done.
        var lock: RunLock?
        defer { withExtendedLifetime(lock) {} }
        var lane: PostgresStageStore?
        defer { lane?.close() }
        if let address = PostgresAddress.of(configuration.store) {
            let opened: PostgresStageStore
            do {
                opened = try PostgresStageStore.open(address, region: configuration.region, command: "run", writing: true)
            } catch let held as RunLockHeld {
                throw held
            } catch {
                return try failedToStart(error)
            }
            lane = opened
            store = opened
            logger.info("run started", metadata: ["date": "\(today)", "workspace": "\(configuration.baseDirectory)", "pid": "\(getpid())"])
            checkpoint("locked")
        } else {
            try PostgresAddress.refuse(configuration.store, command: "run", takingLockFile: true)
            let storePath = configuration.resolvedPath(\.store)
            try FileManager.default.createDirectory(
                atPath: (storePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            lock = try RunLock.acquire(path: RunLock.path(forStore: storePath))
            logger.info("run started", metadata: ["date": "\(today)", "workspace": "\(configuration.baseDirectory)", "pid": "\(getpid())"])
            checkpoint("locked")
            do { store = try Store(path: storePath) } catch { return try failedToStart(error) }
        }
        do { runID = try openNight(store) } catch { return try failedToStart(error) }
        store.runID = runID

        // Debris of a run killed while writing (the lock says no other run is writing now): every
        // folder a night writes whole files into (the reports folder whole: its index page is there).
        for folder in [
            configuration.resolvedPath(\.paths.outbox), paths.dated(\.paths.rejects), configuration.resolvedPath(\.paths.reports),
            paths.dated(\.paths.archive),
        ] {
            TemporaryFile.sweep(under: folder)
        }
        var failure: (stage: RunStage, message: String)?
        var blocked: [NightReport.BlockedDraw] = []
        var ignored: [String] = []
        func attempt(_ stage: RunStage, _ body: () throws -> Void) {
            guard failure == nil else { return }
            logger.info("stage \(stage.rawValue)")
            do {
                try body()
            } catch {
                failure = (stage, String(describing: error))
                logger.error("stage \(stage.rawValue) failed", metadata: ["error": "\(error)"])
            }
        }
        let night = NightDraws(store: store, configuration: configuration, clock: clock)
        attempt(.inbox) { ignored = try takeInbox(store: store, runID: runID, night: night) }
        attempt(.prepare) { try prepare(night) }
        attempt(.draw) { blocked = try draw(night) }
        attempt(.publish) { try publish(store: store) }

        var report: NightReport
        do {
            report = try NightReport.build(
                store: store, runID: runID, date: today, configuration: configuration,
                blocked: blocked, ignored: ignored, failure: failure)
        } catch {
            logger.error("cannot build the report", metadata: ["error": "\(error)"])
            report = NightReport.failedToStart(date: today, message: String(describing: error))
            report.failedStage = .report
        }
        do {
            try writeReportFiles(report, store: store)
            checkpoint("report-written")
            try finishNight(store: store, runID: runID, report: report)
        } catch {
            logger.error("cannot write the report", metadata: ["error": "\(error)"])
            report.failedStage = report.failedStage ?? .report
            report.failure = report.failure ?? String(describing: error)
            report.exitCode = ExitStatus.failure.rawValue
        }
        logger.info("run finished", metadata: ["exitCode": "\(report.exitCode)"])
        return report
    }

    /// The report of a night whose store could not be opened: written, and returned.
    func failedToStart(_ error: any Error) throws -> NightReport {
        logger.error("cannot open the store", metadata: ["error": "\(error)"])
        let report = NightReport.failedToStart(date: today, message: String(describing: error))
        try writeReportFiles(report, store: nil)
        return report
    }

    /// Stops the night before it does anything (setup error, exit 78) when the inbox folder it reads
    /// is not there: a night that found "0 files" in a folder that does not exist would look well.
    public func checkSetup() throws {
        let inbox = configuration.resolvedPath(\.paths.inbox)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: inbox, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw NightSetupError(Message(.setupNoInbox, ["path": inbox]))
        }
    }

    // MARK: The night's row

    /// The night's `runs` row, created on its first run (a later run of the same night reuses it).
    func openNight(_ store: any StageStore) throws -> Int64 {
        let date = today.description
        if let id = try store.reading({ sql in try sql.integer("SELECT id FROM runs WHERE run_date = ?", [date]) }) {
            return id
        }
        return try store.writing { sql in
            guard
                let id = try sql.integer(
                    "INSERT INTO runs (run_date, started_at) VALUES (?, ?) RETURNING id", [date, clock.now().storeTimestamp])
            else { throw StoreError(path: "runs", Message(.storeNoRowID, ["statement": "INSERT INTO runs"])) }
            return id
        }
    }

    /// Records the outcome on the night's row, unless it is already recorded exactly so (a second run
    /// of a night that changed nothing writes nothing).
    func finishNight(store: any StageStore, runID: Int64, report: NightReport) throws {
        let json = try report.json()
        let stored = try store.reading { sql in try sql.row("SELECT report_json FROM runs WHERE id = ?", [runID])?.text(0) }
        guard stored != json else { return }
        try store.writing { sql in
            try sql.execute(
                "UPDATE runs SET finished_at = ?, exit_code = ?, failed_stage = ?, report_json = ? WHERE id = ?",
                [clock.now().storeTimestamp, Int(report.exitCode), report.failedStage?.rawValue, json, runID])
        }
    }

    /// Writes `reports/<date>/run.json`, `run.txt` and the pages (`index.html` there and in `reports/`)
    /// atomically (same bytes again: untouched).
    func writeReportFiles(_ report: NightReport, store: (any StageStore)?) throws {
        let folder = paths.dated(\.paths.reports)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // run.txt in the language of the pages: the configured one, else Chinese (the county's civil servants read it).
        let words = configuration.ui.pageWords
        for (name, text) in [("run.json", try report.json() + "\n"), ("run.txt", report.text(in: words))] {
            let path = folder + "/" + name
            let bytes = Array(text.utf8)
            if (try? Data(contentsOf: URL(fileURLWithPath: path))).map(Array.init) == bytes { continue }
            try AtomicFileWriter.write(bytes, to: path)
        }
        try ReportPages.write(report: report, store: store, configuration: configuration)
    }

    // MARK: Inbox

    /// Takes every file of the inbox in order; returns the paths left alone.
    func takeInbox(store: any StageStore, runID: Int64, night: NightDraws) throws -> [String] {
        let inbox = Inbox(root: configuration.resolvedPath(\.paths.inbox))
        var (files, misplaced, ignored) = inbox.scan(in: configuration.ui.pageWords)
        // A link to the store (or its journal) is never opened: closing it would drop SQLite's locks.
        let storeFiles = Set((files + misplaced).filter { (store as? Store)?.isStoreFile($0.path) ?? false }.map(\.relativePath))
        files.removeAll { storeFiles.contains($0.relativePath) }
        misplaced.removeAll { storeFiles.contains($0.relativePath) }
        ignored += storeFiles.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map {
            "\($0) (\(configuration.ui.pageWords(.inboxStoreItself)))"
        }
        logger.info("inbox", metadata: ["files": "\(files.count + misplaced.count)"])
        var left: [String] = []
        for file in misplaced {
            let reason = configuration.ui.pageWords(
                file.kind == .register ? .nightMisplacedRegister : .nightMisplacedInspectors, ["folder": file.kind.folder])
            if let why = try take(file, store: store, runID: runID, importing: { _ in .rejected(reason) }) {
                left.append("\(file.relativePath) (\(why))")
            }
        }
        for (index, file) in files.enumerated() {
            progress?("[\(index + 1)/\(files.count)] \(file.relativePath)")
            if let why = try take(
                file, store: store, runID: runID, importing: { try importFile(file, digest: $0, store: store, night: night) })
            {
                left.append("\(file.relativePath) (\(why))")
            }
            // What the file's import freed goes back to the system before the next file: glibc
            // keeps a thread's freed memory in that thread's arena, and an import's reading
            // threads (XML: three) left their buffers there, which the later work of the night
            // did not reuse. The night of the nightly benchmark peaked at 197–198 MB instead of
            // 185 (16 XML blocks scanned ahead), and at 185 with this.
            #if os(Linux)
            _ = glibcMallocTrim(0)
            #endif
        }
        progress?(nil)
        return (ignored + left).map { "inbox/" + $0 }
    }

    /// What importing one file came to.
    enum Taken {
        /// Stored, as this import.
        case imported(importID: Int64)
        /// Nothing to do: the reason.
        case skipped(String)
        /// Refused as a whole: the reason.
        case rejected(String)
        /// Not taken tonight (it changed while it was read): left in the inbox, with the reason.
        case left(String)
    }

    /// One file: journal look-up, import, journal, move. Returns why the file was left in the
    /// inbox, or nil when it was taken.
    func take(_ file: InboxFile, store: any StageStore, runID: Int64, importing: (FileDigest) throws -> Taken) throws -> String? {
        let digest: FileDigest
        do {
            // Never through a symbolic link: one put in place of the file since the scan is refused.
            digest = try FileDigest.of(path: file.path, displayName: "inbox/" + file.relativePath, followLinks: false)
        } catch {
            // Unreadable (permissions, or no longer a file): leave it where it is and say so; the next night tries again.
            logger.warning("cannot read an inbox file; left in place", metadata: ["file": "\(file.relativePath)", "error": "\(error)"])
            return (error as? MalformedFileError)?.message ?? "cannot be read"
        }
        let journaled = try store.reading { sql in
            try sql.row(
                "SELECT archived_to FROM run_files WHERE run_id = ? AND inbox_path = ? AND content_sha256 = ?",
                [runID, file.relativePath, digest.sha256])?.text(0)
        }
        if let journaled {
            try FilePlacement.move(file.path, to: paths.absolute(journaled))
            return nil
        }
        let outcome: Taken
        if let earlier = try earlierImport(of: file, digest: digest, store: store, runID: runID) {
            outcome = earlier
        } else {
            outcome = try importing(digest)
            if case let .left(why) = outcome {
                logger.warning("changed while it was read; left in place", metadata: ["file": "\(file.relativePath)"])
                return why
            }
            checkpoint("file-imported")
        }
        let folder: String
        switch outcome {
        case .rejected: folder = paths.dated(\.paths.rejects)
        case .imported, .skipped, .left: folder = paths.dated(\.paths.archive)
        }
        let destination = FilePlacement.destination(folder: folder, relativePath: file.relativePath, sha256: digest.sha256)
        try store.writing { sql in
            var importID: Int64?
            var reason: String?
            let name: String
            switch outcome {
            case let .imported(id): (name, importID) = ("imported", id)
            case let .skipped(why): (name, reason) = ("skipped", why)
            case let .rejected(why), let .left(why): (name, reason) = ("rejected", why)
            }
            try sql.execute(
                """
                INSERT INTO run_files (run_id, inbox_path, content_sha256, kind, department, outcome, import_id, reason, archived_to)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    runID, file.relativePath, digest.sha256, file.kind.rawValue, file.department, name, importID, reason,
                    paths.relative(destination),
                ])
        }
        checkpoint("file-journaled")
        try FilePlacement.move(file.path, to: destination)
        switch outcome {
        case .imported: logger.info("imported", metadata: ["file": "\(file.relativePath)"])
        case let .skipped(why): logger.info("skipped", metadata: ["file": "\(file.relativePath)", "reason": "\(why)"])
        case let .rejected(why), let .left(why): logger.notice("rejected", metadata: ["file": "\(file.relativePath)", "reason": "\(why)"])
        }
        checkpoint("file-moved")
        return nil
    }

    /// The scope a file's imports are recorded under (see the importers).
    func scopeKey(of file: InboxFile) -> String? {
        switch file.kind {
        case .plan: "plan:\(configuration.year):\(configuration.region)"
        case .register: "register:\(file.department ?? "")"
        case .inspectors: "inspectors:\(file.department ?? "")"
        case .avoidance: "avoidance"
        case .results: "results:\(configuration.year):\(configuration.region)"
        case .seed: SeedFile.parse(name: (file.relativePath as NSString).lastPathComponent).map { "seed:\($0.group):\($0.round)" }
        }
    }

    /// The same content imported before in the same scope: tonight (a killed attempt) or earlier.
    func earlierImport(of file: InboxFile, digest: FileDigest, store: any StageStore, runID: Int64) throws -> Taken? {
        guard let scope = scopeKey(of: file) else { return nil }
        return try store.reading { sql in
            guard
                let row = try sql.row(
                    "SELECT id, run_id, file_name, imported_at FROM imports WHERE scope_key = ? AND content_sha256 = ? ORDER BY id LIMIT 1",
                    [scope, digest.sha256])
            else { return nil }
            let id = try row.requiredInteger(0)
            let name = try row.requiredText(2)
            // This very file, imported tonight by a run that was killed before journaling it.
            if let run = try row.integer(1), run == runID, name == "inbox/" + file.relativePath { return .imported(importID: id) }
            let at = try row.requiredText(3)
            return .skipped(
                configuration.ui.pageWords(.nightSkipAlreadyImported, ["name": name, "date": String(at.prefix(10))]))
        }
    }

    /// Imports one file through the stage for its kind.
    func importFile(_ file: InboxFile, digest: FileDigest, store: any StageStore, night: NightDraws) throws -> Taken {
        let display = "inbox/" + file.relativePath
        let rejects = paths.rejectsFile(of: file.relativePath, workbook: InputSniffer.isWorkbook(path: file.path))
        func importID() throws -> Int64? {
            try store.reading { sql in
                try sql.integer(
                    "SELECT id FROM imports WHERE run_id = ? AND content_sha256 = ? ORDER BY id DESC LIMIT 1", [store.runID, digest.sha256])
            }
        }
        // Why a file was rejected, as the night's report and pages show it: in the pages' language.
        func say(_ key: MessageKey) -> String { configuration.ui.pageWords(key) }
        func firstError(_ diagnostics: [Diagnostic]) -> String {
            (diagnostics.first { $0.severity == .error } ?? diagnostics.first)?.rendered(in: configuration.ui.pageLanguage) ?? "rejected"
        }
        func log(_ diagnostics: [Diagnostic]) {
            for d in diagnostics.prefix(20) { logger.notice("\(d.description)") }
            if diagnostics.count > 20 { logger.notice("… and \(diagnostics.count - 20) more findings in \(display)") }
        }
        switch file.kind {
        case .plan:
            let report = try PlanImportJob(store: store, clock: clock, reader: try PlanReader(configuration: configuration)).run(
                PlanSource(
                    path: file.path, displayName: display, configuredYear: configuration.givenYear,
                    configuredRegion: configuration.givenRegion),
                digest: digest)
            log(report.diagnostics)
            night.planChanged()
            switch report.outcome {
            case nil: return .rejected(firstError(report.diagnostics))
            case .unchanged: return .skipped(say(.nightSkipPlanUnchanged))
            case .imported: return try importID().map { .imported(importID: $0) } ?? .skipped(say(.nightSkipNothingStored))
            }
        case .register, .inspectors, .avoidance:
            let kind: SnapshotKind = file.kind == .register ? .register : file.kind == .inspectors ? .inspectors : .avoidance
            let size = max(digest.byteCount, 1)
            var lastShown = 0
            let shown: (Int) -> Void = { bytes in
                checkpoint("importing")
                let percent = min(100, bytes * 100 / size)
                if percent >= lastShown + 5 {
                    lastShown = percent
                    progress?("\(file.relativePath): \(percent)%")
                }
            }
            var request = SnapshotImportRequest(
                kind: kind, path: file.path, displayName: display, department: file.department,
                rejectsPath: rejects, digest: digest, followsLinks: false)
            request.language = configuration.ui.pageLanguage // the rejects file goes back to the department, as the pages do
            let report = try store.importSnapshot(request, clock: clock, progress: shown, checkpoint: checkpoint)
            log(report.diagnostics)
            switch report.outcome {
            case .imported: return try importID().map { .imported(importID: $0) } ?? .skipped(say(.nightSkipNothingStored))
            case .unchanged: return .skipped(say(.nightSkipLatest))
            case .fileRejected, .refused: return .rejected(firstError(report.diagnostics))
            case .changedWhileRead:
                return .left(
                    report.diagnostics.first.map { configuration.ui.pageWords($0.text) } ?? say(.nightChangedWhileRead)
                )
            case .dryRun: return .skipped(say(.nightSkipDryRun))
            }
        case .results:
            var request = ResultsImportRequest(
                path: file.path, displayName: display, year: configuration.year, region: configuration.region, rejectsPath: rejects,
                digest: digest, followsLinks: false)
            request.language = configuration.ui.pageLanguage
            let report = try ResultsImporter(store: store, clock: clock).run(request)
            log(report.diagnostics)
            switch report.outcome {
            case .imported: return try importID().map { .imported(importID: $0) } ?? .skipped(say(.nightSkipNothingStored))
            case .unchanged: return .skipped(say(.nightSkipLatestResults))
            case .fileRejected: return .rejected(firstError(report.diagnostics))
            case .changedWhileRead:
                return .left(
                    report.diagnostics.first.map { configuration.ui.pageWords($0.text) } ?? say(.nightChangedWhileRead)
                )
            case .dryRun: return .skipped(say(.nightSkipDryRun))
            }
        case .seed:
            return try SeedIntake(night: night).take(file, digest: digest)
        }
    }

    // MARK: Prepare, draw, publish

    /// Prepares, for every group whose next undrawn round starts within the lead time, a commitment
    /// if it has none or the store no longer matches it. Empty populations get none. When the night's
    /// fingerprint matches (NightFingerprint.swift), nothing changed since: nothing is recomputed.
    func prepare(_ night: NightDraws) throws {
        guard let (plan, planID) = try night.plan() else {
            throw NightSetupError(Message(.setupNoPlanForNight, ["year": "\(configuration.year)", "region": configuration.region]))
        }
        let horizon = today.daysSince1970 + configuration.draw.leadDays
        let draws = try night.draws()
        let drawn = try night.store.reading { sql in try draws.currentEntries(sql, planID: planID, results: false) }
        var tasks: [Int] = []
        for group in DrawGroups.form(plan) {
            let done = drawn[group.key] ?? [:]
            guard let next = group.schedule.rounds.first(where: { done[$0.number] == nil }), next.start.dayNumber <= horizon else {
                continue
            }
            tasks.append(contentsOf: group.taskSeqs)
        }
        guard !tasks.isEmpty else { return }
        progress?("preparing commitments")
        guard let made = try draws.prepareNight(plan: plan, planID: planID, tasks: tasks, loadInputs: night.inputs) else {
            progress?(nil)
            logger.info("nothing changed since the commitments were made (the night's fingerprint matches): not recomputed")
            checkpoint("unchanged")
            return
        }
        progress?(nil)
        for p in made.prepared {
            logger.notice(
                "commitment prepared: publish it before the seed",
                metadata: ["group": "\(p.group.key)", "round": "\(p.round.number)", "sha256": "\(p.hash)"])
        }
        checkpoint("prepared")
    }

    /// Draws every undrawn round whose current commitment has a seed; returns the draws that could not be made.
    func draw(_ night: NightDraws) throws -> [NightReport.BlockedDraw] {
        guard let (plan, planID) = try night.plan() else { return [] }
        let draws = try night.draws()
        let ready = try night.store.reading { sql in try SeedIntake.ready(sql, planID: planID, draws: draws) }
        let groups = Dictionary(uniqueKeysWithValues: DrawGroups.form(plan).map { ($0.key, $0) })
        var blocked: [NightReport.BlockedDraw] = []
        let inputs = ready.isEmpty ? nil : try night.inputs()
        for (index, (group, round, seed)) in ready.enumerated() {
            guard let tasks = groups[group]?.taskSeqs else { continue }
            progress?("drawing \(group) round \(round) [\(index + 1)/\(ready.count)]")
            do {
                let outcome = try draws.run(plan: plan, planID: planID, seed: seed, tasks: tasks, round: round, reason: nil, inputs: inputs)
                for d in outcome.done {
                    logger.notice("drawn", metadata: ["group": "\(group)", "round": "\(round)", "ledger": "\(d.entry.seq)"])
                }
                for f in outcome.failed {
                    logger.warning("draw blocked", metadata: ["group": "\(f.group)", "round": "\(f.round)", "reason": "\(f.reason)"])
                    blocked.append(
                        NightReport.BlockedDraw(
                            group: f.group, round: f.round, reason: configuration.ui.pageWords(f.text)))
                }
                checkpoint("drawn")
            } catch let error as DrawStoreError {
                logger.warning("draw blocked", metadata: ["group": "\(group)", "round": "\(round)", "reason": "\(error.message)"])
                let prefix = "\(group) round \(round): "
                let said = configuration.ui.pageWords(error.text)
                let reason = said.hasPrefix(prefix) ? String(said.dropFirst(prefix.count)) : said
                blocked.append(NightReport.BlockedDraw(group: group, round: round, reason: reason))
            }
        }
        progress?(nil)
        return blocked
    }

    /// Publishes what is ready, as `suiji publish` does.
    func publish(store: any StageStore) throws {
        let report = try Publisher(store: store, clock: clock).run(
            PublishRequest(outDirectory: configuration.resolvedPath(\.paths.outbox), formats: configuration.publish.formats))
        for d in report.diagnostics { logger.warning("\(d.description)") }
        if report.hasChanges { logger.notice("published", metadata: ["rounds": "\(report.rounds.count)"]) }
        checkpoint("published")
    }
}

/// Where one night's files go: every path the run writes, and their workspace-relative form.
struct NightPaths {
    /// The configuration (its folder is the workspace).
    let configuration: Configuration
    /// The night.
    let date: CivilDate

    /// `<folder>/<date>` for a configured folder such as `paths.archive`.
    func dated(_ folder: KeyPath<Configuration, String>) -> String {
        configuration.resolvedPath(folder) + "/" + date.description
    }

    /// The rejected rows of an inbox file: `rejects/<date>/<inbox path>.rejects.csv`, or
    /// `.rejects.xlsx` for a workbook (its rejects keep the department's sheet layout).
    func rejectsFile(of inboxPath: String, workbook: Bool = false) -> String {
        dated(\.paths.rejects) + "/" + inboxPath + (workbook ? ".rejects.xlsx" : ".rejects.csv")
    }

    /// The workspace-relative form of an absolute path under the configuration's folder.
    func relative(_ path: String) -> String {
        let base = configuration.baseDirectory.hasSuffix("/") ? configuration.baseDirectory : configuration.baseDirectory + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    /// An absolute path from a workspace-relative one.
    func absolute(_ path: String) -> String { Configuration.join(configuration.baseDirectory, path) }
}

/// What the draw stages of one night share, each made on first use and then kept: one `DrawStore`
/// (the scope map read once), the plan, and the draw inputs (every current register row, read once:
/// after the inbox stage nothing the run does changes them).
final class NightDraws {
    /// The store.
    let store: any StageStore
    /// The configuration.
    let configuration: Configuration
    /// Timestamps.
    let clock: Clock
    private var madeDraws: DrawStore?
    private var madePlan: (plan: AnnualPlan, id: Int64)??
    private var madeInputs: DrawInputs?

    init(store: any StageStore, configuration: Configuration, clock: Clock) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
    }

    /// The draw store.
    func draws() throws -> DrawStore {
        if let madeDraws { return madeDraws }
        let made = try DrawStore(store: store, configuration: configuration, clock: clock)
        madeDraws = made
        return made
    }

    /// The configured year's plan, or nil if none is stored. Read again after a plan file is taken.
    func plan() throws -> (plan: AnnualPlan, id: Int64)? {
        if let madePlan { return madePlan }
        let made = try draws().storedPlan(year: configuration.year, region: configuration.region)
        madePlan = .some(made)
        return made
    }

    /// Forgets the plan (a plan file was just imported).
    func planChanged() { madePlan = nil }

    /// The draw inputs; only for the stages after the inbox.
    func inputs() throws -> DrawInputs {
        if let madeInputs { return madeInputs }
        let made = try store.drawInputs()
        madeInputs = made
        return made
    }
}

/// The night cannot run as configured (exit 78): what is missing and what to do.
public struct NightSetupError: LocalizedReportableError, Sendable, Hashable {
    /// What is missing and what to do.
    public var message: Message
    /// The text (the same in every language: its values are paths and codes).
    public func message(in language: UILanguage) -> Message { message }
    /// A setup error.
    public var exitStatus: ExitStatus { .configuration }
    /// `error: ` and the English text (what the night's report records).
    public var description: String { "error: " + MessageCatalogue(.en)(message) }

    /// Creates the error from its message.
    init(_ message: Message) { self.message = message }
}

#if os(Linux)
/// glibc's `malloc_trim` (malloc.h, which the Glibc module does not export).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
