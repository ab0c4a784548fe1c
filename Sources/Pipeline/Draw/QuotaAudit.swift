// The quota rule checked over a whole plan (`suiji draw quotas`): for every group round with a
// non-empty population and every task of it, the class counts, the exact shares, the quotas, and
// whether the rule's promises hold (domain.md §5):
// - each class gets floor(e_c) or ceil(e_c), and the total is less than one object over Σ e_c,
//   unless the plan's ratio or count binds above ceil(Σ e_c) (then the top-up raises classes);
// - class A's realised rate q_A/n_A stays at or below B's q_B/n_B, except where the integers leave
//   no choice: each such round is listed with its integers.
// The rounds of a group share one population and one quota (exclusions do not change quotas), so
// a quarterly group's four rounds read alike.

/// One task of one group round, as the quota rule sized it.
public struct QuotaAuditRow: Sendable, Hashable, Codable {
    /// The group key.
    public var group: String
    /// The round.
    public var round: Int
    /// The task's 序号.
    public var task: Int
    /// Members per class they are drawn in.
    public var population: [RiskClass: Int]
    /// The task's exact shares.
    public var exactShares: [RiskClass: ExactShare]
    /// Σ e_c.
    public var exactTotal: ExactShare
    /// The task's total.
    public var target: Int
    /// The task's quotas.
    public var quotas: [RiskClass: Int]
    /// The group's quotas (per class the largest of its tasks'), as drawn.
    public var groupQuotas: [RiskClass: Int]
    /// The plan's ratio or count binds above ceil(Σ e_c).
    public var planBinds: Bool
    /// Classes off floor/ceil of their share (only possible when the plan binds).
    public var offShare: [RiskClass]
    /// The total is less than one object over Σ e_c.
    public var totalWithinOne: Bool
    /// Class A drawn at a higher rate than B in the group's quota.
    public var aAboveB: Bool

    /// `2024-G01 round 1 task 1: n A 9, B 21, C 7, D 3; e A 0.45, B 2.1, C 1.4, D 2.4 (Σ 6.35 → 7); q A 1, B 2, C 1, D 3`.
    public var line: String { line(in: MessageCatalogue(.en)) }

    /// ``line`` in the language of `words` (the figures are symbols: n, e, Σ, q).
    public func line(in words: MessageCatalogue) -> String {
        let list = { (f: (RiskClass) -> String) in RiskClass.allCases.map { "\($0.rawValue) \(f($0))" }.joined(separator: ", ") }
        let figures =
            "n \(list { "\(population[$0] ?? 0)" }); e \(list { "\(exactShares[$0] ?? .zero)" }) "
            + "(Σ \(exactTotal) → \(target)); q \(list { "\(quotas[$0] ?? 0)" })"
        var text = words(.quotaRow, ["group": group, "round": "\(round)", "task": "\(task)", "figures": figures])
        if planBinds { text += words(.quotaPlanBinds) }
        if aAboveB {
            text += words(
                .quotaAAboveB,
                [
                    "qa": "\(groupQuotas[.A] ?? 0)", "na": "\(population[.A] ?? 0)", "qb": "\(groupQuotas[.B] ?? 0)",
                    "nb": "\(population[.B] ?? 0)",
                ])
        }
        return text
    }
}

/// The quota rule checked over a plan (top of QuotaAudit.swift).
public struct QuotaAudit: Sendable, Hashable, Codable {
    /// One row per task of every group round with a non-empty population.
    public var rows: [QuotaAuditRow]

    /// Group rounds with a non-empty population.
    public var rounds: Int { Set(rows.map { "\($0.group)|\($0.round)" }).count }
    /// Task rounds where the plan's ratio or count binds.
    public var planBinds: Int { rows.filter(\.planBinds).count }
    /// Task rounds where a promise fails although the plan does not bind (none, by the rule).
    public var violations: [QuotaAuditRow] { rows.filter { !$0.planBinds && (!$0.offShare.isEmpty || !$0.totalWithinOne) } }
    /// Group rounds where A's rate exceeds B's (each listed once).
    public var aAboveB: [QuotaAuditRow] {
        var seen: Set<String> = []
        return rows.filter { $0.aAboveB && seen.insert("\($0.group)|\($0.round)").inserted }
    }

    /// Sizes every group round of `plan` over `inputs` through the one draw path (`Draw.sizing`, the
    /// part of `Draw.prepare` that sizes a draw; the commitment, which the audit does not read, is
    /// not made: over 1,000,000 register rows `suiji draw quotas` took 2.14–2.31 s with it, 1.72–1.90 s without).
    public static func run(plan: AnnualPlan, inputs: DrawInputs, scopeMap: ScopeMap, rules: DrawRules) -> QuotaAudit {
        var rows: [QuotaAuditRow] = []
        for group in DrawGroups.form(plan) {
            // A group's sizing does not depend on the round (no round's draw excludes another's here).
            let (population, quota) = Draw.sizing(group: group, inputs: inputs, scopeMap: scopeMap, rules: rules)
            guard !population.members.isEmpty else { continue }
            let n = population.perClass
            let (nA, nB) = (n[.A] ?? 0, n[.B] ?? 0)
            let q = quota.perClass
            let aAboveB = nA > 0 && nB > 0 && (q[.A] ?? 0) * nB > (q[.B] ?? 0) * nA
            for round in group.schedule.rounds {
                for task in group.tasks {
                    guard let r = quota.byTask[task.seq] else { continue }
                    rows.append(
                        QuotaAuditRow(
                            group: group.key, round: round.number, task: task.seq, population: n, exactShares: r.exactShares,
                            exactTotal: r.exactTotal, target: r.target, quotas: r.perClass, groupQuotas: q, planBinds: r.planMinimumBinds,
                            offShare: r.classesOffTheirShare, totalWithinOne: r.totalWithinOneOfExactTotal, aAboveB: aAboveB))
                }
            }
        }
        return QuotaAudit(rows: rows)
    }

    /// Every row, then the figures.
    public var text: String { text(in: MessageCatalogue(.en)) }

    /// Every row, then the figures, in the language of `words`.
    public func text(in words: MessageCatalogue) -> String {
        (rows.map { $0.line(in: words) } + [
            words(
                .quotaSummary,
                [
                    "rounds": "\(rounds)", "rows": "\(rows.count)", "binds": "\(planBinds)", "broken": "\(violations.count)",
                    "aAboveB": "\(aAboveB.count)",
                ])
        ]).joined(separator: "\n")
    }
}
