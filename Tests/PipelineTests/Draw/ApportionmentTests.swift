import DevKit
import Testing

@testable import Pipeline

/// The apportionment rule over a whole generated county (issue 15's must-show; the demo county's
/// figures are in StagesTests' QuotaAuditTests): for every group round and task, each class within
/// one of its exact share and the total within one of the exact total (unless the plan's ratio
/// binds), and the rounds where class A is drawn at a higher rate than B.
@Suite struct ApportionmentTests {
    /// A generated county of exactly 30,000 entities (RegisterGenerator seed 30000, no bad rows, the
    /// plan's scopes as categories); every entity in the market regulator's register, those whose
    /// USCC ends in a digit also in the register of the department that initiates their category's task.
    static func county() throws -> DrawInputs {
        let plan = try SeedPlan.load()
        var sector: [String: String] = [:]
        for task in plan.tasks { for scope in task.scopes where sector[scope] == nil { sector[scope] = task.initiator } }
        let generator = RegisterGenerator(options: RegisterGenerator.Options(seed: 30_000, rows: 30_000, badRowRate: 0))
        return DrawInputs(
            entities: generator.rows().map { row in
                var departments = [SeedPlan.market]
                if let last = row[.uscc].last, last.isNumber, let d = sector[row[.category]], d != SeedPlan.market { departments.append(d) }
                return DrawEntity(
                    uscc: row[.uscc], category: row[.category], region: row[.regionCode], status: row[.status],
                    riskClass: SeedPlan.riskClass(row[.riskClass]), departments: departments)
            })
    }

    /// 46 group rounds (34 yearly groups and 3 quarterly ones), 51 task rounds: the quota property
    /// and the total hold in all 50 where the plan's ratio does not bind (it binds in task 21, 100%);
    /// class A is never drawn at a higher rate than B.
    @Test func generatedCountyOf30000() throws {
        let inputs = try Self.county()
        #expect(inputs.entities.count == 30_000)
        let audit = QuotaAudit.run(
            plan: try SeedPlan.load(), inputs: inputs, scopeMap: try SeedPlan.scopeMap(),
            rules: DrawRules(matching: MatchingRules(allowPartialTeams: true)))
        #expect(audit.rounds == 46)
        #expect(audit.rows.count == 51)
        #expect(audit.rows.filter(\.planBinds).map { "\($0.group) task \($0.task)" } == ["2024-G21 task 21"])
        #expect(audit.violations == [])
        #expect(audit.aAboveB == [])
        // The audit sizes each group as the draw does: `Draw.sizing` is the part of `Draw.prepare`
        // that sizes it, and the two agree on every group round.
        let rules = DrawRules(matching: MatchingRules(allowPartialTeams: true))
        for group in DrawGroups.form(try SeedPlan.load()) {
            for round in group.schedule.rounds {
                let prepared = try Draw.prepare(
                    group: group, round: round.number, inputs: inputs, scopeMap: try SeedPlan.scopeMap(), rules: rules, saltKey: "k")
                let sized = Draw.sizing(group: group, inputs: inputs, scopeMap: try SeedPlan.scopeMap(), rules: rules)
                #expect(sized.population == prepared.population, "\(group.key) round \(round.number)")
                #expect(sized.quota == prepared.quota, "\(group.key) round \(round.number)")
            }
        }
        // Every row checks itself: floor or ceil per class, total within one.
        for row in audit.rows where !row.planBinds {
            for c in RiskClass.allCases { #expect(row.exactShares[c]?.isFloorOrCeiling(row.quotas[c] ?? -1) == true, "\(row.line)") }
            #expect(row.target == row.exactTotal.ceiling, "\(row.line)")
        }
    }
}
