public import Foundation
internal import GRDB
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

extension Store {
    /// The largest share of the stored tasks an import may remove without `allowMassRemoval`.
    public static let massRemovalShare = 0.2

    /// Stores a plan in one transaction, keeping earlier task versions; the same bytes read to the
    /// same tasks is a no-op. An import that would remove more than a fifth of the stored tasks is
    /// refused (``PlanMassRemovalError``) unless `allowMassRemoval`.
    public func importPlan(
        _ plan: AnnualPlan, fileName: String, digest: FileDigest, clock: Clock = .system, allowMassRemoval: Bool = false
    ) throws -> PlanImportOutcome {
        let scope = "plan:\(plan.year):\(plan.region)"
        let hashes = Dictionary(try plan.tasks.map { ($0.seq, try Self.contentHash(of: $0)) }, uniquingKeysWith: { a, _ in a })
        return try write { db in
            var stored: [Int: String] = [:]
            let existing = try Row.fetchOne(
                db, sql: "SELECT id, content_sha256 FROM plans WHERE year = ? AND region = ?", arguments: [plan.year, plan.region])
            if let existing {
                for row in try Row.fetchAll(
                    db, sql: "SELECT seq, content_sha256 FROM plan_tasks WHERE plan_id = ? AND valid_to_import IS NULL",
                    arguments: [existing["id"] as Int64])
                {
                    stored[row["seq"]] = row["content_sha256"]
                }
            }
            // The same bytes are unchanged only if they still read to the same tasks: decisions in
            // the overrides file (or a newer reader) change tasks without changing the plan file.
            if let existing, (existing["content_sha256"] as String?) == digest.sha256, stored == hashes {
                return .unchanged(year: plan.year, region: plan.region, sha256: digest.sha256)
            }
            let removing = stored.keys.filter { hashes[$0] == nil }.count
            if !allowMassRemoval, !stored.isEmpty, Double(removing) > Self.massRemovalShare * Double(stored.count) {
                throw PlanMassRemovalError(removed: removing, stored: stored.count, year: plan.year, region: plan.region)
            }
            let now = clock.now().storeTimestamp
            try db.execute(
                sql: """
                    INSERT INTO imports (kind, scope_key, file_name, content_sha256, byte_count, imported_at, rows_read, rows_imported, run_id)
                    VALUES ('plan', ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [scope, fileName, digest.sha256, digest.byteCount, now, plan.tasks.count, plan.tasks.count, runID])
            let importID = db.lastInsertedRowID
            let planID: Int64
            let first: Bool
            if let id = try Int64.fetchOne(
                db, sql: "SELECT id FROM plans WHERE year = ? AND region = ?", arguments: [plan.year, plan.region])
            {
                planID = id
                first = false
                try db.execute(
                    sql: "UPDATE plans SET content_sha256 = ?, source_file = ?, current_import = ? WHERE id = ?",
                    arguments: [digest.sha256, fileName, importID, planID])
            } else {
                try db.execute(
                    sql: "INSERT INTO plans (year, region, content_sha256, source_file, current_import) VALUES (?, ?, ?, ?, ?)",
                    arguments: [plan.year, plan.region, digest.sha256, fileName, importID])
                planID = db.lastInsertedRowID
                first = true
            }
            var current: [Int: String] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT seq, content_sha256 FROM plan_tasks WHERE plan_id = ? AND valid_to_import IS NULL", arguments: [planID])
            {
                current[row["seq"]] = row["content_sha256"]
            }
            var added: [Int] = [], changed: [Int] = []
            for task in plan.tasks {
                let hash = try Self.contentHash(of: task)
                if let old = current.removeValue(forKey: task.seq) {
                    if old == hash { continue }
                    changed.append(task.seq)
                    try db.execute(
                        sql: "UPDATE plan_tasks SET valid_to_import = ? WHERE plan_id = ? AND seq = ? AND valid_to_import IS NULL",
                        arguments: [importID, planID, task.seq])
                } else {
                    added.append(task.seq)
                }
                try insert(task, planID: planID, hash: hash, importID: importID, db: db)
            }
            let removed = current.keys.sorted()
            for seq in removed {
                try db.execute(
                    sql: "UPDATE plan_tasks SET valid_to_import = ? WHERE plan_id = ? AND seq = ? AND valid_to_import IS NULL",
                    arguments: [importID, planID, seq])
            }
            try db.execute(
                sql: "UPDATE imports SET added = ?, changed = ?, removed = ?, unchanged = ? WHERE id = ?",
                arguments: [added.count, changed.count, removed.count, plan.tasks.count - added.count - changed.count, importID])
            return .imported(
                year: plan.year, region: plan.region, taskCount: plan.tasks.count, first: first,
                added: first ? [] : added, changed: changed, removed: removed)
        }
    }

    /// The task's content for change detection: everything but the line it was read from.
    static func contentHash(of task: PlanTask) throws -> String {
        var copy = task
        copy.line = 0
        let data = try canonicalJSON(copy)
        return SHA256.hex(String(decoding: data, as: UTF8.self))
    }

    private func insert(_ task: PlanTask, planID: Int64, hash: String, importID: Int64, db: Database) throws {
        func json(_ value: some Encodable) throws -> String { String(decoding: try canonicalJSON(value), as: UTF8.self) }
        try db.execute(
            sql: """
                INSERT INTO plan_tasks (plan_id, seq, name, matters_json, scopes_json, ratio_min, ratio_max, ratio_count, ratio_raw,
                    frequency_per_year, frequency_raw, window_start, window_end, window_raw, initiator, cooperators_json, mode,
                    task_json, content_sha256, valid_from_import)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                planID, task.seq, task.name, try json(task.matters), try json(task.scopes), task.ratio.min, task.ratio.max,
                task.ratio.count, task.ratio.raw, task.frequency.perYear, task.frequency.raw, task.window.startMonth,
                task.window.endMonth, task.window.raw, task.initiator, try json(task.cooperators), task.mode,
                try json(task), hash, importID,
            ])
    }

    /// The current version of a plan, or nil if none is stored.
    public func plan(year: Int, region: String) throws -> AnnualPlan? {
        try read { db in try ResultsStore.plan(year: year, region: region, db: db)?.plan }
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
        try read { db in
            try Row.fetchAll(db, sql: "SELECT year, region FROM plans ORDER BY year DESC, region").map { ($0["year"], $0["region"]) }
        }
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
