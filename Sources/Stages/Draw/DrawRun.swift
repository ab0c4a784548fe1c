import Foundation
public import Pipeline

// `suiji draw run` over the store (the protocol at the top of DrawStore.swift): each group and round
// recomputed and checked against its commitment, drawn through `DrawBundle.draw`, and the draws
// recorded in one transaction with their joint visits.

extension DrawStore {
    /// Draws every prepared and undrawn group and round (or the selected ones) with `seed`; each
    /// group and round is its own outcome (top of DrawStore.swift).
    public func run(
        plan: AnnualPlan, planID: Int64, seed: String, tasks: [Int]?, round: Int?, reason: String?,
        allowPartialTeams: Bool = false, inputs: DrawInputs? = nil
    ) throws -> RunOutcome {
        if let problem = Draw.problemText(withPublicSeed: seed) { throw DrawStoreError(.usage, problem) }
        let trimmedReason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        let groups = try Self.groups(of: plan, tasks: tasks)
        struct Target: Sendable { var group: DrawGroup; var round: Int; var hash: String; var commitment: DrawCommitment; var redraw: Bool }
        var targets: [Target] = []
        var empty: [RoundOutcome] = []
        var prepared: [String: [Int: LedgerEntry]] = [:]
        try store.reading { sql in
            prepared = try currentEntries(sql, planID: planID, results: false)
            for group in groups {
                let drawn = prepared[group.key] ?? [:]
                let rounds: [Int] = round.map { [$0] } ?? group.schedule.rounds.map(\.number).filter { drawn[$0] == nil }
                for r in rounds {
                    guard let current = try currentCommitment(sql, planID: planID, group: group.key, round: r) else {
                        if round != nil {
                            throw DrawStoreError(.failure, Message(.drawNotPrepared, ["group": group.key, "round": "\(r)"]))
                        }
                        continue
                    }
                    if current.commitment.population.isEmpty {
                        empty.append(RoundOutcome(group: group.key, round: r, Message(.drawEmptyPopulation)))
                        continue
                    }
                    if let earlier = drawn[r] {
                        guard let trimmedReason, !trimmedReason.isEmpty else {
                            throw DrawStoreError(
                                .usage,
                                Message(
                                    .drawAlreadyDrawn, ["group": group.key, "round": "\(r)", "seq": "\(earlier.seq)", "seed": earlier.seed])
                            )
                        }
                        if let later = drawn.keys.filter({ $0 > r }).min() {
                            throw DrawStoreError(
                                .failure, Message(.drawLaterRoundDrawnNoRedraw, ["group": group.key, "later": "\(later)", "round": "\(r)"]))
                        }
                    }
                    targets.append(
                        Target(group: group, round: r, hash: current.hash, commitment: current.commitment, redraw: drawn[r] != nil))
                }
            }
        }
        guard !targets.isEmpty else {
            if !empty.isEmpty { return RunOutcome(done: [], failed: [], empty: empty) }
            throw DrawStoreError(.failure, Message(tasks == nil ? .drawNothingToDraw : .drawNothingToDrawAmong))
        }
        // Recompute every commitment from the store: the frozen inputs must still hold.
        let inputs = try inputs ?? store.drawInputs()
        var excluded: [Set<String>] = []
        try store.reading { sql in
            for t in targets { excluded.append(try exclusions(sql, entries: prepared[t.group.key] ?? [:], before: t.round)) }
        }
        let (scopeMap, rules, key) = (try self.scopeMap(), self.rules, try saltKey(create: false))
        let (jobs, excludedSets) = (targets, excluded)
        typealias Drawn = (target: Target, effective: DrawCommitment, bundle: DrawBundle, selection: DrawSelection)
        let outcomes = try ParallelMap.map(jobs.count) { i -> Result<Drawn, RoundOutcome> in
            let t = jobs[i]
            let allow = t.commitment.inspectors?.allowPartialTeams ?? false
            let now = try Draw.prepare(
                group: t.group, round: t.round, inputs: inputs, exclusions: excludedSets[i], scopeMap: scopeMap,
                rules: Self.rules(rules, allowPartialTeams: allow), ledgerHead: t.commitment.ledgerHead ?? LedgerEntry.genesis, saltKey: key
            )
            if now.hash != t.hash {
                return .failure(
                    RoundOutcome(
                        group: t.group.key, round: t.round,
                        Message(.drawStale, ["hash": t.hash], parts: ["difference": Self.difference(t.commitment, now.commitment)])))
            }
            var effective = t.commitment
            var hash: String? = t.hash
            if allowPartialTeams, var setup = effective.inspectors, !setup.allowPartialTeams {
                setup.allowPartialTeams = true
                effective.inspectors = setup
                hash = nil // a derived commitment: its own hash
            }
            do {
                let (bundle, selection) = try DrawBundle.draw(commitment: effective, publicSeed: seed, hash: hash)
                return .success((t, effective, bundle, selection))
            } catch let error as InspectorShortfallError {
                return .failure(
                    RoundOutcome(
                        group: t.group.key, round: t.round,
                        Message(
                            .drawShortfall,
                            [
                                "department": error.department, "shortfall": "\(error.shortfall)", "uscc": error.uscc,
                                "needed": "\(error.needed)", "matched": "\(error.matched)",
                            ])))
            }
        }
        let failed = outcomes.compactMap { if case .failure(let f) = $0 { f } else { nil } }
        let draws = outcomes.compactMap { try? $0.get() }
        let done =
            draws.isEmpty
            ? []
            : try record(
                draws.map { ($0.target.hash, $0.target.redraw, $0.effective, $0.bundle, $0.selection) },
                plan: plan, planID: planID, seed: seed, reason: trimmedReason)
        return RunOutcome(done: done, failed: failed, empty: empty)
    }

    /// Records draws in one transaction: commitments derived at run time, seeds, ledger entries
    /// (with their joint visits), selections and assignments.
    fileprivate func record(
        _ draws: [(published: String, redraw: Bool, effective: DrawCommitment, bundle: DrawBundle, selection: DrawSelection)],
        plan: AnnualPlan, planID: Int64, seed: String, reason: String?
    ) throws -> [CompletedDraw] {
        let now = clock.now().storeTimestamp
        let runID = store.runID
        return try store.writing { sql in
            var done: [CompletedDraw] = []
            var departmentIDs: [String: Int64] = [:]
            func departmentID(_ name: String) throws -> Int64 {
                if let id = departmentIDs[name] { return id }
                if let id = try sql.integer("SELECT id FROM departments WHERE name = ?", [name]) {
                    departmentIDs[name] = id
                    return id
                }
                guard let id = try sql.integer("INSERT INTO departments (name) VALUES (?) RETURNING id", [name]) else {
                    throw StoreError(path: "departments", Message(.storeNoRowID, ["statement": "INSERT INTO departments (name)"]))
                }
                departmentIDs[name] = id
                return id
            }
            var current = jointVisits ? try DrawnRounds.current(sql, planID: planID) : [:]
            for (publishedHash, redraw, effective, bundle, selection) in draws {
                var published: String?
                if bundle.commitmentHash != publishedHash {
                    published = publishedHash
                    let seq = (try sql.integer("SELECT MAX(prepared_seq) FROM draw_commitments") ?? 0) + 1
                    try sql.execute(
                        """
                        INSERT INTO draw_commitments (plan_id, group_key, round, commitment_sha256, canonical_json, algorithm_version, prepared_at, prepared_seq, derived_from, run_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """,
                        [
                            planID, effective.groupKey, effective.round, bundle.commitmentHash, effective.privateCanonicalText,
                            effective.algorithm, now, seq, publishedHash, runID,
                        ])
                }
                let nextSeq = Int(try sql.integer("SELECT MAX(seq) FROM draw_ledger") ?? 0) + 1
                let drawn = JointVisitDraw(
                    ledgerSeq: nextSeq, group: effective.groupKey, round: effective.round, departments: effective.departments,
                    start: effective.roundStart, end: effective.roundEnd, objects: selection.order)
                var joint: [JointVisitRecord]?
                if jointVisits {
                    let earlier = current.filter { $0.key != DrawnRounds.key(effective.groupKey, effective.round) }.map(\.value)
                    joint = JointVisits.records(for: drawn, earlier: earlier)
                    current[DrawnRounds.key(effective.groupKey, effective.round)] = drawn
                }
                let result = LedgerResult(
                    seedString: bundle.seedString, sample: bundle.sample, order: selection.order,
                    assignments: bundle.assignments, shortTeams: bundle.shortTeams, publishedCommitment: published,
                    visits: effective.isLegacy ? nil : selection.visit, jointVisits: joint)
                try sql.execute(
                    "INSERT INTO draw_seeds (group_key, round, seed, received_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    [effective.groupKey, effective.round, seed, now])
                let entry = try LedgerEntry.append(
                    sql, runID: runID, kind: redraw ? "redraw" : "draw", planID: planID, group: effective.groupKey, round: effective.round,
                    commitment: bundle.commitmentHash, seed: seed, reason: redraw ? reason : nil,
                    result: result.canonicalValue.canonicalText, createdAt: now)
                let sampler = ConsistentSampler(seed: bundle.seedString)
                var classOf: [String: RiskClass?] = [:]
                for m in effective.population { classOf[m.uscc] = m.riskClass }
                // A few statements for a draw's rows, not one per row (a round trip each on PostgreSQL).
                try sql.insert(
                    into: "draw_selections", columns: ["ledger_seq", "position", "uscc", "risk_class", "ticket"],
                    rows: selection.order.enumerated().map { position, uscc in
                        [entry.seq, position + 1, uscc, (classOf[uscc] ?? nil)?.rawValue, sampler.ticket(for: uscc).text]
                    })
                var assignments: [[any SQLBindable]] = []
                for a in bundle.assignments ?? [] {
                    let dept = try departmentID(a.department)
                    for (slot, id) in a.inspectorIds.enumerated() {
                        assignments.append([
                            entry.seq, a.uscc, dept, id, slot + 1,
                            sampler.ticket(for: InspectorMatcher.ticketId(inspectorId: id, uscc: a.uscc)).text,
                        ])
                    }
                }
                try sql.insert(
                    into: "inspector_assignments", columns: ["ledger_seq", "uscc", "department_id", "inspector_id", "slot", "ticket"],
                    rows: assignments)
                done.append(CompletedDraw(entry: entry, bundle: bundle))
            }
            return done
        }
    }

    /// What differs between a stored commitment and the store's data now, in a few words.
    static func difference(_ old: DrawCommitment, _ new: DrawCommitment) -> Message {
        var parts: [Message] = []
        if old.isLegacy { parts.append(Message(.drawDiffLegacy)) }
        if old.population != new.population {
            let a = Set(old.population.map(\.uscc)), b = Set(new.population.map(\.uscc))
            let changedClass = old.population.count == new.population.count && a == b
            parts.append(
                changedClass
                    ? Message(.drawDiffClasses)
                    : Message(
                        .drawDiffPopulation,
                        [
                            "old": "\(old.population.count)", "new": "\(new.population.count)", "added": "\(b.subtracting(a).count)",
                            "removed": "\(a.subtracting(b).count)",
                        ]))
        }
        if old.exclusions != new.exclusions {
            parts.append(Message(.drawDiffExclusions, ["old": "\(old.exclusions.count)", "new": "\(new.exclusions.count)"]))
        }
        if old.quotas != new.quotas || old.quotaRecords != new.quotaRecords || old.visits != new.visits {
            parts.append(Message(.drawDiffQuotas))
        }
        if old.tasks != new.tasks || old.scopes != new.scopes || old.departments != new.departments {
            parts.append(Message(.drawDiffGroup))
        }
        if old.inspectors?.pools != new.inspectors?.pools { parts.append(Message(.drawDiffPools)) }
        if old.inspectors?.avoidance != new.inspectors?.avoidance { parts.append(Message(.drawDiffAvoidance)) }
        if old.inspectors?.teamSizes != new.inspectors?.teamSizes || old.inspectors?.loadCap != new.inspectors?.loadCap {
            parts.append(Message(.drawDiffMatching))
        }
        if old.roundStart != new.roundStart || old.roundEnd != new.roundEnd { parts.append(Message(.drawDiffDates)) }
        if !old.isLegacy && old.secret != new.secret && parts.isEmpty { parts.append(Message(.drawDiffSalt)) }
        return Message.list(parts) ?? Message(.drawDiffInputs)
    }
}
