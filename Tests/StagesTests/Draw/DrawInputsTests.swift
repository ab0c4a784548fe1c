import Pipeline
import Testing

@testable import Stages

/// The configuration as the draw's rules (DrawInputs.swift).
@Suite("draw inputs")
struct DrawInputsTests {
    /// `[risk]` with its overrides: an override without a policy or table keeps the default policy
    /// (so class ratios from the plan can still apply); one with a table resolves its kind.
    @Test func riskSettingsAsQuotaRules() {
        let risk = Configuration.RiskSettings(
            policy: .fixed,
            multipliers: ["A": 0, "B": 1, "C": 3, "D": 5.5],
            fixed: ["A": 0.01, "B": 0.02, "C": 0.10, "D": 0.30],
            overrides: [
                .init(task: 35, ratio: 0.5),
                .init(task: 7, count: 3, policy: .multipliers, multipliers: ["A": 1, "B": 1, "C": 1, "D": 1]),
                .init(task: 12, fixed: ["A": 0, "B": 0.05, "C": 0.2, "D": 1]),
                .init(task: 9, multipliers: ["A": 2]),
                .init(task: 35, count: 9),
            ])
        let rules = QuotaRules(risk)
        #expect(rules.policy == RiskQuotaPolicy(mode: .fixedRatios([.A: 0.01, .B: 0.02, .C: 0.10, .D: 0.30])))
        #expect(
            rules.overrides == [
                35: TaskQuotaOverride(ratio: 0.5),
                7: TaskQuotaOverride(count: 3, policy: RiskQuotaPolicy(mode: .multipliers([.A: 1, .B: 1, .C: 1, .D: 1]))),
                12: TaskQuotaOverride(policy: RiskQuotaPolicy(mode: .fixedRatios([.A: 0, .B: 0.05, .C: 0.2, .D: 1]))),
                // The policy is fixed: a multipliers table alone does not switch it.
                9: TaskQuotaOverride(policy: RiskQuotaPolicy(mode: .fixedRatios([.A: 0.01, .B: 0.02, .C: 0.10, .D: 0.30]))),
            ])
        #expect(rules.planClassRatios.isEmpty)
    }

    /// `[draw] population` and `[inspectors]` as population and matching rules.
    @Test func drawAndInspectorSettings() {
        var configuration = Configuration.defaults
        #expect(DrawRules(configuration) == DrawRules())
        configuration.draw.population = .initiator
        configuration.inspectors = .init(fromInitiator: 3, fromEachCooperator: 2, minimumTeam: 3, loadCap: .limit(5))
        let rules = DrawRules(configuration)
        #expect(rules.population == PopulationRules(registers: .initiatorOnly))
        #expect(rules.matching == MatchingRules(initiatorTeamSize: 3, cooperatorTeamSize: 2, minimumTeamSize: 3, loadCap: 5))
    }
}
