import DevKit
import Fixtures
import Foundation
import Testing

@testable import Pipeline

/// The seed plan and a generated register, read without Stages (PipelineTests depends on Pipeline
/// and Fixtures only): the TSV's fixed columns through `PlanCellParser`, as `PlanReader` does.
enum SeedPlan {
    /// Where the repository is (for the scope map resource and the Python script).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The 2024 原平市 plan.
    static func load() throws -> AnnualPlan {
        let text = try String(contentsOf: FixtureFiles.yuanpingPlan, encoding: .utf8)
        var tasks: [PlanTask] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index > 0 && !line.isEmpty {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            try #require(f.count == 11, "line \(index + 1) has \(f.count) fields")
            let (ratio, frequency) = PlanCellParser.ratioAndFrequency(f[5])
            tasks.append(
                PlanTask(
                    seq: try #require(Int(f[1])), name: f[2], matters: PlanCellParser.matters(f[3]), scopes: PlanCellParser.scopes(f[4]),
                    ratio: ratio.value, frequency: frequency.value, window: PlanCellParser.window(f[7]).value,
                    initiator: PlanCellParser.clean(f[8]), cooperators: PlanCellParser.departments(f[9]), mode: f[10],
                    riskRequirement: f[6], area: f[0], raw: [:], line: index + 1))
        }
        return AnnualPlan(year: 2024, region: "140981", tasks: tasks)
    }

    /// The shipped scope map (Sources/Stages/Resources/scope-map.json).
    static func scopeMap() throws -> ScopeMap {
        try ScopeMap(jsonData: Data(contentsOf: repositoryRoot.appendingPathComponent("Sources/Stages/Resources/scope-map.json")))
    }

    static let market = "原平市市场监督管理局"

    /// The good rows of a generated register as draw entities; every entity is held by the market
    /// regulation register (the generator's department), and entities whose USCC ends in a digit
    /// also by the register of the department that initiates the task of their category.
    static func entities(seed: UInt64 = 20_240_101, rows: Int = 4_000, plan: AnnualPlan) -> [DrawEntity] {
        var sector: [String: String] = [:]
        for task in plan.tasks {
            for scope in task.scopes where sector[scope] == nil { sector[scope] = task.initiator }
        }
        return RegisterGenerator(seed: seed, rows: rows).rows().compactMap { row in
            guard row.defect == nil else { return nil }
            let category = row[.category]
            var departments = [market]
            if let last = row[.uscc].last, last.isNumber, let d = sector[category], d != market { departments.append(d) }
            return DrawEntity(
                uscc: row[.uscc], category: category, region: row[.regionCode], status: row[.status],
                riskClass: riskClass(row[.riskClass]), departments: departments)
        }
    }

    static func riskClass(_ text: String) -> RiskClass? {
        switch text {
        case "A", "低风险": .A
        case "B", "一般风险": .B
        case "C", "较高风险": .C
        case "D", "高风险": .D
        default: nil
        }
    }
}

@Suite struct DrawGroupsTests {
    /// The seed plan joins exactly tasks 2–3 (燃气, 住建), 12–14 (爆破, 公安), 15–16 (保安, 公安) and
    /// 33–34 (旅行社, 文旅); every other task is its own group. Tasks 9 and 10 share initiator and
    /// window but not scopes (各类学校 vs 市直公办学校); tasks 35–37 share initiator and quarterly
    /// rounds but not scopes.
    @Test func seedPlanJointGroups() throws {
        let plan = try SeedPlan.load()
        #expect(plan.tasks.count == 42)
        let groups = DrawGroups.form(plan)
        #expect(groups.count == 37)
        let joint = groups.filter { $0.tasks.count > 1 }
        #expect(joint.map(\.taskSeqs) == [[2, 3], [12, 13, 14], [15, 16], [33, 34]])
        #expect(joint.map(\.key) == ["2024-G02", "2024-G12", "2024-G15", "2024-G33"])
        #expect(Set(groups.flatMap(\.taskSeqs)) == Set(1...42))
        #expect(groups.map(\.key).first == "2024-G01")
        #expect(groups.map(\.key).last == "2024-G42")
        #expect(Set(groups.map(\.key)).count == 37)

        let gas = try #require(groups.first { $0.key == "2024-G02" })
        #expect(gas.initiator == "原平市住房和城乡建设管理局")
        #expect(gas.cooperators == [SeedPlan.market])
        #expect(gas.scopes == ["燃气经营企业"])
        #expect(gas.schedule.rounds.map(\.description) == ["round 1 (2024-01-01…2024-11-30)"])

        let transport = groups.filter { (35...37).contains($0.taskSeqs[0]) }
        #expect(transport.count == 3)
        for g in transport { #expect(g.schedule.rounds.count == 4) }

        let fish = try #require(groups.first { $0.key == "2024-G41" })
        #expect(fish.scopes == ["从事种畜禽生产经营单位", "鱼池养殖"])
    }

    /// Scopes join as sets; different windows, frequencies or initiators keep tasks apart;
    /// cooperators are united in task order.
    @Test func groupingRules() {
        func task(
            _ seq: Int, scopes: [String], initiator: String = "甲局", cooperators: [String] = ["乙局"],
            perYear: Int = 1, months: (Int, Int) = (1, 11)
        ) -> PlanTask {
            PlanTask(
                seq: seq, name: "t\(seq)", matters: [], scopes: scopes, ratio: SamplingRatio(min: 0.05, raw: "5%"),
                frequency: InspectionFrequency(perYear: perYear, raw: ""),
                window: TaskWindow(startMonth: months.0, endMonth: months.1, raw: ""),
                initiator: initiator, cooperators: cooperators, mode: nil, raw: [:], line: seq + 1)
        }
        let plan = AnnualPlan(
            year: 2025, region: "140981",
            tasks: [
                task(7, scopes: ["甲", "乙"]),
                task(8, scopes: ["乙", "甲"], cooperators: ["丙局", "乙局"]),
                task(9, scopes: ["甲", "乙"], perYear: 2),
                task(10, scopes: ["甲", "乙"], months: (3, 11)),
                task(11, scopes: ["甲", "乙"], initiator: "丁局"),
                task(12, scopes: ["甲"]),
                task(103, scopes: ["甲", "乙"], cooperators: ["甲局", "戊局"]),
            ])
        let groups = DrawGroups.form(plan)
        #expect(groups.map(\.taskSeqs) == [[7, 8, 103], [9], [10], [11], [12]])
        #expect(groups.map(\.key) == ["2025-G07", "2025-G09", "2025-G10", "2025-G11", "2025-G12"])
        #expect(groups[0].cooperators == ["乙局", "丙局", "戊局"])
        #expect(groups[0].departments == ["甲局", "乙局", "丙局", "戊局"])
        #expect(groups[0].scopes == ["乙", "甲"]) // code point order: 乙 U+4E59 < 甲 U+7532
        #expect(DrawGroup.key(year: 2024, lowestSeq: 123) == "2024-G123")
    }

    /// The group quota is, per class, the largest of its tasks' quotas.
    @Test func groupQuotaIsThePerClassMaximum() {
        func task(_ seq: Int, _ ratio: SamplingRatio) -> PlanTask {
            PlanTask(
                seq: seq, name: "", matters: [], scopes: ["甲"], ratio: ratio, frequency: InspectionFrequency(perYear: 1, raw: ""),
                window: TaskWindow(startMonth: 1, endMonth: 11, raw: ""), initiator: "甲局", cooperators: [], mode: nil,
                raw: [:], line: 2)
        }
        let plan = AnnualPlan(
            year: 2024, region: "140981",
            tasks: [
                task(1, SamplingRatio(min: 0.05, raw: "5%")), task(2, SamplingRatio(min: 0.20, raw: "20%")),
                task(3, SamplingRatio(count: 1, raw: "1户")),
            ])
        let groups = DrawGroups.form(plan)
        #expect(groups.count == 1)
        // Population A 40, B 60, C 30, D 10; exact shares (D visited twice a round):
        // Task 1 (5%):  A 0.025×40 = 1, B 0.05×60 = 3, C 0.1×30 = 3, D 2×0.2×10 = 4; Σ 11 ≥ ceil(7).
        // Task 2 (20%): A 0.1×40 = 4, B 0.2×60 = 12, C 0.4×30 = 12, D 2×0.8×10 = 16 capped 10; Σ 38 ≥ 28.
        // Task 3 (1户): all zero, then the one object goes to D.
        // Maximum per class: A 4, B 12, C 12, D 10.
        let quota = QuotaRules().quota(of: groups[0], population: [.A: 40, .B: 60, .C: 30, .D: 10])
        #expect(quota.perClass == [.A: 4, .B: 12, .C: 12, .D: 10])
        #expect(quota.byTask[1]?.perClass == [.A: 1, .B: 3, .C: 3, .D: 4])
        #expect(quota.byTask[3]?.perClass == [.A: 0, .B: 0, .C: 0, .D: 1])
        #expect(quota.total == 38)
        #expect(quota.capped == [.D])
        #expect(quota.visits == [.A: 1, .B: 1, .C: 1, .D: 2])
        #expect(quota.inputs[3] == TaskQuotaInputs(policy: .default, ratio: nil, count: 1))
    }
}
