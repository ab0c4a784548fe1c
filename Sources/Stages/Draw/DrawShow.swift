import Foundation
public import Pipeline

// What the draw commands show from the store: the bundles of a draw (auditor and public), the
// overview of every group and round with the plan's targets, and each drawn object with its team,
// visit and joint visit (一业一查).

extension DrawStore {
    /// The plan's targets for the plan the configuration names (its year and region; without them, the
    /// only plan stored), or nil when the store holds no such plan or cannot tell which. What
    /// `suiji report` and the nightly report show.
    public static func targets(store: any StageStore, configuration: Configuration) throws -> PlanTargets? {
        let draws = try DrawStore(store: store, configuration: configuration)
        let key: (year: Int, region: String)
        do { key = try store.planKey(year: nil, region: nil, configuration: configuration) } catch is PlanKeyError { return nil }
        guard let (plan, id) = try draws.storedPlan(year: key.year, region: key.region) else { return nil }
        return try draws.targets(plan: plan, planID: id)
    }

    /// The quota rule checked over every group round of `plan` with the current registers and the
    /// configuration's rules (`suiji draw quotas`, QuotaAudit.swift).
    public func quotaAudit(plan: AnnualPlan, inputs: DrawInputs? = nil) throws -> QuotaAudit {
        QuotaAudit.run(
            plan: plan, inputs: try inputs ?? store.drawInputs(), scopeMap: try scopeMap(),
            rules: Self.rules(rules, allowPartialTeams: true))
    }

    // MARK: export

    /// The auditor bundle of the current draw of a group and round, from the recorded result.
    public func bundle(planID: Int64, group: String, round: Int) throws -> (bundle: DrawBundle, entry: LedgerEntry) {
        try store.reading { sql in
            guard let entry = try currentEntries(sql, planID: planID)[group]?[round] else {
                throw DrawStoreError(.failure, Message(.drawNotDrawnNothingToExport, ["group": group, "round": "\(round)"]))
            }
            guard
                let text = try sql.row("SELECT canonical_json FROM draw_commitments WHERE commitment_sha256 = ?", [entry.commitment])?.text(
                    0)
            else {
                throw DrawStoreError(
                    .failure, Message(.drawLedgerCommitmentMissing, ["seq": "\(entry.seq)", "hash": entry.commitment]))
            }
            do {
                let commitment = try JSONDecoder().decode(DrawCommitment.self, from: Data(text.utf8))
                let result = try entry.result()
                let bundle = DrawBundle(
                    format: commitment.isLegacy ? DrawBundle.legacyFormat : DrawBundle.currentFormat,
                    commitment: commitment, commitmentHash: entry.commitment, publicSeed: entry.seed, seedString: result.seedString,
                    sample: result.sample, visits: result.visits ?? [:], assignments: result.assignments, shortTeams: result.shortTeams)
                return (bundle, entry)
            } catch {
                throw DrawStoreError(.failure, Message(.drawLedgerUnreadable, ["seq": "\(entry.seq)", "reason": "\(error)"]))
            }
        }
    }

    // MARK: show

    /// The plan's targets measured over the current draws (PlanTargets.swift).
    public func targets(plan: AnnualPlan, planID: Int64) throws -> PlanTargets {
        try store.reading { sql in
            let entries = try currentEntries(sql, planID: planID)
            var drawnTasks: Set<Int> = []
            var drawn = 0
            var classified = 0
            let groups = Dictionary(DrawGroups.form(plan).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            for (key, byRound) in entries {
                for entry in byRound.values {
                    let row = try sql.row("SELECT COUNT(*), COUNT(risk_class) FROM draw_selections WHERE ledger_seq = ?", [entry.seq])
                    let (n, k) = (Int(try row?.integer(0) ?? 0), Int(try row?.integer(1) ?? 0))
                    drawn += n
                    classified += k
                    if n > 0 { drawnTasks.formUnion(groups[key]?.taskSeqs ?? []) }
                }
            }
            var lists: [String: [String]] = [:]
            for row in try sql.rows("SELECT department, matter FROM matter_list_items WHERE valid_to_import IS NULL ORDER BY position") {
                lists[try row.requiredText(0), default: []].append(try row.requiredText(1))
            }
            return PlanTargets.measure(
                plan: plan, drawnTasks: drawnTasks, drawnObjects: drawn, classifiedObjects: classified, matterLists: lists)
        }
    }

    /// Per group and round: population, quota and drawn per class, classification rate, matters;
    /// and the plan's targets.
    public func summaries(plan: AnnualPlan, planID: Int64) throws -> DrawOverview {
        let groups = DrawGroups.form(plan)
        let targets = try targets(plan: plan, planID: planID)
        let postgres = store.lane != nil
        return try store.reading { sql in
            let entries = try currentEntries(sql, planID: planID)
            var rounds: [DrawOverview.RoundSummary] = []
            var coveredTasks: Set<Int> = []
            for group in groups {
                for round in group.schedule.rounds {
                    let entry = entries[group.key]?[round.number]
                    let committedHash = try Self.currentCommitmentHash(sql, planID: planID, group: group.key, round: round.number)
                    // One decode per round: the drawn commitment if drawn, else the current one.
                    let shownHash = entry?.commitment ?? committedHash
                    // An undrawn round needs only the commitment's counts: read by the database, the
                    // population not decoded (a commitment of the first format is decoded).
                    let counts = entry == nil ? shownHash.flatMap { try? Self.storedCounts(sql, hash: $0, postgres: postgres) } : nil
                    let commitment =
                        counts != nil
                        ? nil : shownHash.flatMap { try? storedCommitment(sql, hash: $0, group: group.key, round: round.number) }
                    var summary = DrawOverview.RoundSummary(
                        group: group.key, round: round.number, start: round.start.description, end: round.end.description,
                        tasks: group.taskSeqs, matters: group.tasks.flatMap(\.matters))
                    summary.status = entry != nil ? "drawn" : (committedHash != nil ? "prepared" : "not prepared")
                    summary.commitment = shownHash
                    summary.ledgerSeq = entry?.seq
                    summary.seed = entry?.seed
                    if let counts {
                        if counts.members == 0 { summary.status = "empty" }
                        for c in RiskClass.allCases {
                            if let n = counts.classCounts[c], n > 0 { summary.population[c.rawValue] = n }
                            summary.quota[c.rawValue] = counts.quotas[c] ?? 0
                            summary.visits[c.rawValue] = counts.visits[c] ?? 1
                        }
                        summary.watchlisted = counts.watchlisted
                    }
                    if let commitment {
                        if commitment.population.isEmpty { summary.status = entry != nil ? "empty (drawn nothing)" : "empty" }
                        var classOf: [String: RiskClass?] = [:]
                        for m in commitment.population {
                            classOf[m.uscc] = m.riskClass
                            summary.population[m.quotaClass.rawValue, default: 0] += 1
                        }
                        for c in RiskClass.allCases {
                            summary.quota[c.rawValue] = commitment.quotas[c] ?? 0
                            summary.visits[c.rawValue] = commitment.visits[c] ?? 1
                        }
                        summary.watchlisted = commitment.population.filter { !$0.watch.isEmpty }.count
                        if let entry, let result = try? entry.result() {
                            if !result.order.isEmpty { coveredTasks.formUnion(group.taskSeqs) }
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
                tasks: plan.tasks.count, tasksCovered: coveredTasks.count, targets: targets)
        }
    }

    /// The counts a summary shows of a stored commitment of the current format, read with the
    /// database's JSON functions (the population is not decoded); nil for a commitment of the first
    /// format or one without them. The two dialects' JSON functions differ: the one statement that
    /// is written twice.
    static func storedCounts(_ sql: any StageSQL, hash: String, postgres: Bool) throws -> (
        members: Int, classCounts: [RiskClass: Int], quotas: [RiskClass: Int], visits: [RiskClass: Int], watchlisted: Int
    )? {
        let statement =
            postgres
            ? """
            SELECT j->>'format', CASE WHEN jsonb_typeof(j->'population') = 'array' THEN jsonb_array_length(j->'population') END,
                   j->>'classCounts', j->>'quotas', j->>'visits',
                   CASE WHEN jsonb_typeof(j->'watchlisted') = 'number' THEN (j->>'watchlisted')::bigint END
            FROM (SELECT canonical_json::jsonb AS j FROM draw_commitments WHERE commitment_sha256 = ?) c
            """
            : """
            SELECT json_extract(canonical_json, '$.format'), json_array_length(canonical_json, '$.population'),
                   json_extract(canonical_json, '$.classCounts'), json_extract(canonical_json, '$.quotas'),
                   json_extract(canonical_json, '$.visits'), json_extract(canonical_json, '$.watchlisted')
            FROM draw_commitments WHERE commitment_sha256 = ?
            """
        guard let row = try sql.row(statement, [hash]) else { return nil }
        guard try row.text(0) == DrawCommitment.currentFormat, let members = try row.integer(1), let watchlisted = try row.integer(5),
            let classCounts = try table(row.text(2)), let quotas = try table(row.text(3)), let visits = try table(row.text(4))
        else { return nil }
        return (Int(members), classCounts, quotas, visits, Int(watchlisted))
    }

    /// A class table (`{"A": n, …}`) of JSON text.
    private static func table(_ text: String?) throws -> [RiskClass: Int]? {
        guard let text else { return nil }
        let decoded = try JSONDecoder().decode([String: Int].self, from: Data(text.utf8))
        var out: [RiskClass: Int] = [:]
        for (k, v) in decoded {
            guard let c = RiskClass(rawValue: k) else { return nil }
            out[c] = v
        }
        return out
    }

    /// Every drawn object of the current draws with its inspectors, its visit and its joint visit.
    public func assignments(plan: AnnualPlan, planID: Int64) throws -> [ObjectAssignment] {
        try located(plan: plan, planID: planID, addresses: false).assignments
    }

    /// ``assignments(plan:planID:)`` (only those `only` keeps, if given), and each object's name and (with
    /// `addresses`) address as ``RegisteredNames`` picks them (the names are the assignments'), from
    /// one pass over the registers: for the task sheets.
    func located(
        plan: AnnualPlan, planID: Int64, addresses: Bool = true, only: ((ObjectAssignment) -> Bool)? = nil
    ) throws -> (assignments: [ObjectAssignment], entities: [String: RegisteredEntity]) {
        let groups = Dictionary(DrawGroups.form(plan).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let postgres = store.lane != nil
        return try store.reading { sql in
            var out: [ObjectAssignment] = []
            let entries = try currentEntries(sql, planID: planID)
            var results: [Int: LedgerResult] = [:]
            var teams: [Int: [String: [ObjectAssignment.Member]]] = [:]
            var entryOf: [Int: LedgerEntry] = [:]
            for byRound in entries.values {
                for entry in byRound.values {
                    do { results[entry.seq] = try entry.result() } catch {
                        throw DrawStoreError(.failure, Message(.drawLedgerUnreadable, ["seq": "\(entry.seq)", "reason": "\(error)"]))
                    }
                    entryOf[entry.seq] = entry
                    for a in results[entry.seq]?.assignments ?? [] {
                        teams[entry.seq, default: [:]][a.uscc, default: []] +=
                            a.inspectorIds.map { ObjectAssignment.Member(id: $0, department: a.department) }
                    }
                }
            }
            // Joint visits (一业一查) among the current draws, by entity and ledger entry.
            var jointOf: [String: ObjectAssignment.JointVisitView] = [:]
            if jointVisits {
                for visit in JointVisits.visits(of: Array(try DrawnRounds.current(sql, planID: planID).values)) {
                    // One team: per department, the inspectors of the first draw of the visit that has it.
                    var team: [ObjectAssignment.Member] = []
                    var matters: [String] = []
                    var departments: Set<String> = []
                    for seq in visit.ledgerSeqs {
                        let members = teams[seq]?[visit.uscc] ?? []
                        var fresh: Set<String> = []
                        for m in members where !departments.contains(m.department) {
                            team.append(m)
                            fresh.insert(m.department)
                        }
                        departments.formUnion(fresh)
                        if let key = entryOf[seq]?.group {
                            for matter in groups[key]?.tasks.flatMap(\.matters) ?? [] where !matters.contains(matter) {
                                matters.append(matter)
                            }
                        }
                    }
                    let drawTexts = visit.ledgerSeqs.compactMap { seq in
                        entryOf[seq].map { Message(.showJointDraw, ["group": $0.group, "round": "\($0.round)", "seq": "\(seq)"]) }
                    }
                    let view = ObjectAssignment.JointVisitView(
                        draws: drawTexts.map(\.english), drawTexts: drawTexts, window: "\(visit.start)…\(visit.end)", team: team,
                        matters: matters)
                    for seq in visit.ledgerSeqs { jointOf["\(seq)|\(visit.uscc)"] = view }
                }
            }
            for key in entries.keys.sorted() {
                guard let byRound = entries[key] else { continue }
                for round in byRound.keys.sorted() {
                    guard let entry = byRound[round], let result = results[entry.seq] else { continue }
                    var classOf: [String: String] = [:]
                    for c in RiskClass.allCases { for u in result.sample[c] ?? [] { classOf[u] = c.rawValue } }
                    let short = Set((result.shortTeams ?? []).map(\.uscc))
                    let dates = groups[key]?.schedule.round(round)
                    // The commitment's visits per class, read by the database (the population not
                    // decoded: it was a fifth of `draw list` over 1,000,000 register rows); a
                    // commitment of the first format is decoded.
                    let visits =
                        (result.visits ?? [:]).isEmpty
                        ? [:]
                        : ((try? Self.storedCounts(sql, hash: entry.commitment, postgres: postgres))?.visits
                            ?? (try? storedCommitment(sql, hash: entry.commitment, group: key, round: round))?.visits ?? [:])
                    for uscc in result.order {
                        var visit: Message?
                        if let k = result.visits?[uscc], let dates, let c = classOf[uscc].flatMap(RiskClass.init(rawValue:)) {
                            let n = max(k, visits[c] ?? k)
                            visit = Message(
                                .showVisitOf,
                                [
                                    "visit": "\(k)", "visits": "\(n)",
                                    "window": ClassVisits.label(start: dates.start, end: dates.end, visit: k, of: n),
                                ])
                        }
                        out.append(
                            ObjectAssignment(
                                group: key, round: round, tasks: groups[key]?.taskSeqs ?? [], uscc: uscc,
                                riskClass: classOf[uscc], inspectors: teams[entry.seq]?[uscc] ?? [], shortTeam: short.contains(uscc),
                                ledgerSeq: entry.seq, visit: visit?.english, visitText: visit, jointVisit: jointOf["\(entry.seq)|\(uscc)"]))
                    }
                }
            }
            return try Self.named(only.map { out.filter($0) } ?? out, sql, addresses: addresses)
        }
    }
}

extension DrawStore {
    /// The assignments with the names a person reads: each business's name from its register (a current
    /// row first, else its latest) and each inspector's from the department's inspector register (the
    /// same); and each business's name and (with `addresses`) address. One pass over each table,
    /// whatever the number of objects.
    static func named(
        _ assignments: [ObjectAssignment], _ sql: any StageSQL, addresses: Bool
    ) throws -> (assignments: [ObjectAssignment], entities: [String: RegisteredEntity]) {
        // One pass over the registers for the draws' objects (RegisteredNames: the rule's one home).
        let seqs = Set(assignments.map(\.ledgerSeq)).sorted()
        let entities =
            seqs.isEmpty
            ? [:]
            : try RegisteredNames.entities(RegisteredNames.objectsOfDraws(count: seqs.count), seqs, addresses: addresses, in: sql)
        var inspectorName: [String: String] = [:]
        for row in try sql.rows(
            """
            SELECT d.name, i.inspector_id, i.name FROM inspector_rows i JOIN departments d ON d.id = i.department_id
            ORDER BY CASE WHEN i.valid_to_import IS NULL THEN 1 ELSE 0 END, i.id
            """)
        {
            inspectorName["\(try row.requiredText(0))|\(try row.requiredText(1))"] = try row.requiredText(2)
        }
        func name(_ members: [ObjectAssignment.Member]) -> [ObjectAssignment.Member] {
            members.map { member in
                var member = member
                member.name = inspectorName["\(member.department)|\(member.id)"]
                return member
            }
        }
        let named = assignments.map { assignment in
            var assignment = assignment
            assignment.name = entities[assignment.uscc]?.name
            assignment.inspectors = name(assignment.inspectors)
            if var joint = assignment.jointVisit {
                joint.team = name(joint.team)
                assignment.jointVisit = joint
            }
            return assignment
        }
        return (named, entities)
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
        /// `not prepared`, `prepared`, `drawn`, `empty` (no entity to draw) or `empty (drawn nothing)`.
        public var status = "not prepared"
        /// The commitment hash (the drawn one, else the prepared one).
        public var commitment: String?
        /// The current ledger entry.
        public var ledgerSeq: Int?
        /// The public seed of the current draw.
        public var seed: String?
        /// Population per class it is drawn in (unclassified under B, watchlisted as the rule says).
        public var population: [String: Int] = [:]
        /// Quota per class.
        public var quota: [String: Int] = [:]
        /// Visits per round of each class.
        public var visits: [String: Int] = [:]
        /// Members on the watchlist.
        public var watchlisted: Int = 0
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
        public var belowRequiredRate: Bool { (applicationRate ?? 1) < PlanTargets.requiredApplicationRate }
    }

    /// The plan year.
    public var year: Int
    /// The region.
    public var region: String
    /// Every group and round.
    public var rounds: [RoundSummary]
    /// Matters in the plan.
    public var matters: Int
    /// Matters of tasks with at least one object drawn.
    public var mattersCovered: Int
    /// Tasks in the plan.
    public var tasks: Int
    /// Tasks with at least one object drawn.
    public var tasksCovered: Int
    /// The plan's targets, measured.
    public var targets: PlanTargets

    /// A text report.
    public var text: String { text(in: MessageCatalogue(.en)) }

    /// The overview in the catalogue's language (group keys, classes and USCCs as they are).
    public func text(in words: MessageCatalogue) -> String {
        var lines: [String] = [
            words(
                .showHead,
                [
                    "year": "\(year)", "region": region, "rounds": "\(rounds.count)", "tasksCovered": "\(tasksCovered)",
                    "tasks": "\(tasks)",
                    "mattersCovered": "\(mattersCovered)", "matters": "\(matters)",
                ])
        ]
        lines += targets.lines(in: words)
        let statuses: [String: MessageKey] = [
            "drawn": .showStatusDrawn, "prepared": .showStatusPrepared, "not prepared": .showStatusNotPrepared, "empty": .showStatusEmpty,
            "empty (drawn nothing)": .showStatusEmptyDrawn,
        ]
        for r in rounds {
            var head = words(
                .showRound,
                [
                    "group": r.group, "round": "\(r.round)", "start": r.start, "end": r.end,
                    "tasks": r.tasks.map(String.init).joined(separator: ", "),
                    "status": statuses[r.status].map { words($0) } ?? r.status,
                ])
            if let seq = r.ledgerSeq { head += words(.showLedger, ["seq": "\(seq)"]) }
            lines.append(head)
            guard r.status != "not prepared", !r.status.hasPrefix("empty") else { continue }
            func row(_ name: MessageKey, _ t: [String: Int]) -> String {
                "  \(words(name))" + RiskClass.allCases.map { " \($0.rawValue) \(t[$0.rawValue] ?? 0)" }.joined(separator: " ")
                    + "  \(words(.showTotal)) \(t.values.reduce(0, +))"
            }
            lines.append(row(.showPopulation, r.population))
            lines.append(row(.showQuota, r.quota))
            let frequent = RiskClass.allCases.filter { (r.visits[$0.rawValue] ?? 1) > 1 }
            if !frequent.isEmpty {
                lines.append(
                    words(.showVisits, ["visits": frequent.map { "\($0.rawValue) ×\(r.visits[$0.rawValue] ?? 1)" }.joined(separator: ", ")])
                )
            }
            if r.watchlisted > 0 { lines.append(words(.showWatchlist, ["count": "\(r.watchlisted)"])) }
            if r.status == "drawn" {
                lines.append(row(.showDrawn, r.drawn))
                if let rate = r.applicationRate, let classified = r.classified {
                    let drawn = r.drawn.values.reduce(0, +)
                    lines.append(
                        words(.showClassification, ["rate": PlanTargets.percent(rate), "classified": "\(classified)", "drawn": "\(drawn)"])
                            + (r.belowRequiredRate ? words(.showBelowRate) : ""))
                }
                if r.shortTeams > 0 { lines.append(words(.showShortTeams, ["count": "\(r.shortTeams)"])) }
            }
            lines.append(words(.showMatters, ["count": "\(r.matters.count)"]))
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
        /// 姓名, from the department's inspector register (nil if it no longer lists the inspector).
        public var name: String? = nil

        /// `姓名 执法证号 (department)`, or without the name when it is not known.
        var text: String { (name.map { $0 + " " } ?? "") + "\(id) (\(department))" }
    }

    /// One visit serving several draws (一业一查).
    public struct JointVisitView: Sendable, Hashable, Codable {
        /// The draws it serves: `2024-G06 round 1 (ledger #3)`, in ledger order.
        public var draws: [String]
        /// ``draws`` as catalogue texts (not in the JSON, which keeps the English words).
        public var drawTexts: [Message] = []
        /// The common window.
        public var window: String
        /// The one team: per department, the inspectors of the first draw that has it.
        public var team: [Member]
        /// The union of the draws' matters.
        public var matters: [String]

        private enum CodingKeys: String, CodingKey { case draws, window, team, matters }
    }

    /// The group key.
    public var group: String
    /// The round.
    public var round: Int
    /// The group's tasks.
    public var tasks: [Int]
    /// The object.
    public var uscc: String
    /// The business's name (企业名称) from its register.
    public var name: String? = nil
    /// The class it was drawn in (unclassified objects are drawn under B).
    public var riskClass: String?
    /// The team, departments in group order.
    public var inspectors: [Member]
    /// True when a department's team is short (partial teams allowed).
    public var shortTeam: Bool
    /// The ledger entry of the draw.
    public var ledgerSeq: Int
    /// `visit 2 of 2: 2024-06-16…2024-11-30` for an object of a class visited more than once a round.
    public var visit: String?
    /// ``visit`` as a catalogue text (not in the JSON, which keeps the English words).
    public var visitText: Message? = nil
    /// The joint visit it is part of, if any.
    public var jointVisit: JointVisitView?

    private enum CodingKeys: String, CodingKey {
        case group, round, tasks, uscc, name, riskClass, inspectors, shortTeam, ledgerSeq, visit, jointVisit
    }

    /// One line for `draw show --assignments`, in English.
    public var text: String { text(in: MessageCatalogue(.en)) }

    /// One line for `draw show --assignments` in the language of `words`.
    public func text(in words: MessageCatalogue) -> String {
        let team = inspectors.map(\.text).joined(separator: ", ")
        let object = uscc + (name.map { " " + $0 } ?? "")
        var line = words(
            .showAssignment, ["group": group, "round": "\(round)", "object": object, "class": riskClass ?? "-", "team": team])
        if shortTeam { line += "  " + words(.showAssignmentShort) }
        if let visit { line += "  [\(visitText.map { words($0) } ?? visit)]" }
        if let jointVisit {
            let draws =
                Message.list(jointVisit.drawTexts, .listPlus).map { words($0) } ?? jointVisit.draws.joined(separator: " + ")
            line +=
                "  ["
                + words(
                    .showJointVisit,
                    [
                        "draws": draws, "window": jointVisit.window, "team": jointVisit.team.map(\.text).joined(separator: ", "),
                        "count": "\(jointVisit.matters.count)",
                    ]) + "]"
        }
        return line
    }
}
