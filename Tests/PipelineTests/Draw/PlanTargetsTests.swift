import Testing

@testable import Pipeline

/// The plan's targets, measured (PlanTargets.swift).
@Suite struct PlanTargetsTests {
    static func task(_ seq: Int, initiator: String, cooperators: [String], matters: [String]) -> PlanTask {
        PlanTask(
            seq: seq, name: "任务\(seq)", matters: matters, scopes: ["甲"], ratio: SamplingRatio(min: 0.05, raw: "5%"),
            frequency: InspectionFrequency(perYear: 1, raw: ""), window: TaskWindow(startMonth: 1, endMonth: 11, raw: ""),
            initiator: initiator, cooperators: cooperators, mode: nil, raw: [:], line: seq + 1)
    }

    static let plan = AnnualPlan(
        year: 2024, region: "140981",
        tasks: [
            task(1, initiator: "住建局", cooperators: ["市场局"], matters: ["燃气经营许可情况检查", "燃气设施安全检查"]),
            task(2, initiator: "市场局", cooperators: [], matters: ["营业执照公示情况检查"]),
        ])

    @Test func normalisedMatters() {
        #expect(PlanTargets.normalise("1. 燃气经营许可情况检查；") == "燃气经营许可情况检查")
        #expect(PlanTargets.normalise("（2）燃气设施安全检查。") == "燃气设施安全检查")
        #expect(PlanTargets.normalise("③ 营业执照公示情况检查") == "营业执照公示情况检查")
        #expect(PlanTargets.normalise("12、特种设备检查") == "特种设备检查")
        #expect(PlanTargets.normalise("2024年度检查") == "2024年度检查")
    }

    /// 住建局 lists 3 matters, the plan covers 2 (66.7%, below 80%); 市场局 lists 1, covered; the
    /// classification rate 18 of 20 (90%) is below 95%.
    @Test func coverageAndRateWithWarnings() {
        let t = PlanTargets.measure(
            plan: Self.plan, drawnTasks: [1], drawnObjects: 20, classifiedObjects: 18,
            matterLists: [
                "住建局": ["1. 燃气经营许可情况检查", "燃气设施安全检查。", "建筑市场检查"],
                "市场局": ["营业执照公示情况检查"],
            ])
        #expect(
            t.coverage == [
                MatterCoverage(department: "住建局", listed: 3, inPlan: 2, drawn: 2, missing: ["建筑市场检查"]),
                MatterCoverage(department: "市场局", listed: 1, inPlan: 1, drawn: 0, missing: []),
            ])
        #expect(t.departmentsWithoutList == [])
        #expect(
            t.lines == [
                "risk classification applied this year: 90.0% (18 of 20 drawn objects; required 95%)",
                "matter coverage, 住建局: 2 of 3 listed matters in the plan (66.7%; required 80%), 2 drawn so far",
                "matter coverage, 市场局: 1 of 1 listed matters in the plan (100.0%; required 80%), 0 drawn so far",
                "warning: risk classification applied to 90.0% of the 20 objects drawn this year (18 classified), below the required 95%",
                "warning: 住建局: the plan covers 2 of the 3 matters on its 抽查事项清单 (66.7%), below the required 80%; not covered: 建筑市场检查",
            ])
    }

    @Test func nothingDrawnAndNoLists() {
        let t = PlanTargets.measure(plan: Self.plan, drawnTasks: [], drawnObjects: 0, classifiedObjects: 0, matterLists: [:])
        #expect(t.applicationRate == nil)
        #expect(t.warnings == [])
        #expect(t.departmentsWithoutList == ["住建局", "市场局"]) // code point order: 住 U+4F4F before 市 U+5E02
        #expect(
            t.lines == [
                "risk classification applied this year: nothing drawn yet",
                "matter coverage: no department's 抽查事项清单 imported (`suiji matters import FILE --department NAME`)",
            ])
    }
}
