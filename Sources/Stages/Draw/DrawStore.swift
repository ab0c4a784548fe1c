import Foundation
public import Pipeline

// The fairness protocol over the store (issues 4, 5 and 15). The rules are Pipeline's (`Draw.prepare`
// for everything before the seed, `DrawBundle.draw` after it); this file loads, checks and stores.
//
// prepare: per draw group and round, freeze the population with classes and watchlist reasons, the
//   exclusions (drawn in the group's earlier rounds this year, by their current ledger entries), the
//   quotas with their rule and inputs, the visits, the algorithm, the inspector pools, the avoidance
//   pairs and the ledger's head into a DrawCommitment; store it (draw_commitments, private form) and
//   print the SHA-256 of its public form for publication before the seed exists. A group and round
//   whose population is empty gets no commitment: there is nothing to draw. Round r > 1 can be
//   prepared only once round r − 1 of the group is drawn. Without a round: the group's first
//   undrawn round. Preparing again replaces the commitment that `run` will draw.
// run: per group and round, recompute the commitment from the store (with the ledger head it was
//   prepared with) and refuse that group if its hash differs (the data changed: prepare again and
//   publish the new commitment); draw; match inspectors. Each group is its own outcome: a group
//   whose commitment is stale or whose inspectors fall short is listed as failed and records
//   nothing, the others are drawn; then, in ONE transaction for every group drawn, append the
//   ledger entries (draw_ledger, with the objects that join earlier draws' visits, 一业一查), the
//   seed (draw_seeds), the selections and the assignments.
//   `--allow-partial-teams` on a commitment that forbids them stores a derived commitment (the
//   published one with matching.allowPartialTeams = true; its `derived_from` names the published
//   hash, as does the result's `publishedCommitment`). The flag cannot change the sample, and only
//   turns "no teams at all" into the one greedy matching with the short teams reported.
// re-draw: a group and round already drawn needs a reason; the earlier entry stays; the latest
//   entry is the current draw. A round cannot be drawn again once a later round of its group is.

/// A failure of a draw command, with the exit status it maps to.
public struct DrawStoreError: LocalizedReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The exit status.
    public var status: ExitStatus
    /// What happened and what to do.
    public var text: Message

    /// Creates an error.
    public init(_ status: ExitStatus, _ text: Message) {
        self.status = status
        self.text = text
    }

    /// ``text`` in English.
    public var message: String { text.english }

    /// The text, rendered where it is printed.
    public func message(in language: UILanguage) -> Message { text }

    /// `error: message`.
    public var description: String { "error: \(message)" }

    /// How a command that stops on this error ends: the status the draw store gave it.
    public var exitStatus: ExitStatus { status }
}

/// One draw made by `run`.
public struct CompletedDraw: Sendable, Hashable {
    /// The ledger entry.
    public var entry: LedgerEntry
    /// The bundle of the draw (inputs, seed, sample, teams).
    public var bundle: DrawBundle

    /// One line for the operator, in English.
    public var summary: String { summary(in: MessageCatalogue(.en)) }

    /// One line for the operator in the catalogue's language.
    public func summary(in words: MessageCatalogue) -> String {
        let perClass = RiskClass.allCases.map { "\($0.rawValue) \(bundle.sample[$0]?.count ?? 0)" }.joined(separator: ", ")
        let total = bundle.sample.values.reduce(0) { $0 + $1.count }
        return words(
            entry.kind == "redraw" ? .drawRedrew : .drawDrew,
            [
                "group": entry.group, "round": "\(entry.round)", "total": "\(total)", "population": "\(bundle.commitment.population.count)",
                "perClass": perClass, "seed": bundle.seedString, "seq": "\(entry.seq)", "hash": entry.hash,
            ])
    }
}

/// A group and round: one whose population is empty, or one `run` could not draw, with why.
public struct RoundOutcome: Error, Sendable, Hashable, CustomStringConvertible {
    /// The group key.
    public var group: String
    /// The round.
    public var round: Int
    /// Why (for a failure: what happened and what to do).
    public var text: Message

    /// Creates an outcome.
    public init(group: String, round: Int, _ text: Message) {
        self.group = group
        self.round = round
        self.text = text
    }

    /// ``text`` in English.
    public var reason: String { text.english }

    /// `2024-G12 round 1: reason`, in English.
    public var description: String { line.english }

    /// `2024-G12 round 1: reason` as a catalogue text.
    public var line: Message { Message(.drawRoundFailed, ["group": group, "round": "\(round)"], parts: ["reason": text]) }
}

/// What `prepare` did.
public struct PrepareOutcome: Sendable, Hashable {
    /// The commitments stored (to publish before the seed).
    public var prepared: [PreparedDraw]
    /// Groups and rounds with an empty population: no commitment.
    public var empty: [RoundOutcome]
}

/// What `run` did.
public struct RunOutcome: Sendable, Hashable {
    /// The draws made and recorded.
    public var done: [CompletedDraw]
    /// The groups and rounds that could not be drawn (nothing of them recorded).
    public var failed: [RoundOutcome]
    /// Commitments of an empty population (from older stores): nothing to draw, nothing recorded.
    public var empty: [RoundOutcome]
}

/// Some groups of a `draw run` could not be drawn (the others were): exit 65, listing them.
public struct DrawRunFailures: LocalizedReportableError, Sendable, Hashable {
    /// The groups and rounds that failed.
    public var failed: [RoundOutcome]

    /// Creates the error.
    public init(failed: [RoundOutcome]) { self.failed = failed }

    /// One line per failed group and round.
    public var description: String { "error: " + message(in: .en).english }

    /// The heading and one indented line per failed group round.
    public func message(in language: UILanguage) -> Message {
        let words = MessageCatalogue(language)
        let lines = [words(.drawRunFailures, ["count": "\(failed.count)"])] + failed.map { "  " + words($0.line) }
        return Message(verbatim: lines.joined(separator: "\n"))
    }

    /// Input data (a stale commitment, a short inspector register) kept them from being drawn.
    public var exitStatus: ExitStatus { .dataRejected }
}

/// The draw commands over a store.
public struct DrawStore {
    /// The store: SQLite, or a county's lane of PostgreSQL (the draw's SQL goes through the stages' seam, StageSQL.swift).
    public let store: any StageStore
    /// The rules from the configuration.
    public let rules: DrawRules
    /// The clock for timestamps.
    public let clock: Clock
    /// `[draw] salt_key`, or empty for the store's own key.
    let configuredSaltKey: String
    /// `[draw] joint_visits`.
    let jointVisits: Bool
    /// Makes the store's salt key the first time one is needed.
    let randomKey: @Sendable () -> String
    private let scopeMapSource: LazyScopeMap

    /// A draw store; the scope map defaults to the configuration's (`[draw] scope_map`, else the
    /// bundled one), read when a command first needs it: reading the ledger, exporting or showing
    /// draws never does, so a broken map file does not stop them.
    public init(
        store: any StageStore, configuration: Configuration = .defaults, scopeMap: ScopeMap? = nil, clock: Clock = .system,
        randomKey: @escaping @Sendable () -> String = DrawStore.randomSaltKey
    ) throws {
        self.store = store
        self.rules = DrawRules(configuration)
        self.scopeMapSource = LazyScopeMap(scopeMap.map { .success($0) }) { try ScopeMapLoader.load(configuration) }
        self.clock = clock
        self.configuredSaltKey = configuration.draw.saltKey
        self.jointVisits = configuration.draw.jointVisits
        self.randomKey = randomKey
    }

    /// The scope map (read once, on first use; a bad file throws its error every time).
    public func scopeMap() throws -> ScopeMap { try scopeMapSource.get() }

    /// 32 random bytes as 64 hex digits: the store's salt key when none is configured (DrawSchema.swift).
    public static func randomSaltKey() -> String { StoreSchema.randomKey() }

    // MARK: Plan and groups

    /// The stored plan for `year`/`region`, or the only plan stored when neither is given.
    public func plan(year: Int?, region: String?, configuration: Configuration = .defaults) throws -> (plan: AnnualPlan, id: Int64) {
        let (y, r) = try store.planKey(year: year, region: region, configuration: configuration)
        guard let stored = try storedPlan(year: y, region: r) else {
            throw PlanKeyError(year: y, region: r, matching: [])
        }
        return stored
    }

    /// The stored plan for exactly `year`/`region`, or nil if none is stored (other failures throw).
    func storedPlan(year: Int, region: String) throws -> (plan: AnnualPlan, id: Int64)? {
        try store.reading { sql in try PlanRows.plan(year: year, region: region, in: sql) }.map { ($0.plan, $0.id) }
    }

    /// The groups holding any of `tasks` (all groups when nil).
    public static func groups(of plan: AnnualPlan, tasks: [Int]?) throws -> [DrawGroup] {
        let all = DrawGroups.form(plan)
        guard let tasks else { return all }
        let known = Set(plan.tasks.map(\.seq))
        let unknown = tasks.filter { !known.contains($0) }
        if !unknown.isEmpty {
            throw DrawStoreError(
                .usage,
                Message(
                    .drawNoSuchTask,
                    [
                        "tasks": unknown.map(String.init).joined(separator: ", "), "first": "\(known.min() ?? 0)",
                        "last": "\(known.max() ?? 0)",
                    ]))
        }
        if let task = plan.tasks.first(where: { tasks.contains($0.seq) && $0.needsReview }) {
            throw DrawStoreError(
                .usage, Message(.drawTaskNeedsReview, ["seq": "\(task.seq)", "questions": task.review.joined(separator: "; ")]))
        }
        let wanted = Set(tasks)
        return all.filter { $0.taskSeqs.contains(where: wanted.contains) }
    }

    // MARK: Ledger state and keys

    /// The current (latest) ledger entry per group and round of a plan; `results` false: without
    /// their results (see ``LedgerEntry/all(_:planID:results:)``).
    func currentEntries(_ sql: any StageSQL, planID: Int64, results: Bool = true) throws -> [String: [Int: LedgerEntry]] {
        var out: [String: [Int: LedgerEntry]] = [:]
        for e in try LedgerEntry.all(sql, planID: planID, results: results) {
            out[e.group, default: [:]][e.round] = e
        }
        return out
    }

    /// The USCCs drawn in rounds before `round` of a group (current entries).
    func exclusions(_ sql: any StageSQL, entries: [Int: LedgerEntry], before round: Int) throws -> Set<String> {
        var out: Set<String> = []
        for (r, e) in entries where r < round {
            out.formUnion(try sql.texts("SELECT uscc FROM draw_selections WHERE ledger_seq = ?", [e.seq]))
        }
        return out
    }

    /// The hash of the ledger's last entry, or 64 zeros for an empty ledger.
    static func ledgerHead(_ sql: any StageSQL) throws -> String {
        try sql.row("SELECT entry_sha256 FROM draw_ledger ORDER BY seq DESC LIMIT 1")?.text(0) ?? LedgerEntry.genesis
    }

    /// The key commitments' secrets derive from: `[draw] salt_key`, else the store's (made on first
    /// use when `create`; empty when there is none yet and `create` is false).
    func saltKey(create: Bool) throws -> String {
        if !configuredSaltKey.isEmpty { return configuredSaltKey }
        if let key = try store.reading({ sql in try sql.row("SELECT salt_key FROM draw_keys WHERE id = 1")?.text(0) }) { return key }
        guard create else { return "" }
        let now = clock.now().storeTimestamp
        return try store.writing { sql in try StoreSchema.saltKey(sql, now: now, random: randomKey) }
    }

    /// The rules with the partial-team switch of one command (or of one stored commitment).
    package static func rules(_ rules: DrawRules, allowPartialTeams: Bool) -> DrawRules {
        var rules = rules
        rules.matching.allowPartialTeams = allowPartialTeams
        return rules
    }

    // MARK: prepare

    /// Freezes and stores the commitments of the selected groups (next undrawn round, or `round`);
    /// an empty population gets none.
    ///
    /// The nightly run passes `keepCurrent`: a commitment equal to the group and round's current one
    /// (but for the ledger head it was prepared with) is neither stamped again nor returned, so an
    /// unchanged night writes nothing.
    public func prepare(
        plan: AnnualPlan, planID: Int64, tasks: [Int]?, round: Int?, allowPartialTeams: Bool = false,
        inputs: DrawInputs? = nil, keepCurrent: Bool = false
    ) throws -> PrepareOutcome {
        try prepare(
            plan: plan, planID: planID, tasks: tasks, round: round, allowPartialTeams: allowPartialTeams,
            loadInputs: { try inputs ?? store.drawInputs() }, keepCurrent: keepCurrent, fingerprinted: false)
            ?? PrepareOutcome(prepared: [], empty: [])
    }

    /// The nightly run's `prepare` (`keepCurrent`) with the night's fingerprint (NightFingerprint.swift):
    /// when the stored one matches, it returns nil: nothing is recomputed and `loadInputs` is not called;
    /// else the full `prepare`, which stores the fingerprint with the commitments it makes current.
    func prepareNight(plan: AnnualPlan, planID: Int64, tasks: [Int], loadInputs: () throws -> DrawInputs) throws -> PrepareOutcome? {
        try prepare(
            plan: plan, planID: planID, tasks: tasks, round: nil, allowPartialTeams: false, loadInputs: loadInputs, keepCurrent: true,
            fingerprinted: true)
    }

    /// `prepare`, its inputs read only when needed; `fingerprinted`: as ``prepareNight`` (nil: skipped).
    private func prepare(
        plan: AnnualPlan, planID: Int64, tasks: [Int]?, round: Int?, allowPartialTeams: Bool, loadInputs: () throws -> DrawInputs,
        keepCurrent: Bool, fingerprinted: Bool
    ) throws -> PrepareOutcome? {
        let groups = try Self.groups(of: plan, tasks: tasks)
        var jobs: [(group: DrawGroup, round: Int, exclusions: Set<String>)] = []
        var earlierDraws: [[Int]] = []
        var head = LedgerEntry.genesis
        try store.reading { sql in
            let entries = try currentEntries(sql, planID: planID, results: false)
            head = try Self.ledgerHead(sql)
            for group in groups {
                let drawn = entries[group.key] ?? [:]
                let target: Int
                if let round {
                    target = round
                } else if let next = group.schedule.rounds.map(\.number).first(where: { drawn[$0] == nil }) {
                    target = next
                } else {
                    continue
                }
                guard group.schedule.round(target) != nil else {
                    throw DrawStoreError(
                        .usage,
                        Message(.drawNoSuchRound, ["group": group.key, "count": "\(group.schedule.rounds.count)", "round": "\(target)"]))
                }
                if target > 1 && drawn[target - 1] == nil {
                    throw DrawStoreError(
                        .failure, Message(.drawEarlierRoundFirst, ["group": group.key, "earlier": "\(target - 1)", "round": "\(target)"]))
                }
                if let later = drawn.keys.filter({ $0 > target }).min() {
                    throw DrawStoreError(
                        .failure, Message(.drawLaterRoundDrawn, ["group": group.key, "later": "\(later)", "round": "\(target)"]))
                }
                jobs.append((group, target, try exclusions(sql, entries: drawn, before: target)))
                earlierDraws.append(drawn.filter { $0.key < target }.map(\.value.seq).sorted())
            }
        }
        let key = jobs.isEmpty ? "" : try saltKey(create: true)
        // Groups are independent: on every core, each through the one draw path.
        let (scopeMap, rules, jobList, ledgerHead) = (
            try self.scopeMap(), Self.rules(rules, allowPartialTeams: allowPartialTeams), jobs, head
        )
        var fingerprint: NightFingerprint?
        if fingerprinted {
            let now = try nightFingerprint(
                plan: plan, planID: planID, rounds: jobs.indices.map { (jobs[$0].group, jobs[$0].round, earlierDraws[$0]) }, rules: rules,
                scopeMap: scopeMap, saltKey: key)
            if try now.matches(store, planID: planID) { return nil }
            fingerprint = now
        }
        let inputs = try loadInputs()
        let made = try ParallelMap.map(jobList.count) { i in
            try Draw.prepare(
                group: jobList[i].group, round: jobList[i].round, inputs: inputs, exclusions: jobList[i].exclusions, scopeMap: scopeMap,
                rules: rules, ledgerHead: ledgerHead, saltKey: key)
        }
        let empty = made.filter { $0.population.members.isEmpty }.map {
            RoundOutcome(group: $0.group.key, round: $0.round.number, Message(.drawEmptyNoCommitment))
        }
        let now = clock.now().storeTimestamp
        let runID = store.runID
        let stored = try store.writing { sql in
            var seq = Int(try sql.integer("SELECT MAX(prepared_seq) FROM draw_commitments") ?? 0)
            var stored: [PreparedDraw] = []
            for p in made where !p.population.members.isEmpty {
                if keepCurrent, try isCurrent(p, sql: sql, planID: planID) { continue }
                stored.append(p)
                seq += 1
                if try sql.row("SELECT id FROM draw_commitments WHERE commitment_sha256 = ?", [p.hash]) != nil {
                    try sql.execute(
                        "UPDATE draw_commitments SET prepared_seq = ?, prepared_at = ? WHERE commitment_sha256 = ?", [seq, now, p.hash])
                } else {
                    try sql.execute(
                        """
                        INSERT INTO draw_commitments (plan_id, group_key, round, commitment_sha256, canonical_json, algorithm_version, prepared_at, prepared_seq, run_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        [
                            planID, p.group.key, p.round.number, p.hash, p.commitment.privateCanonicalText, p.commitment.algorithm,
                            now, seq, runID,
                        ])
                }
            }
            try fingerprint?.write(sql, planID: planID)
            return stored
        }
        return PrepareOutcome(prepared: stored, empty: empty)
    }

    /// True when the group and round's current commitment is `p` but for the ledger head.
    private func isCurrent(_ p: PreparedDraw, sql: any StageSQL, planID: Int64) throws -> Bool {
        guard let hash = try Self.currentCommitmentHash(sql, planID: planID, group: p.group.key, round: p.round.number) else {
            return false
        }
        if hash == p.hash { return true }
        let stored = try storedCommitment(sql, hash: hash, group: p.group.key, round: p.round.number)
        guard !stored.isLegacy, let head = stored.ledgerHead else { return false }
        return p.commitment.withLedgerHead(head).hash == hash
    }

    // MARK: run

    /// The hash of the stored commitment `run` draws for a group and round: the latest prepared, not
    /// derived (of any plan when `planID` is nil). Reads only the hash, never the commitment's JSON.
    static func currentCommitmentHash(_ sql: any StageSQL, planID: Int64?, group: String, round: Int) throws -> String? {
        try sql.row(
            """
            SELECT commitment_sha256 FROM draw_commitments
            WHERE plan_id = COALESCE(?, plan_id) AND group_key = ? AND round = ? AND derived_from IS NULL ORDER BY prepared_seq DESC LIMIT 1
            """, [planID, group, round])?.text(0)
    }

    /// The stored commitment `run` draws for a group and round, decoded.
    func currentCommitment(_ sql: any StageSQL, planID: Int64, group: String, round: Int) throws -> (
        hash: String, commitment: DrawCommitment
    )? {
        guard let hash = try Self.currentCommitmentHash(sql, planID: planID, group: group, round: round) else { return nil }
        return (hash, try storedCommitment(sql, hash: hash, group: group, round: round))
    }

    /// A stored commitment by its hash, decoded.
    func storedCommitment(_ sql: any StageSQL, hash: String, group: String, round: Int) throws -> DrawCommitment {
        let text = try sql.row("SELECT canonical_json FROM draw_commitments WHERE commitment_sha256 = ?", [hash])?.text(0) ?? ""
        do {
            return try JSONDecoder().decode(DrawCommitment.self, from: Data(text.utf8))
        } catch {
            throw DrawStoreError(
                .failure, Message(.drawCommitmentUnreadable, ["group": group, "round": "\(round)", "reason": "\(error)"]))
        }
    }
}

/// A scope map read on first use and kept.
private final class LazyScopeMap: @unchecked Sendable {
    private let lock = NSLock()
    private var loaded: Result<ScopeMap, any Error>?
    private let load: () throws -> ScopeMap

    init(_ loaded: Result<ScopeMap, any Error>?, load: @escaping () throws -> ScopeMap) {
        self.loaded = loaded
        self.load = load
    }

    func get() throws -> ScopeMap {
        lock.lock()
        defer { lock.unlock() }
        if let loaded { return try loaded.get() }
        let result = Result { try load() }
        loaded = result
        return try result.get()
    }
}

extension PreparedDraw {
    /// One line for the operator, in English.
    public var summary: String { summary(in: MessageCatalogue(.en)) }

    /// One line for the operator in the catalogue's language: the group, its population and quotas per
    /// class, and the commitment to publish.
    public func summary(in words: MessageCatalogue) -> String {
        let perClass = populationPerClass
        return words(
            .drawPrepared,
            [
                "group": group.key, "round": "\(round.number)", "start": "\(round.start)", "end": "\(round.end)",
                "tasks": group.taskSeqs.map(String.init).joined(separator: ", "), "population": "\(commitment.population.count)",
                "perClass": RiskClass.allCases.map { "\($0.rawValue) \(perClass[$0] ?? 0)" }.joined(separator: ", "),
                "quota": "\(commitment.quotas.values.reduce(0, +))",
                "quotas": RiskClass.allCases.map { "\($0.rawValue) \(commitment.quotas[$0] ?? 0)" }.joined(separator: ", "),
                "exclusions": "\(commitment.exclusions.count)", "hash": hash,
            ])
    }
}
