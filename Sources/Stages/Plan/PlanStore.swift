public import Foundation
public import Pipeline

/// What importing a plan did.
public enum PlanImportOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The same bytes were imported before: nothing changed.
    case unchanged(year: Int, region: String, sha256: String)
    /// The plan was stored: first import, or an update with the tasks that changed.
    case imported(year: Int, region: String, taskCount: Int, first: Bool, added: [Int], changed: [Int], removed: [Int])

    /// A sentence for the operator, in English.
    public var description: String { MessageCatalogue(.en)(text) }

    /// A sentence for the operator: a catalogue text.
    public var text: Message {
        switch self {
        case let .unchanged(year, region, sha):
            return Message(.planUnchanged, ["year": "\(year)", "region": region, "sha": String(sha.prefix(12))])
        case let .imported(year, region, count, first, added, changed, removed):
            let values = ["year": "\(year)", "region": region, "count": "\(count)"]
            if first { return Message(.planImported, values) }
            if added.isEmpty, changed.isEmpty, removed.isEmpty { return Message(.planUpdatedSame, values) }
            func list(_ seqs: [Int]) -> Message {
                seqs.isEmpty ? Message(.wordNone) : Message(verbatim: seqs.map(String.init).joined(separator: ", "))
            }
            return Message(.planUpdated, values, parts: ["added": list(added), "changed": list(changed), "removed": list(removed)])
        }
    }
}

/// A plan import refused because it would remove more than a fifth of the stored tasks (a
/// truncated or header-only file), unless `--allow-mass-removal` is given.
public struct PlanMassRemovalError: ReportableError, Sendable, Hashable, CustomStringConvertible {
    /// How many stored tasks the import would remove.
    public var removed: Int
    /// How many tasks are stored.
    public var stored: Int
    /// The plan.
    public var year: Int
    /// The plan's region.
    public var region: String

    /// What happened and what to do.
    public var text: Message {
        Message(.planMassRemoval, ["removed": "\(removed)", "stored": "\(stored)", "year": "\(year)", "region": region])
    }

    /// ``text`` in English.
    public var message: String { text.english }

    /// `error: message`.
    public var description: String { "error: \(message)" }

    /// Rejected input: exit 65.
    public var exitStatus: ExitStatus { .dataRejected }
}

/// A plan of another region given to a county's lane of a PostgreSQL store: refused before anything is written.
public struct PlanLaneError: ReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The plan's region.
    public var plan: String
    /// The lane's county.
    public var region: String

    /// What happened and what to do.
    public var text: Message { Message(.planOtherLane, ["plan": plan, "region": region]) }

    /// ``text`` in English.
    public var message: String { text.english }

    /// `error: message`.
    public var description: String { "error: \(message)" }

    /// Rejected input: exit 65.
    public var exitStatus: ExitStatus { .dataRejected }
}

extension Store {
    /// The largest share of the stored tasks an import may remove without `allowMassRemoval`.
    public static let massRemovalShare = 0.2

    /// The task's content for change detection: everything but the line it was read from.
    static func contentHash(of task: PlanTask) throws -> String {
        var copy = task
        copy.line = 0
        let data = try canonicalJSON(copy)
        return SHA256.hex(String(decoding: data, as: UTF8.self))
    }
}

// The plan stage's SQL, written once for both stores through the stages' seam (StageSQL.swift):
// on PostgreSQL `plan_tasks.region` and `imports.region` default to the county of the session's
// role and row-level security keeps every statement in the county's lane; `plans.region` is the
// plan's own region, as on SQLite, which the lane's policy checks.
extension StageStore {
    /// Stores a plan in one transaction, keeping earlier task versions; the same bytes read to the
    /// same tasks is a no-op. An import that would remove more than a fifth of the stored tasks is
    /// refused (``PlanMassRemovalError``) unless `allowMassRemoval`.
    public func importPlan(
        _ plan: AnnualPlan, fileName: String, digest: FileDigest, clock: Clock = .system, allowMassRemoval: Bool = false
    ) throws -> PlanImportOutcome {
        let scope = "plan:\(plan.year):\(plan.region)"
        let hashes = Dictionary(try plan.tasks.map { ($0.seq, try Store.contentHash(of: $0)) }, uniquingKeysWith: { a, _ in a })
        if let lane, lane != plan.region { throw PlanLaneError(plan: plan.region, region: lane) }
        let runID = runID
        return try writing { sql in
            var stored: [Int: String] = [:]
            let existing = try sql.row("SELECT id, content_sha256 FROM plans WHERE year = ? AND region = ?", [plan.year, plan.region])
            if let existing {
                stored = try PlanRows.currentHashes(planID: existing.requiredInteger(0), in: sql)
            }
            // The same bytes are unchanged only if they still read to the same tasks: decisions in
            // the overrides file (or a newer reader) change tasks without changing the plan file.
            if let existing, try existing.text(1) == digest.sha256, stored == hashes {
                return .unchanged(year: plan.year, region: plan.region, sha256: digest.sha256)
            }
            let removing = stored.keys.filter { hashes[$0] == nil }.count
            if !allowMassRemoval, !stored.isEmpty, Double(removing) > Store.massRemovalShare * Double(stored.count) {
                throw PlanMassRemovalError(removed: removing, stored: stored.count, year: plan.year, region: plan.region)
            }
            let now = clock.now().storeTimestamp
            let importID = try PlanRows.newID(
                """
                INSERT INTO imports (kind, scope_key, file_name, content_sha256, byte_count, imported_at, rows_read, rows_imported, run_id)
                VALUES ('plan', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [scope, fileName, digest.sha256, digest.byteCount, now, plan.tasks.count, plan.tasks.count, runID], in: sql)
            let planID: Int64
            let first: Bool
            if let id = try sql.integer("SELECT id FROM plans WHERE year = ? AND region = ?", [plan.year, plan.region]) {
                planID = id
                first = false
                try sql.execute(
                    "UPDATE plans SET content_sha256 = ?, source_file = ?, current_import = ? WHERE id = ?",
                    [digest.sha256, fileName, importID, planID])
            } else {
                planID = try PlanRows.newID(
                    "INSERT INTO plans (year, region, content_sha256, source_file, current_import) VALUES (?, ?, ?, ?, ?) RETURNING id",
                    [plan.year, plan.region, digest.sha256, fileName, importID], in: sql)
                first = true
            }
            var current = try PlanRows.currentHashes(planID: planID, in: sql)
            var added: [Int] = [], changed: [Int] = []
            var inserting: [(task: PlanTask, hash: String)] = []
            for task in plan.tasks {
                let hash = try Store.contentHash(of: task)
                if let old = current.removeValue(forKey: task.seq) {
                    if old == hash { continue }
                    changed.append(task.seq)
                } else {
                    added.append(task.seq)
                }
                inserting.append((task, hash))
            }
            let removed = current.keys.sorted()
            // A few statements, not one per task (each is a round trip on PostgreSQL): the versions
            // replaced or removed are closed first, so that a task's new version is its only current one.
            try PlanRows.close(seqs: changed + removed, planID: planID, importID: importID, in: sql)
            try PlanRows.insert(inserting, planID: planID, importID: importID, in: sql)
            try sql.execute(
                "UPDATE imports SET added = ?, changed = ?, removed = ?, unchanged = ? WHERE id = ?",
                [added.count, changed.count, removed.count, plan.tasks.count - added.count - changed.count, importID])
            return .imported(
                year: plan.year, region: plan.region, taskCount: plan.tasks.count, first: first,
                added: first ? [] : added, changed: changed, removed: removed)
        }
    }

    /// The current version of a plan, or nil if none is stored.
    public func plan(year: Int, region: String) throws -> AnnualPlan? {
        try reading { sql in try PlanRows.plan(year: year, region: region, in: sql)?.plan }
    }

    /// The plan a command means: `year`/`region` as given, else as the configuration file sets them;
    /// what neither gives is never assumed: it is taken from the plans stored only when exactly one
    /// matches, and otherwise the command stops with ``PlanKeyError`` (exit 78) listing them.
    public func planKey(year: Int?, region: String?, configuration: Configuration) throws -> (year: Int, region: String) {
        let year = year ?? configuration.givenYear
        let region = region ?? configuration.givenRegion
        if let year, let region { return (year, region) }
        let matching = try storedPlans().filter { (year == nil || $0.year == year) && (region == nil || $0.region == region) }
        if matching.count == 1, let only = matching.first { return only }
        throw PlanKeyError(year: year, region: region, matching: matching)
    }

    /// The plans stored, as (year, region), newest year first.
    public func storedPlans() throws -> [(year: Int, region: String)] {
        try reading { sql in
            try sql.rows("SELECT year, region FROM plans ORDER BY year DESC, region").map {
                (Int(try $0.requiredInteger(0)), try $0.requiredText(1))
            }
        }
    }
}

/// The plan's rows, read and written through the stages' seam: one text of each statement for both stores.
enum PlanRows {
    /// The plan of a year and region with its id, or nil.
    static func plan(year: Int, region: String, in sql: any StageSQL) throws -> StoredPlan? {
        guard let id = try sql.integer("SELECT id FROM plans WHERE year = ? AND region = ?", [year, region]) else { return nil }
        return StoredPlan(id: id, plan: try plan(id: id, year: year, region: region, in: sql))
    }

    /// Every stored plan, by year and region.
    static func plans(in sql: any StageSQL) throws -> [StoredPlan] {
        try sql.rows("SELECT id, year, region FROM plans ORDER BY year, region").map { row in
            let id = try row.requiredInteger(0)
            return StoredPlan(
                id: id, plan: try plan(id: id, year: Int(try row.requiredInteger(1)), region: try row.requiredText(2), in: sql))
        }
    }

    private static func plan(id: Int64, year: Int, region: String, in sql: any StageSQL) throws -> AnnualPlan {
        let texts = try sql.texts("SELECT task_json FROM plan_tasks WHERE plan_id = ? AND valid_to_import IS NULL ORDER BY seq", [id])
        let decoder = JSONDecoder()
        return AnnualPlan(year: year, region: region, tasks: try texts.map { try decoder.decode(PlanTask.self, from: Data($0.utf8)) })
    }

    /// The content hash of each current task of a plan, by its number.
    static func currentHashes(planID: Int64, in sql: any StageSQL) throws -> [Int: String] {
        var hashes: [Int: String] = [:]
        for row in try sql.rows("SELECT seq, content_sha256 FROM plan_tasks WHERE plan_id = ? AND valid_to_import IS NULL", [planID]) {
            hashes[Int(try row.requiredInteger(0))] = try row.requiredText(1)
        }
        return hashes
    }

    /// The id an `INSERT … RETURNING id` gave its row.
    static func newID(_ statement: String, _ values: [any SQLBindable], in sql: any StageSQL) throws -> Int64 {
        guard let id = try sql.integer(statement, values) else {
            throw StoreError(path: "plans", Message(.storeNoRowID, ["statement": String(statement.prefix(40))]))
        }
        return id
    }

    /// Closes the current versions of tasks `seqs` of a plan with import `importID`, in one statement.
    static func close(seqs: [Int], planID: Int64, importID: Int64, in sql: any StageSQL) throws {
        guard !seqs.isEmpty else { return }
        try sql.execute(
            "UPDATE plan_tasks SET valid_to_import = ? WHERE plan_id = ? AND valid_to_import IS NULL AND seq IN ("
                + Array(repeating: "?", count: seqs.count).joined(separator: ", ") + ")",
            [importID, planID] + seqs)
    }

    /// Stores new versions of tasks, each with its content hash, valid from import `importID`.
    static func insert(_ tasks: [(task: PlanTask, hash: String)], planID: Int64, importID: Int64, in sql: any StageSQL) throws {
        func json(_ value: some Encodable) throws -> String { String(decoding: try canonicalJSON(value), as: UTF8.self) }
        try sql.insert(
            into: "plan_tasks",
            columns: [
                "plan_id", "seq", "name", "matters_json", "scopes_json", "ratio_min", "ratio_max", "ratio_count", "ratio_raw",
                "frequency_per_year", "frequency_raw", "window_start", "window_end", "window_raw", "initiator", "cooperators_json",
                "mode", "task_json", "content_sha256", "valid_from_import",
            ],
            rows: try tasks.map { task, hash in
                [
                    planID, task.seq, task.name, try json(task.matters), try json(task.scopes), task.ratio.min, task.ratio.max,
                    task.ratio.count, task.ratio.raw, task.frequency.perYear, task.frequency.raw, task.window.startMonth,
                    task.window.endMonth, task.window.raw, task.initiator, try json(task.cooperators), task.mode,
                    try json(task), hash, importID,
                ]
            })
    }
}

/// The compact canonical JSON of `value` (`CanonicalJSON`: keys in code point order, no white
/// space): the form used for hashes and for the JSON columns of the store.
public func canonicalJSON(_ value: some Encodable) throws -> Data {
    Data(try CanonicalJSON(encoding: value).canonicalBytes)
}

/// A command that needs a plan could not tell which: none is stored, or several match what was given.
public struct PlanKeyError: LocalizedReportableError, Sendable, Hashable {
    /// The year given (option or configuration), if any.
    public var year: Int?
    /// The region given, if any.
    public var region: String?
    /// The stored plans that match what was given.
    public var matching: [PlanKey]

    /// A stored plan's key.
    public struct PlanKey: Sendable, Hashable {
        /// The plan year.
        public var year: Int
        /// The region code.
        public var region: String
    }

    /// Creates the error.
    public init(year: Int?, region: String?, matching: [(year: Int, region: String)]) {
        self.year = year
        self.region = region
        self.matching = matching.map { PlanKey(year: $0.year, region: $0.region) }
    }

    /// What happened and what to do, in the catalogue's words (the values rendered in `language`).
    public func message(in language: UILanguage) -> Message {
        let words = MessageCatalogue(language)
        let given = [
            year.map { words(.setupPlanGivenYear, ["year": "\($0)"]) }, region.map { words(.setupPlanGivenRegion, ["region": $0]) },
        ]
        .compactMap { $0 }
        let what = given.isEmpty ? "" : words(.setupPlanGiven, ["what": given.joined(separator: words(.wordListSeparator))])
        guard !matching.isEmpty else { return Message(.setupNoPlanStored, ["given": what]) }
        let list = matching.map { "\($0.year) \($0.region)" }.joined(separator: words(.wordListSeparator))
        return Message(.setupSeveralPlans, ["count": "\(matching.count)", "given": what, "list": list])
    }

    /// The text in English.
    public var message: Message { message(in: .en) }

    /// `error: ` and the English text.
    public var description: String { "error: " + MessageCatalogue(.en)(message) }

    /// A setup error.
    public var exitStatus: ExitStatus { .configuration }
}
