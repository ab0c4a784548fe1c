// `suiji publish`: the payloads of every task round whose results are not yet published or have
// changed since, diffed against the publication ledger (like `terraform plan`, then `apply`).
//
// For each task round that has results (in any version) or ledger entries, the payload is built
// from the plan, the round's dates, the draw's counts and the current results; its ledger records
// are compared with the last ledger entry of each record key of that round (so other rounds are
// never proposed for withdrawal). A round with any addition, change or withdrawal is published as a
// whole: its files are rendered, the XML validated against gsxt-payload.xsd, every file written
// atomically (temporary file, fsync, rename, fsync of the folder), and the ledger entries appended
// in the same transaction. Files are written before the transaction commits: if the commit fails,
// the next run writes the same files again (at least once, never lost).
//
// A dry run opens the store read-only (a connection SQLite does not let write) and touches no file.

internal import Foundation
public import Pipeline

/// One task round as a publication would produce it, with its difference from the ledger.
public struct PlannedPublication: Sendable {
    /// The plan's year.
    public var year: Int
    /// The plan's region.
    public var region: String
    /// The task's 序号.
    public var taskSeq: Int
    /// The round.
    public var round: Int
    /// The payload of the round as it would be published.
    public var payload: PublicationPayload
    /// What publishing it would change.
    public var diff: PublicationDiff
    /// The round's last day (for deadlines).
    public var roundEnd: CivilDate
    /// `plans.id`.
    var planID: Int64
}

/// Why a publication stopped; nothing was published.
public struct PublicationError: LocalizedReportableError, Sendable, Hashable, CustomStringConvertible {
    /// What happened and what to do.
    public var text: Message

    /// Creates an error.
    public init(_ text: Message) { self.text = text }

    /// ``text`` in English.
    public var message: String { text.english }

    /// The text, rendered where it is printed.
    public func message(in language: UILanguage) -> Message { text }

    /// `error: message`.
    public var description: String { "error: \(message)" }
}

/// An error of the publication's inputs (a payload, a diff, the calendar) as a catalogue text; any
/// other error as its own words.
func publicationText(of error: any Error) -> Message {
    switch error {
    case let error as PublicationPayloadError: error.text
    case let error as PublicationDiffError: error.text
    case let error as WorkingDayCalendarError: error.text
    default: Message(verbatim: String(describing: error))
    }
}

/// What `suiji publish` should do.
public struct PublishRequest: Sendable, Hashable {
    /// The folder payload files are written to.
    public var outDirectory: String
    /// The formats to write, in order.
    public var formats: [Configuration.PublishFormat]
    /// Compute and show the diff only.
    public var dryRun: Bool
    /// Where the public pages go (PublicPages.swift): `<outDirectory>/public` unless told otherwise; nil for none.
    public var publicDirectory: String?

    /// Creates a request.
    public init(outDirectory: String, formats: [Configuration.PublishFormat] = [.json, .xml], dryRun: Bool = false) {
        self.outDirectory = outDirectory
        self.formats = formats
        self.dryRun = dryRun
        self.publicDirectory = outDirectory + "/public"
    }
}

/// What a publication did (or, in a dry run, would do).
public struct PublishReport: Sendable, Codable {
    /// One task round with changes.
    public struct Round: Sendable, Codable {
        /// The round's 抽查任务编号, e.g. `1409812024P017R01`.
        public var raninsTaskId: String
        /// The task's 序号.
        public var taskSeq: Int
        /// The round.
        public var round: Int
        /// The files written (empty in a dry run).
        public var files: [String]
        /// The changes.
        public var diff: PublicationDiff
    }

    /// True for a dry run.
    public var dryRun: Bool
    /// The task rounds with changes, in task and round order.
    public var rounds: [Round]
    /// Totals over every task round considered, unchanged records included.
    public var summary: PublicationDiff.Summary
    /// Warnings found along the way.
    public var diagnostics: [Diagnostic]

    /// True if publishing changes (or would change) anything.
    public var hasChanges: Bool { rounds.contains { !$0.diff.isEmpty } }

    /// Dry run: 2 when something would change, else 0 (terraform's `-detailed-exitcode`); a real run: 0.
    public var status: ExitStatus { dryRun ? .dryRun(rejected: false, wouldChange: hasChanges) : .success }

    /// The report for people: each round's diff, then the totals.
    public var text: String { text(in: MessageCatalogue(.en)) }

    /// The diff and the outcome in the catalogue's language (`+ id`, `~ id` with its field changes, `- id`).
    public func text(in words: MessageCatalogue) -> String {
        var lines: [String] = []
        for round in rounds {
            lines.append(
                words(
                    .publishRound,
                    [
                        "task": round.raninsTaskId, "seq": "\(round.taskSeq)", "round": "\(round.round)",
                        "counts": Self.counts(round.diff.summary, words),
                    ]))
            for addition in round.diff.added { lines.append("  + \(addition.id)") }
            for change in round.diff.changed {
                lines.append("  ~ \(change.id)")
                for field in change.fields { lines.append("      " + field.description(absent: words(.publishFieldAbsent))) }
            }
            for withdrawal in round.diff.withdrawn { lines.append("  - \(withdrawal.id)") }
            for file in round.files { lines.append("  " + words(.publishWrote, ["file": file])) }
        }
        let totals = Self.counts(summary, words)
        let values = ["counts": totals, "rounds": "\(rounds.count)", "unchanged": "\(summary.unchanged)"]
        switch (dryRun, hasChanges) {
        case (true, true): lines.append(words(.publishDryRunChanges, values))
        case (true, false): lines.append(words(.publishDryRunNothing, values))
        case (false, true): lines.append(words(.publishPublished, values))
        case (false, false): lines.append(words(.publishNothing, values))
        }
        return lines.joined(separator: "\n")
    }

    /// Machine-readable: sorted keys, two-space indentation.
    public func json() throws -> String {
        try JSONOutput.text(self, kind: "publish")
    }

    static func counts(_ summary: PublicationDiff.Summary, _ words: MessageCatalogue) -> String {
        words(
            .publishCounts,
            [
                "added": "\(summary.added)", "changed": "\(summary.changed)", "withdrawn": "\(summary.withdrawn)",
                "unchanged": "\(summary.unchanged)",
            ])
    }
}

/// Publishes payloads: the stage behind `suiji publish`.
public struct Publisher {
    /// The store: SQLite, or a county's lane of PostgreSQL.
    public let store: any StageStore
    /// The clock for ledger timestamps.
    public let clock: Clock

    /// Creates a publisher.
    public init(store: any StageStore, clock: Clock = .system) {
        self.store = store
        self.clock = clock
    }

    /// Plans and (unless a dry run) publishes. Throws `PublicationError` when a payload cannot be
    /// built or fails the schema; nothing is published then.
    public func run(_ request: PublishRequest) throws -> PublishReport {
        if request.dryRun || store.isReadOnly {
            return try store.reading { sql in
                let (planned, diagnostics, _) = try Self.plan(sql)
                return Self.report(planned, files: [:], dryRun: true, diagnostics: diagnostics)
            }
        }
        let schema = request.formats.contains(.xml) ? try XMLSchema.bundledPayload() : nil
        let runID = store.runID
        // The registered names the plan read, for the pages after the commit: the lock this
        // publication holds keeps every other writer out, and publishing changes no register row.
        var names: [Int64: [String: String]] = [:]
        var report = try store.writing { sql in
            let (planned, diagnostics, namesRead) = try Self.plan(sql)
            names = namesRead
            let changed = planned.filter { !$0.diff.isEmpty }
            // Render and validate everything before the first file is written.
            var rendered: [(name: String, bytes: [UInt8])] = []
            var filesByRound: [String: [String]] = [:]
            for publication in changed {
                for format in request.formats {
                    let name = publication.payload.fileStem + "." + format.rawValue
                    let bytes: [UInt8]
                    switch format {
                    case .json:
                        bytes = Array(publication.payload.jsonText.utf8)
                    case .xml:
                        do {
                            bytes = Array(try publication.payload.xmlText().utf8)
                        } catch {
                            throw PublicationError(
                                Message(
                                    .publishAt, ["place": publication.payload.task.raninsTaskId],
                                    parts: ["reason": publicationText(of: error)]))
                        }
                        if let schema {
                            let problems = try XMLSchemaValidator.validate(bytes: bytes, displayName: name, against: schema)
                            if !problems.isEmpty {
                                throw PublicationError(
                                    Message(
                                        .publishXSDInvalid,
                                        ["file": name, "problems": problems.map { "\n" + $0.description }.joined()]))
                            }
                        }
                    }
                    rendered.append((name, bytes))
                    filesByRound[publication.payload.task.raninsTaskId, default: []].append(
                        URL(fileURLWithPath: request.outDirectory).appendingPathComponent(name).path)
                }
            }
            if !rendered.isEmpty {
                try AtomicFileWriter.createDirectory(request.outDirectory)
                for file in rendered {
                    try AtomicFileWriter.write(
                        file.bytes, to: URL(fileURLWithPath: request.outDirectory).appendingPathComponent(file.name).path)
                }
            }
            // The ledger's new entries with a few statements (each a round trip on PostgreSQL), in
            // the order they were always appended: per round, additions, changes, withdrawals.
            let now = clock.now().storeTimestamp
            var entries: [[any SQLBindable]] = []
            for publication in changed {
                let records = Dictionary(uniqueKeysWithValues: publication.payload.ledgerRecords.map { ($0.id, $0) })
                let fileName = request.formats.first.map { publication.payload.fileStem + "." + $0.rawValue }
                func append(_ id: String, uscc: String, action: PublicationAction, record: LedgerRecord?) {
                    entries.append([
                        id, publication.planID, publication.taskSeq, publication.round, uscc, action.rawValue, record?.sha256,
                        record?.json, fileName, now, runID,
                    ])
                }
                for addition in publication.diff.added {
                    append(addition.id, uscc: addition.uscc, action: .add, record: records[addition.id])
                }
                for change in publication.diff.changed { append(change.id, uscc: change.uscc, action: .change, record: records[change.id]) }
                for withdrawal in publication.diff.withdrawn {
                    append(withdrawal.id, uscc: withdrawal.uscc, action: .withdraw, record: nil)
                }
            }
            try sql.insert(
                into: "publication_ledger",
                columns: [
                    "record_key", "plan_id", "task_seq", "round", "uscc", "action", "content_sha256", "payload_json", "file_name",
                    "published_at", "run_id",
                ],
                rows: entries)
            return Self.report(planned, files: filesByRound, dryRun: false, diagnostics: diagnostics)
        }
        // The public pages from what is now committed: every run rebuilds them whole, so a run killed
        // after the commit and before the pages leaves the next run (or night) to write them.
        if let folder = request.publicDirectory {
            report.diagnostics += try PublicPages.write(store: store, to: folder, knownNames: names).warnings
        }
        return report
    }

    private static func report(
        _ planned: [PlannedPublication], files: [String: [String]], dryRun: Bool, diagnostics: [Diagnostic]
    ) -> PublishReport {
        var summary = PublicationDiff.Summary(added: 0, changed: 0, withdrawn: 0, unchanged: 0)
        var rounds: [PublishReport.Round] = []
        for publication in planned {
            summary.added += publication.diff.summary.added
            summary.changed += publication.diff.summary.changed
            summary.withdrawn += publication.diff.summary.withdrawn
            summary.unchanged += publication.diff.summary.unchanged
            guard !publication.diff.isEmpty else { continue }
            let id = publication.payload.task.raninsTaskId
            rounds.append(
                PublishReport.Round(
                    raninsTaskId: id, taskSeq: publication.taskSeq, round: publication.round, files: files[id] ?? [], diff: publication.diff
                ))
        }
        return PublishReport(dryRun: dryRun, rounds: rounds, summary: summary, diagnostics: diagnostics)
    }

    /// The plan name shown on GSXT: the plans table does not hold one, so it is formed from the
    /// tasks' area (抽查区域, else the region code) and the year, as 原平市's plan is titled:
    /// `原平市2024年度部门联合双随机抽查工作计划`.
    public static func planName(_ plan: AnnualPlan) -> String {
        let area = plan.tasks.lazy.compactMap { $0.area?.trimmingWhitespace() }.first { !$0.isEmpty } ?? plan.region
        return "\(area)\(plan.year)年度部门联合双随机抽查工作计划"
    }

    /// Every task round with results or ledger entries, with its payload and diff; and the
    /// registered names it read, per plan id (``RegisteredNames/ofPlan(_:in:)``), for a caller that
    /// needs them again in the same state of the registers. `knownNames` are such names, not read again.
    static func plan(_ sql: any StageSQL, knownNames: [Int64: [String: String]] = [:]) throws -> (
        planned: [PlannedPublication], diagnostics: [Diagnostic], names: [Int64: [String: String]]
    ) {
        var planned: [PlannedPublication] = []
        var diagnostics: [Diagnostic] = []
        var namesByPlan = knownNames
        for stored in try ResultsStore.plans(in: sql) {
            let plan = stored.plan
            let drawn = try ResultsStore.drawnRounds(planID: stored.id, in: sql)
            // Read at the first result to publish: a pass over the registers, which a night without
            // results must not pay (the empty night of 1,000,000 rows took 0.62 s instead of 0.19).
            var names: [String: String]? = knownNames[stored.id]
            defer { if let names { namesByPlan[stored.id] = names } }
            var groupOfTask: [Int: String] = [:]
            for group in DrawGroups.form(plan) { for seq in group.taskSeqs { groupOfTask[seq] = group.key } }
            for (seq, roundNumber) in try ResultsStore.taskRounds(planID: stored.id, in: sql) {
                let labelText = Message(
                    .publishRoundLabel, ["seq": "\(seq)", "round": "\(roundNumber)", "year": "\(plan.year)", "region": plan.region])
                let label = MessageCatalogue(.en)(labelText)
                guard let task = plan.tasks.first(where: { $0.seq == seq }),
                    let round = RoundSchedule(task: task, year: plan.year).round(roundNumber),
                    let start = round.start.civilDate, let end = round.end.civilDate
                else {
                    diagnostics.append(Diagnostic(.warning, Message(.publishNoLongerInPlan, parts: ["label": labelText])))
                    continue
                }
                let draw = groupOfTask[seq].flatMap { drawn[DrawnObjects.key(group: $0, round: roundNumber)] }
                var inspections: [EntityInspection] = []
                for result in try ResultsStore.currentResults(planID: stored.id, taskSeq: seq, round: roundNumber, in: sql)
                where !result.withdrawn {
                    let registered = try names ?? RegisteredNames.ofPlan(stored.id, in: sql)
                    names = registered
                    guard let name = registered[result.uscc] else {
                        throw PublicationError(Message(.publishResultNoRegister, ["uscc": result.uscc, "label": label]))
                    }
                    let inspectedOn: CivilDate
                    do {
                        inspectedOn = try CivilDate(parsing: result.inspectedOn)
                    } catch {
                        throw PublicationError(
                            Message(.publishResultBadDate, ["uscc": result.uscc, "label": label, "reason": "\(error)"]))
                    }
                    inspections.append(EntityInspection(uscc: result.uscc, name: name, inspectedOn: inspectedOn, codes: try result.codes()))
                }
                let drawnCount = draw?.drawnCount ?? inspections.count
                if draw != nil, draw?.populationCount == nil {
                    diagnostics.append(Diagnostic(.warning, Message(.publishNoPopulation, parts: ["label": labelText])))
                }
                let publicationRound = PublicationRound(
                    round: roundNumber, start: start, end: end, populationCount: draw?.populationCount ?? drawnCount,
                    drawnCount: drawnCount,
                    drawLedgerHead: try DrawStore.ledgerHead(sql))
                do {
                    let payload = try PublicationPayload(
                        plan: plan, task: task, round: publicationRound, planName: planName(plan), inspections: inspections)
                    let published = try ResultsStore.publishedStates(planID: stored.id, taskSeq: seq, round: roundNumber, in: sql)
                    let diff = try PublicationDiff(proposed: payload.ledgerRecords, published: published)
                    planned.append(
                        PlannedPublication(
                            year: plan.year, region: plan.region, taskSeq: seq, round: roundNumber, payload: payload, diff: diff,
                            roundEnd: end, planID: stored.id))
                } catch let error as PublicationPayloadError {
                    throw PublicationError(Message(.publishAt, ["place": label], parts: ["reason": error.text]))
                } catch let error as PublicationDiffError {
                    throw PublicationError(Message(.publishAt, ["place": label], parts: ["reason": error.text]))
                }
            }
        }
        return (planned, diagnostics, namesByPlan)
    }
}

extension XMLSchema {
    /// The schema of publication payloads shipped with suiji (`gsxt-payload.xsd`).
    public static func bundledPayload() throws -> XMLSchema {
        try XMLSchema(bytes: Array(EmbeddedResources.data(named: "gsxt-payload.xsd")), displayName: "gsxt-payload.xsd")
    }
}

/// Writes whole files or nothing: a temporary file beside the target (``TemporaryFile``), fsync,
/// rename, fsync of the folder. Payloads and the night's report files are written so.
public enum AtomicFileWriter {
    /// Creates a folder and its parents if missing.
    public static func createDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw PublicationError(Message(.publishCannotCreateFolder, ["path": path, "reason": error.localizedDescription]))
        }
    }

    /// Replaces the file at `path` with `bytes` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = TemporaryFile.path(for: path)
        func failure(_ step: MessageKey) -> PublicationError {
            PublicationError(
                Message(
                    .publishWriteStepFailed, ["path": path, "reason": String(cString: strerror(errno))], parts: ["step": Message(step)]))
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(.stepCreateTemporary) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                Foundation.write(fd, buffer.baseAddress.map { $0 + written }, bytes.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                let error = failure(.stepWrite)
                close(fd)
                unlink(temporary)
                throw error
            }
            written += count
        }
        guard fsync(fd) == 0 else {
            let error = failure(.stepFsync)
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let error = failure(.stepRename)
            unlink(temporary)
            throw error
        }
        // The rename itself is durable only once the folder is synced.
        let folderFD = open(folder, O_RDONLY | O_CLOEXEC)
        if folderFD >= 0 {
            _ = fsync(folderFD)
            close(folderFD)
        }
    }
}

extension PublicationError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .failure }
}
