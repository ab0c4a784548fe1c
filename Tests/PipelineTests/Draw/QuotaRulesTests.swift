import Testing

@testable import Pipeline

/// A task's quota inputs and a group's quota (QuotaRules.swift).
@Suite struct QuotaRulesTests {
    static func task(_ seq: Int, _ ratio: SamplingRatio) -> PlanTask {
        PlanTask(
            seq: seq, name: "", matters: [], scopes: ["甲"], ratio: ratio, frequency: InspectionFrequency(perYear: 1, raw: ""),
            window: TaskWindow(startMonth: 1, endMonth: 11, raw: ""), initiator: "甲局", cooperators: [], mode: nil, raw: [:], line: 2)
    }

    static let fixed = RiskQuotaPolicy(mode: .fixedRatios([.A: 0.01, .B: 0.02, .C: 0.1, .D: 0.3]))

    /// Precedence: an override's count, else its ratio (the plan's count stays), else the plan; the
    /// override's policy, else the plan's class ratios, else the default policy.
    @Test func precedence() {
        let plain = Self.task(1, SamplingRatio(min: 0.05, count: 2, raw: "5%,2户"))
        let rules = QuotaRules(
            overrides: [
                2: TaskQuotaOverride(count: 3), 3: TaskQuotaOverride(ratio: 0.5),
                4: TaskQuotaOverride(policy: Self.fixed), 5: TaskQuotaOverride(ratio: 0.2),
            ],
            planClassRatios: [4: [.A: 0.5], 5: [.D: 1]])
        func inputs(_ seq: Int) -> TaskQuotaInputs {
            var task = plain
            task.seq = seq
            return rules.inputs(for: task)
        }
        #expect(inputs(1) == TaskQuotaInputs(policy: .default, ratio: 0.05, count: 2))
        #expect(inputs(2) == TaskQuotaInputs(policy: .default, ratio: nil, count: 3))
        #expect(inputs(3) == TaskQuotaInputs(policy: .default, ratio: 0.5, count: 2))
        #expect(inputs(4) == TaskQuotaInputs(policy: Self.fixed, ratio: 0.05, count: 2))
        #expect(inputs(5) == TaskQuotaInputs(policy: RiskQuotaPolicy(mode: .fixedRatios([.D: 1])), ratio: 0.2, count: 2))
    }

    /// A task the plan gives nothing for asks for nothing, and says so.
    @Test func noRatioNoCount() throws {
        let plan = AnnualPlan(year: 2024, region: "140981", tasks: [Self.task(7, SamplingRatio(raw: "不涉及"))])
        let group = try #require(DrawGroups.form(plan).first)
        let quota = QuotaRules().quota(of: group, population: [.A: 1, .B: 1, .C: 1, .D: 1])
        #expect(quota.perClass == [.A: 0, .B: 0, .C: 0, .D: 0])
        #expect(
            quota.notes == [
                "task 7: the plan gives no ratio or count ('不涉及'): it asks for nothing",
                "task 7: no ratio and no count: nothing to draw",
            ])
    }
}
