// What the public pages (`outbox/public/`, PublicPages.swift) show, read from the store after a
// publication: every task round of every stored plan, and for the rounds whose results are
// published, the draw behind them (its commitment, public seed and dates), the drawn businesses
// and the published results.
//
// A round gets a page once its results are published (the publication ledger has its records), not
// when it is drawn: the businesses drawn are named when the county publishes their results, as on
// GSXT. What is gathered has no field for a risk class, an inspector, an address, a phone or a
// legal representative: the businesses are read as USCC and name only.

internal import Foundation
internal import Pipeline

/// One business of a published round.
struct PublicBusiness: Sendable, Hashable {
    /// The 统一社会信用代码.
    var uscc: String
    /// The name.
    var name: String
    /// The published record, when its result is published.
    var record: PublicationRecord?
}

/// The draw behind a round.
struct PublicDraw: Sendable, Hashable {
    /// The draw group key (`2024-G02`).
    var group: String
    /// The round.
    var round: Int
    /// The commitment's SHA-256.
    var commitment: String
    /// When the commitment was prepared.
    var commitmentDate: String
    /// The public seed.
    var seed: String
    /// When the seed arrived, if recorded.
    var seedDate: String?
    /// When it was drawn.
    var drawDate: String
    /// The draw ledger entry.
    var ledgerSeq: Int
    /// The drawn businesses, in ticket order.
    var drawn: [String]
}

/// One task round as the public pages show it.
struct PublicRound: Sendable, Hashable {
    /// The task block as published (or as it would be: ids, names, type, authority, dates).
    var task: PublicationTask
    /// The task's 序号.
    var taskSeq: Int
    /// The round.
    var round: Int
    /// The task's matters (检查事项).
    var matters: [String]
    /// The current commitment of an undrawn round.
    var pendingCommitment: String?
    /// The draw, if drawn.
    var draw: PublicDraw?
    /// The businesses, for a published round: every drawn one, with its published record if any.
    var businesses: [PublicBusiness] = []
    /// When its records were first and last published, for a published round.
    var published: PublicationDates?

    /// The page's file name, for a published round.
    var pageName: String? { published == nil ? nil : task.raninsTaskId + ".html" }
}

/// When a round's records were first and last published (the night's date, or the day of `suiji publish`).
struct PublicationDates: Sendable, Hashable {
    /// The first publication.
    var first: String
    /// The latest.
    var last: String
}

/// One plan's rounds.
struct PublicPlan: Sendable, Hashable {
    /// The plan year.
    var year: Int
    /// The region.
    var region: String
    /// `plans.id`.
    var id: Int64
    /// The plan's name as published.
    var name: String
    /// Every task round, in task and round order.
    var rounds: [PublicRound]
}

extension PublicRound {
    /// Every stored plan's rounds, newest plan first. Read in one transaction.
    static func gather(_ sql: any StageSQL, knownNames: [Int64: [String: String]] = [:]) throws -> [PublicPlan] {
        let (planned, _, namesRead) = try Publisher.plan(sql, knownNames: knownNames)
        var plans: [PublicPlan] = []
        for stored in try ResultsStore.plans(in: sql).reversed() {
            let plan = stored.plan
            var payloads: [String: PublicationPayload] = [:]
            for p in planned where p.planID == stored.id { payloads["\(p.taskSeq)|\(p.round)"] = p.payload }
            var published: [String: PublicationDates] = [:]
            for row in try sql.rows(
                """
                SELECT l.task_seq, l.round, MIN(COALESCE(r.run_date, substr(l.published_at, 1, 10))) AS first,
                       MAX(COALESCE(r.run_date, substr(l.published_at, 1, 10))) AS last
                FROM publication_ledger l LEFT JOIN runs r ON r.id = l.run_id WHERE l.plan_id = ? GROUP BY l.task_seq, l.round
                """, [stored.id])
            {
                published["\(try row.requiredInteger(0))|\(try row.requiredInteger(1))"] = PublicationDates(
                    first: try row.requiredText(2), last: try row.requiredText(3))
            }
            let groups = DrawGroups.form(plan)
            var groupOfTask: [Int: String] = [:]
            for group in groups { for seq in group.taskSeqs { groupOfTask[seq] = group.key } }
            var draws: [String: PublicDraw] = [:]
            for row in try sql.rows(
                """
                SELECT l.seq, l.group_key, l.round, l.commitment_sha256, l.seed,
                           COALESCE(lr.run_date, substr(l.created_at, 1, 10)) AS drawn_on,
                           (SELECT COALESCE(cr.run_date, substr(c.prepared_at, 1, 10)) FROM draw_commitments c
                              LEFT JOIN runs cr ON cr.id = c.run_id WHERE c.commitment_sha256 = l.commitment_sha256) AS committed_on,
                           (SELECT COALESCE(sr.run_date, substr(s.received_at, 1, 10)) FROM draw_seeds s LEFT JOIN imports i ON i.id = s.import_id
                              LEFT JOIN runs sr ON sr.id = i.run_id WHERE s.group_key = l.group_key AND s.round = l.round AND s.seed = l.seed
                              ORDER BY s.id LIMIT 1) AS seeded_on
                FROM draw_ledger l LEFT JOIN runs lr ON lr.id = l.run_id WHERE l.plan_id = ? ORDER BY l.seq
                """, [stored.id])
            {
                let seq = try row.requiredInteger(0)
                let (group, round) = (try row.requiredText(1), Int(try row.requiredInteger(2)))
                // The latest entry of a group round is the current draw (a redraw replaces it).
                draws[DrawnRounds.key(group, round)] = PublicDraw(
                    group: group, round: round, commitment: try row.requiredText(3),
                    commitmentDate: try row.text(6) ?? "", seed: try row.requiredText(4), seedDate: try row.text(7),
                    drawDate: try row.text(5) ?? "",
                    ledgerSeq: Int(seq),
                    drawn: try sql.texts("SELECT uscc FROM draw_selections WHERE ledger_seq = ? ORDER BY position", [seq]))
            }
            // Registered names, read once for the plan (by the publication's plan above, or here),
            // and only if a round of it was published.
            let names = published.isEmpty ? [:] : try namesRead[stored.id] ?? RegisteredNames.ofPlan(stored.id, in: sql)
            var rounds: [PublicRound] = []
            for task in plan.tasks {
                for round in RoundSchedule(task: task, year: plan.year).rounds {
                    guard let start = round.start.civilDate, let end = round.end.civilDate else { continue }
                    let key = "\(task.seq)|\(round.number)"
                    let block: PublicationTask
                    if let payload = payloads[key] {
                        block = payload.task
                    } else {
                        // The ids and names exactly as a publication would give them (one rule: PublicationPayload).
                        let bare = PublicationRound(
                            round: round.number, start: start, end: end, populationCount: 0, drawnCount: 0, drawLedgerHead: "")
                        guard
                            let payload = try? PublicationPayload(
                                plan: plan, task: task, round: bare, planName: Publisher.planName(plan), inspections: [])
                        else { continue }
                        block = payload.task
                    }
                    let group = groupOfTask[task.seq]
                    var entry = PublicRound(
                        task: block, taskSeq: task.seq, round: round.number, matters: task.matters.isEmpty ? [task.name] : task.matters)
                    entry.draw = group.flatMap { draws[DrawnRounds.key($0, round.number)] }
                    if entry.draw == nil, let group {
                        entry.pendingCommitment = try DrawStore.currentCommitmentHash(
                            sql, planID: stored.id, group: group, round: round.number)
                    }
                    if let dates = published[key] {
                        entry.published = dates
                        let records = Dictionary(
                            (payloads[key]?.records ?? []).map { ($0.uscc, $0) }, uniquingKeysWith: { a, _ in a })
                        var seen: Set<String> = []
                        for uscc in (entry.draw?.drawn ?? []) + (payloads[key]?.records.map(\.uscc) ?? []) where seen.insert(uscc).inserted
                        {
                            let name = records[uscc]?.name ?? names[uscc] ?? ""
                            entry.businesses.append(PublicBusiness(uscc: uscc, name: name, record: records[uscc]))
                        }
                    }
                    rounds.append(entry)
                }
            }
            plans.append(
                PublicPlan(
                    year: plan.year, region: plan.region, id: stored.id,
                    name: rounds.first?.task.raninsPlanName ?? Publisher.planName(plan),
                    rounds: rounds))
        }
        return plans
    }
}
