import Foundation
internal import GRDB
public import Pipeline

// The fairness protocol over the store (issues 4 and 5). The rules are Pipeline's (`Draw.prepare`
// for everything before the seed, `DrawBundle.draw` after it); this file loads, checks and stores.
//
// prepare: per draw group and round, freeze the population with classes, the exclusions (drawn in
//   the group's earlier rounds this year, by their current ledger entries), the quotas, the
//   algorithm, the inspector pools and the avoidance pairs into a DrawCommitment; store it
//   (draw_commitments) and print its SHA-256 for publication before the seed exists. Round r > 1
//   can be prepared only once round r − 1 of the group is drawn. Without a round: the group's
//   first undrawn round. Preparing again replaces the commitment that `run` will draw.
// run: recompute the commitment from the store and refuse if its hash differs (the data changed:
//   prepare again and publish the new commitment); draw; match inspectors; then, in ONE
//   transaction for every group drawn, append the ledger entries (draw_ledger), the seed
//   (draw_seeds), the selections and the assignments. Any failure (a shortfall of inspectors,
//   a stale commitment) records nothing at all.
//   `--allow-partial-teams` on a commitment that forbids them stores a derived commitment (the
//   published one with matching.allowPartialTeams = true; its `derived_from` names the published
//   hash, as does the result's `publishedCommitment`). The flag cannot change the sample, and only
//   turns "no teams at all" into the one greedy matching with the short teams reported.
// re-draw: a group and round already drawn needs a reason; the earlier entry stays; the latest
//   entry is the current draw. A round cannot be drawn again once a later round of its group is.

/// A failure of a draw command, with the exit status it maps to.
public struct DrawStoreError: ReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The exit status.
    public var status: ExitStatus
    /// What happened and what to do.
    public var message: String

    /// Creates an error.
    public init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    /// `error: message`.
    public var description: String { "error: \(message)" }
}

/// One draw made by `run`.
public struct CompletedDraw: Sendable, Hashable {
    /// The ledger entry.
    public var entry: LedgerEntry
    /// The bundle of the draw (inputs, seed, sample, teams).
    public var bundle: DrawBundle

    /// One line for the operator.
    public var summary: String {
        let drawn = RiskClass.allCases.map { "\($0.rawValue) \(bundle.sample[$0]?.count ?? 0)" }.joined(separator: ", ")
        let total = bundle.sample.values.reduce(0) { $0 + $1.count }
        return
            "\(entry.group) round \(entry.round): \(entry.kind == "redraw" ? "re-drew" : "drew") \(total) of \(bundle.commitment.population.count) "
            + "(\(drawn)); seed string '\(bundle.seedString)'; ledger #\(entry.seq) \(entry.hash)"
    }
}

/// The draw commands over a store.
public struct DrawStore {
    /// The store.
    public let store: Store
    /// The rules from the configuration.
    public let rules: DrawRules
    /// The clock for timestamps.
    public let clock: Clock
    private let scopeMapSource: LazyScopeMap

    /// A draw store; the scope map defaults to the configuration's (`[draw] scope_map`, else the
    /// bundled one), read when a command first needs it: reading the ledger, exporting or showing
    /// draws never does, so a broken map file does not stop them.
    public init(store: Store, configuration: Configuration = .defaults, scopeMap: ScopeMap? = nil, clock: Clock = .system) throws {
        self.store = store
        self.rules = DrawRules(configuration)
        self.scopeMapSource = LazyScopeMap(scopeMap.map { .success($0) }) { try ScopeMapLoader.load(configuration) }
        self.clock = clock
    }

    /// The scope map (read once, on first use; a bad file throws its error every time).
    public func scopeMap() throws -> ScopeMap { try scopeMapSource.get() }

    // MARK: Plan and groups

    /// The stored plan for `year`/`region`, or the only plan stored when neither is given.
    public func plan(year: Int?, region: String?, configuration: Configuration = .defaults) throws -> (plan: AnnualPlan, id: Int64) {
        let (y, r) = try store.planKey(year: year, region: region, configuration: configuration)
        guard let stored = try storedPlan(year: y, region: r) else {
            throw DrawStoreError(.failure, "no plan for \(y) \(r) in the store; run `suiji plan import FILE` first")
        }
        return stored
    }

    /// The stored plan for exactly `year`/`region`, or nil if none is stored (other failures throw).
    func storedPlan(year: Int, region: String) throws -> (plan: AnnualPlan, id: Int64)? {
        try store.read { db in try ResultsStore.plan(year: year, region: region, db: db) }.map { ($0.plan, $0.id) }
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
                "the plan has no task \(unknown.map(String.init).joined(separator: ", ")) (tasks are 序号 \(known.min() ?? 0)…\(known.max() ?? 0))"
            )
        }
        let wanted = Set(tasks)
        return all.filter { $0.taskSeqs.contains(where: wanted.contains) }
    }

    // MARK: Ledger state

    /// The current (latest) ledger entry per group and round of a plan.
    func currentEntries(_ db: Database, planID: Int64) throws -> [String: [Int: LedgerEntry]] {
        var out: [String: [Int: LedgerEntry]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM draw_ledger WHERE plan_id = ? ORDER BY seq", arguments: [planID]) {
            let e = LedgerEntry(row: row)
            out[e.group, default: [:]][e.round] = e
        }
        return out
    }

    /// The USCCs drawn in rounds before `round` of a group (current entries).
    func exclusions(_ db: Database, entries: [Int: LedgerEntry], before round: Int) throws -> Set<String> {
        var out: Set<String> = []
        for (r, e) in entries where r < round {
            out.formUnion(try String.fetchAll(db, sql: "SELECT uscc FROM draw_selections WHERE ledger_seq = ?", arguments: [e.seq]))
        }
        return out
    }

    /// The rules with the partial-team switch of one command (or of one stored commitment).
    static func rules(_ rules: DrawRules, allowPartialTeams: Bool) -> DrawRules {
        var rules = rules
        rules.matching.allowPartialTeams = allowPartialTeams
        return rules
    }

    // MARK: prepare

    /// Freezes and stores the commitments of the selected groups (next undrawn round, or `round`).
    ///
    /// The nightly run passes `keepCurrent` (a commitment equal to the group and round's current one is
    /// neither stamped again nor returned, so an unchanged night writes nothing) and `skipEmpty` (no
    /// commitment for an empty population: there is nothing to draw).
    public func prepare(
        plan: AnnualPlan, planID: Int64, tasks: [Int]?, round: Int?, allowPartialTeams: Bool = false,
        inputs: DrawInputs? = nil, keepCurrent: Bool = false, skipEmpty: Bool = false
    ) throws -> [PreparedDraw] {
        let groups = try Self.groups(of: plan, tasks: tasks)
        let inputs = try inputs ?? store.drawInputs()
        var jobs: [(group: DrawGroup, round: Int, exclusions: Set<String>)] = []
        try store.read { db in
            let entries = try currentEntries(db, planID: planID)
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
                        .usage, "group \(group.key) has rounds 1…\(group.schedule.rounds.count); there is no round \(target)")
                }
                if target > 1 && drawn[target - 1] == nil {
                    throw DrawStoreError(
                        .failure,
                        "group \(group.key): round \(target - 1) is not drawn yet; round \(target)'s exclusions depend on it: draw round \(target - 1) first"
                    )
                }
                if let later = drawn.keys.filter({ $0 > target }).min() {
                    throw DrawStoreError(
                        .failure, "group \(group.key): round \(later) is already drawn; round \(target) cannot be prepared again")
                }
                jobs.append((group, target, try exclusions(db, entries: drawn, before: target)))
            }
        }
        // Groups are independent: on every core, each through the one draw path.
        let (scopeMap, rules, jobList) = (try self.scopeMap(), Self.rules(rules, allowPartialTeams: allowPartialTeams), jobs)
        let made = try ParallelMap.map(jobList.count) { i in
            try Draw.prepare(
                group: jobList[i].group, round: jobList[i].round, inputs: inputs, exclusions: jobList[i].exclusions, scopeMap: scopeMap,
                rules: rules)
        }
        let now = clock.now().storeTimestamp
        return try store.write { db in
            var seq = (try Int.fetchOne(db, sql: "SELECT MAX(prepared_seq) FROM draw_commitments") ?? 0)
            var stored: [PreparedDraw] = []
            for p in made {
                if skipEmpty, p.populationPerClass.values.reduce(0, +) == 0 { continue }
                if keepCurrent, try Self.currentCommitmentHash(db, planID: planID, group: p.group.key, round: p.round.number) == p.hash {
                    continue
                }
                stored.append(p)
                seq += 1
                if try Int64.fetchOne(db, sql: "SELECT id FROM draw_commitments WHERE commitment_sha256 = ?", arguments: [p.hash]) != nil {
                    try db.execute(
                        sql: "UPDATE draw_commitments SET prepared_seq = ?, prepared_at = ? WHERE commitment_sha256 = ?",
                        arguments: [seq, now, p.hash])
                } else {
                    try db.execute(
                        sql: """
                            INSERT INTO draw_commitments (plan_id, group_key, round, commitment_sha256, canonical_json, algorithm_version, prepared_at, prepared_seq, run_id)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            planID, p.group.key, p.round.number, p.hash, p.commitment.canonicalValue.canonicalText, p.commitment.algorithm,
                            now, seq,
                            store.runID,
                        ])
                }
            }
            return stored
        }
    }

    // MARK: run

    /// The hash of the stored commitment `run` draws for a group and round: the latest prepared, not
    /// derived (of any plan when `planID` is nil). Reads only the hash, never the commitment's JSON.
    static func currentCommitmentHash(_ db: Database, planID: Int64?, group: String, round: Int) throws -> String? {
        try String.fetchOne(
            db,
            sql: """
                SELECT commitment_sha256 FROM draw_commitments
                WHERE plan_id = COALESCE(?, plan_id) AND group_key = ? AND round = ? AND derived_from IS NULL ORDER BY prepared_seq DESC LIMIT 1
                """, arguments: [planID, group, round])
    }

    /// The stored commitment `run` draws for a group and round, decoded.
    func currentCommitment(_ db: Database, planID: Int64, group: String, round: Int) throws -> (hash: String, commitment: DrawCommitment)? {
        guard let hash = try Self.currentCommitmentHash(db, planID: planID, group: group, round: round) else { return nil }
        return (hash, try storedCommitment(db, hash: hash, group: group, round: round))
    }

    /// A stored commitment by its hash, decoded.
    func storedCommitment(_ db: Database, hash: String, group: String, round: Int) throws -> DrawCommitment {
        let text =
            try String.fetchOne(db, sql: "SELECT canonical_json FROM draw_commitments WHERE commitment_sha256 = ?", arguments: [hash]) ?? ""
        do {
            return try JSONDecoder().decode(DrawCommitment.self, from: Data(text.utf8))
        } catch {
            throw DrawStoreError(.failure, "the stored commitment of \(group) round \(round) cannot be read: \(error)")
        }
    }

    /// Draws every prepared and undrawn group and round (or the selected ones) with `seed`.
    public func run(
        plan: AnnualPlan, planID: Int64, seed: String, tasks: [Int]?, round: Int?, reason: String?,
        allowPartialTeams: Bool = false, inputs: DrawInputs? = nil
    ) throws -> [CompletedDraw] {
        if let problem = Draw.problem(withPublicSeed: seed) { throw DrawStoreError(.usage, problem) }
        let trimmedReason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        let groups = try Self.groups(of: plan, tasks: tasks)
        struct Target: Sendable { var group: DrawGroup; var round: Int; var hash: String; var commitment: DrawCommitment; var redraw: Bool }
        var targets: [Target] = []
        var prepared: [String: [Int: LedgerEntry]] = [:]
        try store.read { db in
            prepared = try currentEntries(db, planID: planID)
            for group in groups {
                let drawn = prepared[group.key] ?? [:]
                let rounds: [Int] = round.map { [$0] } ?? group.schedule.rounds.map(\.number).filter { drawn[$0] == nil }
                for r in rounds {
                    guard let current = try currentCommitment(db, planID: planID, group: group.key, round: r) else {
                        if round != nil {
                            throw DrawStoreError(
                                .failure,
                                "\(group.key) round \(r) is not prepared; run `suiji draw prepare` and publish its commitment before the seed"
                            )
                        }
                        continue
                    }
                    if let earlier = drawn[r] {
                        guard let trimmedReason, !trimmedReason.isEmpty else {
                            throw DrawStoreError(
                                .usage,
                                "\(group.key) round \(r) was already drawn (ledger #\(earlier.seq), seed '\(earlier.seed)'); a re-draw needs --reason TEXT, and the first draw stays in the ledger"
                            )
                        }
                        if let later = drawn.keys.filter({ $0 > r }).min() {
                            throw DrawStoreError(
                                .failure, "\(group.key): round \(later) is already drawn; round \(r) cannot be drawn again")
                        }
                    }
                    targets.append(
                        Target(group: group, round: r, hash: current.hash, commitment: current.commitment, redraw: drawn[r] != nil))
                }
            }
        }
        guard !targets.isEmpty else {
            throw DrawStoreError(
                .failure,
                "nothing to draw: no prepared and undrawn group and round\(tasks == nil ? "" : " among the selected tasks"); run `suiji draw prepare` first (to draw a drawn round again, give --round N --reason TEXT)"
            )
        }
        // Recompute every commitment from the store: the frozen inputs must still hold.
        let inputs = try inputs ?? store.drawInputs()
        var excluded: [Set<String>] = []
        try store.read { db in
            for t in targets { excluded.append(try exclusions(db, entries: prepared[t.group.key] ?? [:], before: t.round)) }
        }
        let (scopeMap, rules) = (try self.scopeMap(), self.rules)
        let (jobs, excludedSets) = (targets, excluded)
        let draws = try ParallelMap.map(jobs.count) { i -> (Target, DrawCommitment, DrawBundle, DrawSelection) in
            let t = jobs[i]
            let allow = t.commitment.inspectors?.allowPartialTeams ?? false
            let now = try Draw.prepare(
                group: t.group, round: t.round, inputs: inputs, exclusions: excludedSets[i], scopeMap: scopeMap,
                rules: Self.rules(rules, allowPartialTeams: allow))
            if now.hash != t.hash {
                throw DrawStoreError(
                    .failure,
                    "\(t.group.key) round \(t.round): the store no longer matches the commitment \(t.hash) "
                        + "(\(Self.difference(t.commitment, now.commitment))); run `suiji draw prepare` again and publish the new commitment"
                )
            }
            var effective = t.commitment
            if allowPartialTeams, var setup = effective.inspectors, !setup.allowPartialTeams {
                setup.allowPartialTeams = true
                effective.inspectors = setup
            }
            do {
                let (bundle, selection) = try DrawBundle.draw(commitment: effective, publicSeed: seed)
                return (t, effective, bundle, selection)
            } catch let error as InspectorShortfallError {
                throw DrawStoreError(
                    .failure,
                    "\(t.group.key) round \(t.round): \(error.description) (or draw with --allow-partial-teams); nothing was recorded")
            }
        }
        let now = clock.now().storeTimestamp
        return try store.write { db in
            var done: [CompletedDraw] = []
            var departmentIDs: [String: Int64] = [:]
            func departmentID(_ name: String) throws -> Int64 {
                if let id = departmentIDs[name] { return id }
                if let id = try Int64.fetchOne(db, sql: "SELECT id FROM departments WHERE name = ?", arguments: [name]) {
                    departmentIDs[name] = id
                    return id
                }
                try db.execute(sql: "INSERT INTO departments (name) VALUES (?)", arguments: [name])
                departmentIDs[name] = db.lastInsertedRowID
                return db.lastInsertedRowID
            }
            for (t, effective, bundle, selection) in draws {
                var published: String?
                if bundle.commitmentHash != t.hash {
                    published = t.hash
                    let seq = (try Int.fetchOne(db, sql: "SELECT MAX(prepared_seq) FROM draw_commitments") ?? 0) + 1
                    try db.execute(
                        sql: """
                            INSERT OR IGNORE INTO draw_commitments (plan_id, group_key, round, commitment_sha256, canonical_json, algorithm_version, prepared_at, prepared_seq, derived_from, run_id)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            planID, t.group.key, t.round, bundle.commitmentHash, effective.canonicalValue.canonicalText,
                            effective.algorithm, now, seq, t.hash,
                            store.runID,
                        ])
                }
                let result = LedgerResult(
                    seedString: bundle.seedString, sample: bundle.sample, order: selection.order,
                    assignments: bundle.assignments, shortTeams: bundle.shortTeams, publishedCommitment: published)
                try db.execute(
                    sql: "INSERT OR IGNORE INTO draw_seeds (group_key, round, seed, received_at) VALUES (?, ?, ?, ?)",
                    arguments: [t.group.key, t.round, seed, now])
                let entry = try store.appendLedgerEntry(
                    db, kind: t.redraw ? "redraw" : "draw", planID: planID, group: t.group.key, round: t.round,
                    commitment: bundle.commitmentHash, seed: seed, reason: t.redraw ? trimmedReason : nil,
                    result: result.canonicalValue.canonicalText, createdAt: now)
                let sampler = ConsistentSampler(seed: bundle.seedString)
                var classOf: [String: RiskClass?] = [:]
                for m in effective.population { classOf[m.uscc] = m.riskClass }
                for (position, uscc) in selection.order.enumerated() {
                    try db.execute(
                        sql: "INSERT INTO draw_selections (ledger_seq, position, uscc, risk_class, ticket) VALUES (?, ?, ?, ?, ?)",
                        arguments: [entry.seq, position + 1, uscc, (classOf[uscc] ?? nil)?.rawValue, sampler.ticket(for: uscc).text])
                }
                for a in bundle.assignments ?? [] {
                    let dept = try departmentID(a.department)
                    for (slot, id) in a.inspectorIds.enumerated() {
                        try db.execute(
                            sql:
                                "INSERT INTO inspector_assignments (ledger_seq, uscc, department_id, inspector_id, slot, ticket) VALUES (?, ?, ?, ?, ?, ?)",
                            arguments: [
                                entry.seq, a.uscc, dept, id, slot + 1,
                                sampler.ticket(for: InspectorMatcher.ticketId(inspectorId: id, uscc: a.uscc)).text,
                            ])
                    }
                }
                done.append(CompletedDraw(entry: entry, bundle: bundle))
            }
            return done
        }
    }

    /// What differs between a stored commitment and the store's data now, in a few words.
    static func difference(_ old: DrawCommitment, _ new: DrawCommitment) -> String {
        var parts: [String] = []
        if old.population != new.population {
            let a = Set(old.population.map(\.uscc)), b = Set(new.population.map(\.uscc))
            let changedClass = old.population.count == new.population.count && a == b
            parts.append(
                changedClass
                    ? "entity classes changed"
                    : "population \(old.population.count) → \(new.population.count) (+\(b.subtracting(a).count) −\(a.subtracting(b).count))"
            )
        }
        if old.exclusions != new.exclusions { parts.append("exclusions \(old.exclusions.count) → \(new.exclusions.count)") }
        if old.quotas != new.quotas { parts.append("quotas changed") }
        if old.tasks != new.tasks || old.scopes != new.scopes || old.departments != new.departments {
            parts.append("the plan's group changed")
        }
        if old.inspectors?.pools != new.inspectors?.pools { parts.append("inspector pools changed") }
        if old.inspectors?.avoidance != new.inspectors?.avoidance { parts.append("avoidance list changed") }
        if old.inspectors?.teamSizes != new.inspectors?.teamSizes || old.inspectors?.loadCap != new.inspectors?.loadCap {
            parts.append("matching settings changed")
        }
        if old.roundStart != new.roundStart || old.roundEnd != new.roundEnd { parts.append("round dates changed") }
        return parts.isEmpty ? "inputs changed" : parts.joined(separator: "; ")
    }

    // MARK: export

    /// The bundle of the current draw of a group and round, from the recorded result.
    public func bundle(planID: Int64, group: String, round: Int) throws -> (bundle: DrawBundle, entry: LedgerEntry) {
        try store.read { db in
            guard let entry = try currentEntries(db, planID: planID)[group]?[round] else {
                throw DrawStoreError(.failure, "\(group) round \(round) has not been drawn; nothing to export")
            }
            guard
                let text = try String.fetchOne(
                    db, sql: "SELECT canonical_json FROM draw_commitments WHERE commitment_sha256 = ?", arguments: [entry.commitment])
            else {
                throw DrawStoreError(
                    .failure, "ledger #\(entry.seq): its commitment \(entry.commitment) is missing; run `suiji draw verify-ledger`")
            }
            do {
                let commitment = try JSONDecoder().decode(DrawCommitment.self, from: Data(text.utf8))
                let result = try entry.result()
                let bundle = DrawBundle(
                    commitment: commitment, commitmentHash: entry.commitment, publicSeed: entry.seed, seedString: result.seedString,
                    sample: result.sample, assignments: result.assignments, shortTeams: result.shortTeams)
                return (bundle, entry)
            } catch {
                throw DrawStoreError(.failure, "ledger #\(entry.seq) cannot be read: \(error); run `suiji draw verify-ledger`")
            }
        }
    }

    // MARK: show

    /// Per group and round: population, quota and drawn per class, classification rate, matters.
    public func summaries(plan: AnnualPlan, planID: Int64) throws -> DrawOverview {
        let groups = DrawGroups.form(plan)
        return try store.read { db in
            let entries = try currentEntries(db, planID: planID)
            var rounds: [DrawOverview.RoundSummary] = []
            var coveredTasks: Set<Int> = []
            for group in groups {
                for round in group.schedule.rounds {
                    let entry = entries[group.key]?[round.number]
                    let committedHash = try Self.currentCommitmentHash(db, planID: planID, group: group.key, round: round.number)
                    // One decode per round: the drawn commitment if drawn, else the current one.
                    let shownHash = entry?.commitment ?? committedHash
                    let commitment = shownHash.flatMap { try? storedCommitment(db, hash: $0, group: group.key, round: round.number) }
                    var summary = DrawOverview.RoundSummary(
                        group: group.key, round: round.number, start: round.start.description, end: round.end.description,
                        tasks: group.taskSeqs, matters: group.tasks.flatMap(\.matters))
                    summary.status = entry != nil ? "drawn" : (committedHash != nil ? "prepared" : "not prepared")
                    summary.commitment = shownHash
                    summary.ledgerSeq = entry?.seq
                    summary.seed = entry?.seed
                    if let commitment {
                        var classOf: [String: RiskClass?] = [:]
                        for m in commitment.population {
                            classOf[m.uscc] = m.riskClass
                            summary.population[RiskClass.forQuota(m.riskClass).rawValue, default: 0] += 1
                        }
                        for c in RiskClass.allCases { summary.quota[c.rawValue] = commitment.quotas[c] ?? 0 }
                        if let entry, let result = try? entry.result() {
                            coveredTasks.formUnion(group.taskSeqs)
                            for c in RiskClass.allCases { summary.drawn[c.rawValue] = result.sample[c]?.count ?? 0 }
                            let drawn = result.order
                            let classified = drawn.filter { (classOf[$0] ?? nil) != nil }.count
                            summary.classified = classified
                            summary.applicationRate = drawn.isEmpty ? nil : Double(classified) / Double(drawn.count)
                            summary.shortTeams = result.shortTeams?.count ?? 0
                        }
                    }
                    rounds.append(summary)
                }
            }
            let allMatters = plan.tasks.reduce(0) { $0 + $1.matters.count }
            let covered = plan.tasks.filter { coveredTasks.contains($0.seq) }.reduce(0) { $0 + $1.matters.count }
            return DrawOverview(
                year: plan.year, region: plan.region, rounds: rounds, matters: allMatters, mattersCovered: covered,
                tasks: plan.tasks.count, tasksCovered: coveredTasks.count)
        }
    }

    /// Every drawn object of the current draws with its inspectors.
    public func assignments(plan: AnnualPlan, planID: Int64) throws -> [ObjectAssignment] {
        let groups = Dictionary(DrawGroups.form(plan).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        return try store.read { db in
            var out: [ObjectAssignment] = []
            let entries = try currentEntries(db, planID: planID)
            for key in entries.keys.sorted() {
                guard let byRound = entries[key] else { continue }
                for round in byRound.keys.sorted() {
                    guard let entry = byRound[round] else { continue }
                    let result: LedgerResult
                    do { result = try entry.result() } catch {
                        throw DrawStoreError(.failure, "ledger #\(entry.seq) cannot be read: \(error); run `suiji draw verify-ledger`")
                    }
                    var teams: [String: [ObjectAssignment.Member]] = [:]
                    for a in result.assignments ?? [] {
                        teams[a.uscc, default: []] += a.inspectorIds.map { ObjectAssignment.Member(id: $0, department: a.department) }
                    }
                    var classOf: [String: String] = [:]
                    for c in RiskClass.allCases { for u in result.sample[c] ?? [] { classOf[u] = c.rawValue } }
                    let short = Set((result.shortTeams ?? []).map(\.uscc))
                    for uscc in result.order {
                        out.append(
                            ObjectAssignment(
                                group: key, round: round, tasks: groups[key]?.taskSeqs ?? [], uscc: uscc,
                                riskClass: classOf[uscc], inspectors: teams[uscc] ?? [], shortTeam: short.contains(uscc),
                                ledgerSeq: entry.seq))
                    }
                }
            }
            return out
        }
    }
}

/// What `draw show` reports.
public struct DrawOverview: Sendable, Hashable, Codable {
    /// One group and round.
    public struct RoundSummary: Sendable, Hashable, Codable {
        /// The group key.
        public var group: String
        /// The round.
        public var round: Int
        /// First day.
        public var start: String
        /// Last day.
        public var end: String
        /// The group's tasks.
        public var tasks: [Int]
        /// The matters one joint visit covers (the tasks' 检查事项).
        public var matters: [String]
        /// `not prepared`, `prepared` or `drawn`.
        public var status = "not prepared"
        /// The commitment hash (the drawn one, else the prepared one).
        public var commitment: String?
        /// The current ledger entry.
        public var ledgerSeq: Int?
        /// The public seed of the current draw.
        public var seed: String?
        /// Population per class (unclassified under B).
        public var population: [String: Int] = [:]
        /// Quota per class.
        public var quota: [String: Int] = [:]
        /// Drawn per class.
        public var drawn: [String: Int] = [:]
        /// Drawn objects with a class of their own.
        public var classified: Int?
        /// classified ÷ drawn (the plan requires at least 95%).
        public var applicationRate: Double?
        /// Teams left short.
        public var shortTeams: Int = 0

        /// Creates an empty summary.
        public init(group: String, round: Int, start: String, end: String, tasks: [Int], matters: [String]) {
            self.group = group
            self.round = round
            self.start = start
            self.end = end
            self.tasks = tasks
            self.matters = matters
        }

        /// True when the application rate is below 95%.
        public var belowRequiredRate: Bool { (applicationRate ?? 1) < DrawOverview.requiredApplicationRate }
    }

    /// The least share of drawn objects with a risk class (the plan's 95%).
    public static let requiredApplicationRate = 0.95

    /// The plan year.
    public var year: Int
    /// The region.
    public var region: String
    /// Every group and round.
    public var rounds: [RoundSummary]
    /// Matters in the plan.
    public var matters: Int
    /// Matters of tasks with at least one draw.
    public var mattersCovered: Int
    /// Tasks in the plan.
    public var tasks: Int
    /// Tasks with at least one draw.
    public var tasksCovered: Int

    /// A text report.
    public var text: String {
        var lines: [String] = [
            "plan \(year) \(region): \(rounds.count) group rounds; tasks drawn \(tasksCovered) of \(tasks); matters covered \(mattersCovered) of \(matters)"
        ]
        for r in rounds {
            var head =
                "\(r.group) round \(r.round) (\(r.start)…\(r.end)) tasks \(r.tasks.map(String.init).joined(separator: ", ")): \(r.status)"
            if let seq = r.ledgerSeq { head += " (ledger #\(seq))" }
            lines.append(head)
            guard r.status != "not prepared" else { continue }
            func row(_ name: String, _ t: [String: Int]) -> String {
                "  \(name)" + RiskClass.allCases.map { " \($0.rawValue) \(t[$0.rawValue] ?? 0)" }.joined(separator: " ")
                    + "  total \(t.values.reduce(0, +))"
            }
            lines.append(row("population", r.population))
            lines.append(row("quota     ", r.quota))
            if r.status == "drawn" {
                lines.append(row("drawn     ", r.drawn))
                if let rate = r.applicationRate, let classified = r.classified {
                    let drawn = r.drawn.values.reduce(0, +)
                    let percent = String(format: "%.1f%%", rate * 100)
                    lines.append(
                        "  risk classification applied: \(percent) (\(classified) of \(drawn))"
                            + (r.belowRequiredRate ? "  warning: below the required 95%" : ""))
                }
                if r.shortTeams > 0 { lines.append("  warning: \(r.shortTeams) short teams") }
            }
            lines.append("  matters: \(r.matters.count)")
        }
        return lines.joined(separator: "\n")
    }
}

/// One drawn object and its team (`draw show --assignments`).
public struct ObjectAssignment: Sendable, Hashable, Codable {
    /// An inspector on the team.
    public struct Member: Sendable, Hashable, Codable {
        /// 执法证号.
        public var id: String
        /// The inspector's department.
        public var department: String
    }

    /// The group key.
    public var group: String
    /// The round.
    public var round: Int
    /// The group's tasks.
    public var tasks: [Int]
    /// The object.
    public var uscc: String
    /// The class it was drawn in (unclassified objects are drawn under B).
    public var riskClass: String?
    /// The team, departments in group order.
    public var inspectors: [Member]
    /// True when a department's team is short (partial teams allowed).
    public var shortTeam: Bool
    /// The ledger entry of the draw.
    public var ledgerSeq: Int
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

extension DrawStoreError {
    /// How a command that stops on this error ends: the status the draw store gave it.
    public var exitStatus: ExitStatus { status }
}
