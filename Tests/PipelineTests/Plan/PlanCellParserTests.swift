import Pipeline
import Testing

@Suite("PlanCellParser")
struct PlanCellParserTests {
    // Every ratio form of the seed plan and of domain.md §2.
    @Test(arguments: [
        ("10%", 0.10, nil as Double?),
        ("5%以上", 0.05, nil),
        ("不低于20%", 0.20, nil),
        ("抽查比例不低于30%", 0.30, nil),
        ("抽查比例不低于5%", 0.05, nil),
        ("不低于30%", 0.30, nil),
        ("100%", 1.0, nil),
        ("35%", 0.35, nil),
        ("25%", 0.25, nil),
        ("≥20%", 0.20, nil),
        ("3%", 0.03, nil),
        ("5%-20%", 0.05, 0.20),
        ("21%一60%", 0.21, 0.60),
        ("5％", 0.05, nil),
        ("５％以上", 0.05, nil),
    ])
    func ratioFraction(raw: String, min: Double, max: Double?) {
        let outcome = PlanCellParser.ratio(raw)
        #expect(outcome.problem == nil)
        #expect(outcome.value == SamplingRatio(min: min, max: max, raw: raw))
    }

    @Test func ratioCount() {
        #expect(PlanCellParser.ratio("1户") == .init(value: SamplingRatio(count: 1, raw: "1户"), problem: nil))
        #expect(PlanCellParser.ratio("抽查3家").value.count == 3)
    }

    @Test func ratioNotApplicable() {
        let outcome = PlanCellParser.ratio("不涉及信用风险分类")
        #expect(outcome.value == SamplingRatio(exemptFromRiskClasses: true, raw: "不涉及信用风险分类"))
        #expect(outcome.problem == "'不涉及信用风险分类' gives no sampling ratio; set one for this task in the risk policy")
    }

    @Test(arguments: ["若干", "0%", "120%", "", "60%一21%"])
    func ratioUnreadableIsUnsetNeverGuessed(raw: String) {
        let outcome = PlanCellParser.ratio(raw)
        #expect(outcome.value.min == nil)
        #expect(outcome.value.count == nil)
        #expect(outcome.problem != nil)
    }

    @Test func ratioUpperBoundOnly() {
        let outcome = PlanCellParser.ratio("5%以下")
        #expect(outcome.value == SamplingRatio(max: 0.05, raw: "5%以下"))
        #expect(outcome.problem == "'5%以下' gives only an upper bound; the minimum ratio is left unset")
    }

    // Every frequency form of the seed plan and of domain.md §2.
    @Test(arguments: [
        ("1次/年", 1), ("1/年", 1), ("抽查1次", 1), ("1次/季度", 4), ("2次/年", 2), ("=1", 1), (">=1", 1),
        ("1次/半年", 2), ("1次/月", 12), ("每年2次", 2), ("１次／年", 1), ("每季度各抽查1次", 4), ("一年一次", 1),
    ])
    func frequency(raw: String, perYear: Int) {
        // `>=1` is a floor; the others are exact.
        let atLeast = raw.hasPrefix(">=")
        #expect(
            PlanCellParser.frequency(raw) == .init(value: InspectionFrequency(perYear: perYear, atLeast: atLeast, raw: raw), problem: nil))
    }

    @Test func frequencyUnreadable() {
        let outcome = PlanCellParser.frequency("适时")
        #expect(outcome.value == InspectionFrequency(perYear: nil, raw: "适时"))
        #expect(outcome.problem == "cannot read an inspection frequency from '适时'")
    }

    // Combined 抽查比例及频次 cells: every separator, half- and full-width, with stray spaces.
    @Test(arguments: [
        ("10%；1次/年", 0.10, "10%", 1, "1次/年"),
        ("5%以上; 1次/年", 0.05, "5%以上", 1, "1次/年"),
        ("抽查比例不低于20%; 1次/年", 0.20, "抽查比例不低于20%", 1, "1次/年"),
        ("不低于30%; 抽查1次", 0.30, "不低于30%", 1, "抽查1次"),
        ("5%; 1/年", 0.05, "5%", 1, "1/年"),
        ("35%; 1次/季度", 0.35, "35%", 4, "1次/季度"),
        ("100%; 1次/年", 1.0, "100%", 1, "1次/年"),
        ("≥20%，2次/年", 0.20, "≥20%", 2, "2次/年"),
        ("3%,=1", 0.03, "3%", 1, "=1"),
        ("5%-20%；>=1", 0.05, "5%-20%", 1, ">=1"),
        ("10% 1次/年", 0.10, "10%", 1, "1次/年"),
    ])
    func combined(raw: String, min: Double, ratioRaw: String, perYear: Int, frequencyRaw: String) {
        let (ratio, frequency) = PlanCellParser.ratioAndFrequency(raw)
        #expect(ratio.problem == nil)
        #expect(frequency.problem == nil)
        #expect(ratio.value.min == min)
        #expect(ratio.value.raw == ratioRaw)
        #expect(frequency.value == InspectionFrequency(perYear: perYear, atLeast: frequencyRaw.hasPrefix(">="), raw: frequencyRaw))
    }

    @Test func combinedWithCount() {
        let (ratio, frequency) = PlanCellParser.ratioAndFrequency("1户；1次/年")
        #expect(ratio.value == SamplingRatio(count: 1, raw: "1户"))
        #expect(frequency.value.perYear == 1)
    }

    @Test func combinedMissingFrequency() {
        let (ratio, frequency) = PlanCellParser.ratioAndFrequency("20%")
        #expect(ratio.value.min == 0.20)
        #expect(frequency.value.perYear == nil)
        #expect(frequency.problem == "no inspection frequency in '20%'")
    }

    @Test(arguments: [
        ("1月-11月", 1, 11), ("1-11月", 1, 11), ("1月至11月", 1, 11), ("2024年1月-11月", 1, 11), ("全年", 1, 12),
        ("7月", 7, 7), ("3月—6月", 3, 6), ("１月－１１月", 1, 11),
    ])
    func window(raw: String, start: Int, end: Int) {
        #expect(PlanCellParser.window(raw) == .init(value: TaskWindow(startMonth: start, endMonth: end, raw: raw), problem: nil))
    }

    @Test(arguments: ["11月-1月", "13月", "年底前", ""])
    func windowUnreadable(raw: String) {
        let outcome = PlanCellParser.window(raw)
        #expect(outcome.value.startMonth == nil)
        #expect(outcome.value.endMonth == nil)
        #expect(outcome.problem != nil)
    }

    @Test func listsSplitOnEverySeparator() {
        #expect(PlanCellParser.departments("原平市市场监督管理局、原平市教育科技局") == ["原平市市场监督管理局", "原平市教育科技局"])
        #expect(PlanCellParser.departments(" 原平市交通运输局；原平市公安局,原平市应急管理局 ") == ["原平市交通运输局", "原平市公安局", "原平市应急管理局"])
        #expect(PlanCellParser.departments("") == [])
        #expect(PlanCellParser.scopes("从事种畜禽生产经营单位 鱼池养殖") == ["从事种畜禽生产经营单位", "鱼池养殖"])
        #expect(PlanCellParser.scopes("包装装潢、其他印刷品印刷单位") == ["包装装潢、其他印刷品印刷单位"])
        #expect(PlanCellParser.scopes("燃气经营企业；加油站") == ["燃气经营企业", "加油站"])
    }

    @Test func mattersDropNumbering() {
        #expect(PlanCellParser.matters("1. 游泳场(馆)取得许可证; 2. 卫生管理情况等检查") == ["游泳场(馆)取得许可证", "卫生管理情况等检查"])
        #expect(PlanCellParser.matters("1、排污许可证执行情况; 2、污染物排放情况") == ["排污许可证执行情况", "污染物排放情况"])
        #expect(PlanCellParser.matters("燃气经营监督检查") == ["燃气经营监督检查"])
    }
}
